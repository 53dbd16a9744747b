// The per-recipient send log: intent before each request, outcome after. A crash and restart reads it
// back so nobody gets the message twice and nobody is skipped. Recipients appear by key only, never
// by phone number.
export type Outcome =
	/** Accepted by WhatsApp (the answer, or a status webhook found at reconciliation). */
	| 'sent'
	/** Not sent and never to be sent (unreachable, opted out). */
	| 'dropped'
	/** Not sent, may be sent again (throttling, transient error): the next run retries it. */
	| 'failed'
	/** In doubt and no way to find out: left alone rather than risk a second message. */
	| 'unknown';

export type LogEntry =
	| { k: string; e: 'intent'; t: number }
	/** The request may have reached WhatsApp (timeout, reset): resolved by reconciliation. */
	| { k: string; e: 'doubt'; t: number }
	| { k: string; e: Outcome; t: number; id?: string; code?: number; reason?: string };

export type RecipientState = 'done' | 'retry' | 'doubt';

export interface LogState {
	recipients: Map<string, RecipientState>;
	/** Last time an intent was recorded for a recipient now in doubt: the grace period counts from it. */
	lastDoubtAt: number;
}

export interface SendLog {
	/** Reads what earlier runs recorded. */
	open(): Promise<LogState>;
	/** Resolves once the entry is durable. */
	append(entry: LogEntry): Promise<void>;
	close(): Promise<void>;
}

/** The state the entries of a log leave. */
export function replay(entries: Iterable<LogEntry>): LogState {
	const recipients = new Map<string, RecipientState>();
	const intents = new Map<string, number>();
	for (const entry of entries) {
		if (entry.e === 'intent') {
			recipients.set(entry.k, 'doubt');
			intents.set(entry.k, entry.t);
		} else if (entry.e === 'doubt') recipients.set(entry.k, 'doubt');
		else recipients.set(entry.k, entry.e === 'failed' ? 'retry' : 'done');
	}
	let lastDoubtAt = 0;
	for (const [key, state] of recipients) if (state === 'doubt') lastDoubtAt = Math.max(lastDoubtAt, intents.get(key) ?? 0);
	return { recipients, lastDoubtAt };
}

/** A log in memory, for tests and dry runs. */
export function memoryLog(entries: LogEntry[] = []): SendLog & { entries: LogEntry[] } {
	return {
		entries,
		open: async () => replay(entries),
		append: async (entry) => {
			entries.push(entry);
		},
		close: async () => undefined,
	};
}
