// Messages as stored and as the API shows them.
import type { NewsItem } from '../../core/item';
import { DateTime } from '../../core/vendor';
import type { WaitView } from './waiting';

export const STATES = ['queued', 'scheduled', 'held', 'sending', 'sent', 'failed', 'deferred', 'expired', 'rejected', 'cancelled', 'duplicate'] as const;
export type State = (typeof STATES)[number];
/** Waiting for the dispatcher. */
export const WAITING: readonly State[] = ['queued', 'scheduled', 'deferred'];
/** May still be cancelled or expire. */
export const PENDING: readonly State[] = ['queued', 'scheduled', 'deferred', 'held'];

export interface MessageRow {
	id: string;
	channel: string;
	dedupe_key: string;
	state: State;
	text: string;
	category: string | null;
	priority: number;
	emergency: number;
	justification: string | null;
	image: string | null;
	earliest_at: number;
	expires_at: number | null;
	created_at: number;
	updated_at: number;
	sent_at: number | null;
	provider_message_id: string | null;
	reasons: string;
	attempts: number;
	item: string | null;
	via: string | null;
	claimed_at: number | null;
	counted: number;
	lease_until: number | null;
	/** JSON of core's `Settled`: what a person decided and the send-time check keeps. */
	settled: string | null;
	/** The page the item stands for, canonical (core/crosspost.ts): how a copy from another source is found. */
	link_key?: string | null;
	/** A duplicate (state `duplicate`): the message sent in its place. */
	duplicate_of?: string | null;
}

export interface HistoryEntry {
	at: string;
	state: State;
	note: string | null;
}

export interface Message {
	id: string;
	channel: string;
	dedupeKey: string;
	state: State;
	text: string;
	category: string | null;
	priority: number;
	emergency: boolean;
	justification: string | null;
	image: string | null;
	earliestAt: string;
	expiresAt: string | null;
	createdAt: string;
	updatedAt: string;
	sentAt: string | null;
	providerMessageId: string | null;
	reasons: string[];
	attempts: number;
	item: NewsItem | null;
	/** A duplicate: the message that is sent in its place (the same notice from another source). */
	duplicateOf: string | null;
	history: HistoryEntry[];
	/** When a waiting or held message can go out and why; only where it is asked for (GET of messages). */
	waiting?: WaitView | null;
}

export const isoOf = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function toMessage(row: MessageRow, history: HistoryEntry[]): Message {
	return {
		id: row.id,
		channel: row.channel,
		dedupeKey: row.dedupe_key,
		state: row.state,
		text: row.text,
		category: row.category,
		priority: row.priority,
		emergency: row.emergency === 1,
		justification: row.justification,
		image: row.image,
		earliestAt: new Date(row.earliest_at).toISOString(),
		expiresAt: isoOf(row.expires_at),
		createdAt: new Date(row.created_at).toISOString(),
		updatedAt: new Date(row.updated_at).toISOString(),
		sentAt: isoOf(row.sent_at),
		providerMessageId: row.provider_message_id,
		reasons: JSON.parse(row.reasons) as string[],
		attempts: row.attempts,
		item: row.item ? (JSON.parse(row.item) as NewsItem) : null,
		duplicateOf: row.duplicate_of ?? null,
		history,
	};
}

/** A date as the communications office reads it: 30/03/2026 00:00, Rome time. */
export function localDate(ms: number | Date, zone = 'Europe/Rome'): string {
	const at = typeof ms === 'number' ? new Date(ms) : ms;
	const t = at.getTime();
	// Minute precision, and zone offsets since 1970 are whole minutes: memoised per UTC minute
	// (luxon's zone maths and formatting cost more than the rest of a decision).
	if (!(t >= 0)) return DateTime.fromJSDate(at, { zone }).toFormat('dd/LL/yyyy HH:mm');
	const key = `${zone}|${Math.floor(t / 60_000)}`;
	let text = formatted.get(key);
	if (text === undefined) {
		text = DateTime.fromJSDate(at, { zone }).toFormat('dd/LL/yyyy HH:mm');
		if (formatted.size >= 4096) formatted.clear();
		formatted.set(key, text);
	}
	return text;
}

const formatted = new Map<string, string>();
