// One channel, several outlets (a WhatsApp Channel and Telegram): each due message goes to every
// outlet once and counts once against the week. Each outlet's result is recorded (OutletLog); an
// outlet that has the message is never asked again, so a retry never duplicates it where it arrived.
//
// - At least one outlet has it: the message is sent (and counted). The outlets that failed are retried
//   by themselves, later, by the dispatcher's outlet pass (scheduler/src/outlets.ts), until
//   maxAttempts; one that cannot have it is recorded as failed and shown.
// - None has it and each known not to: not handed over; the whole message is tried again later.
// - None has it and some may have: an unknown outcome; after the lease, each outlet is asked
//   (`recover`) what it knows, and the message is sent if one has it.
import type { Message } from '../model';
import type { DeliveryResult, GatewayAlert, Recovery, Transport } from './transport';

/** `sending`: no answer yet (a timeout): after the lease the outlet is asked what it knows. `unknown`: waits for a person. */
export type OutletState = 'sent' | 'retrying' | 'sending' | 'failed' | 'unknown';

/** What one outlet did with one message, as recorded. */
export interface OutletResult {
	outlet: string;
	state: OutletState;
	providerMessageId?: string;
	reason?: string;
	/** A known failure that trying again may fix; not sooner than `retryAfterSeconds` when the provider said so. */
	retry?: boolean;
	retryAfterSeconds?: number;
	alert?: GatewayAlert;
}

/** Where outlets' results are kept (scheduler/src/outlets.ts: the outlet_deliveries table). */
export interface OutletLog {
	/** The outlets that already have the message. */
	sent(messageId: string): Promise<Set<string>>;
	record(message: Message, results: OutletResult[]): Promise<void>;
}

/** One outlet's answer as a result to record. */
export function outletResult(outlet: string, result: DeliveryResult): OutletResult {
	if (result.kind === 'sent') return { outlet, state: 'sent', providerMessageId: result.providerMessageId };
	if (result.kind === 'notHandedOver') return { outlet, state: result.retry ? 'retrying' : 'failed', reason: result.reason, retry: result.retry, alert: result.alert, retryAfterSeconds: result.retryAfterSeconds };
	if (result.kind === 'unknown') return { outlet, state: 'sending', reason: result.reason };
	if (result.kind === 'inDoubt') return { outlet, state: 'unknown', reason: result.reason };
	return { outlet, state: 'unknown' };
}

export function outletRecovery(outlet: string, found: Recovery): OutletResult {
	if (found.sent) return { outlet, state: 'sent', providerMessageId: found.providerMessageId, reason: found.note };
	return { outlet, state: found.known ? 'retrying' : 'unknown', reason: found.note, retry: found.known, alert: found.alert };
}

export class Fanout implements Transport {
	readonly kind: string;

	constructor(
		readonly channel: string,
		readonly outlets: readonly Transport[],
		private readonly log: OutletLog,
	) {
		this.kind = outlets.map((outlet) => outlet.kind).join('+');
	}

	async deliver(message: Message, ackUrl: string): Promise<DeliveryResult> {
		const done = await this.log.sent(message.id);
		const pending = this.outlets.filter((outlet) => !done.has(outlet.kind));
		const results = await Promise.all(
			pending.map(async (outlet) => outletResult(outlet.kind, await outlet.deliver(message, ackUrl).catch((error: unknown): DeliveryResult => ({ kind: 'unknown', reason: (error as Error).message })))),
		);
		await this.log.record(message, results);
		return combine(done, results);
	}

	async recover(message: Message): Promise<Recovery> {
		const done = await this.log.sent(message.id);
		const pending = this.outlets.filter((outlet) => !done.has(outlet.kind));
		const results = await Promise.all(
			pending.map(async (outlet) => outletRecovery(outlet.kind, await outlet.recover(message).catch((error: unknown): Recovery => ({ sent: false, known: false, note: (error as Error).message })))),
		);
		await this.log.record(message, results);
		if (done.size > 0 || results.some((result) => result.state === 'sent')) return { sent: true, providerMessageId: providerIds(done, results) };
		const alert = results.find((result) => result.alert)?.alert;
		return { sent: false, known: results.every((result) => result.state === 'retrying'), note: reasons(results), ...(alert ? { alert } : {}) };
	}

	close(): void {
		for (const outlet of this.outlets) outlet.close?.();
	}
}

function combine(done: Set<string>, results: OutletResult[]): DeliveryResult {
	if (done.size > 0 || results.some((result) => result.state === 'sent')) return { kind: 'sent', providerMessageId: providerIds(done, results) };
	if (results.every((result) => result.state === 'retrying' || result.state === 'failed')) {
		const alert = results.find((result) => result.alert)?.alert;
		const wait = Math.max(0, ...results.map((result) => result.retryAfterSeconds ?? 0));
		return { kind: 'notHandedOver', reason: reasons(results), retry: results.some((result) => result.retry), ...(alert ? { alert } : {}), ...(wait ? { retryAfterSeconds: wait } : {}) };
	}
	return { kind: 'unknown', reason: reasons(results) };
}

/** The outlets that have it, as `kind:id`, in one line (the message's provider id). */
function providerIds(done: Set<string>, results: OutletResult[]): string {
	const now = results.filter((result) => result.state === 'sent').map((result) => `${result.outlet}:${result.providerMessageId ?? ''}`);
	return [...done, ...now].join(' ');
}

const reasons = (results: OutletResult[]): string =>
	results
		.filter((result) => result.reason)
		.map((result) => `${result.outlet}: ${result.reason}`)
		.join('; ');
