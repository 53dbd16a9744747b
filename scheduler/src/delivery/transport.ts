import type { Message } from '../model';

export type DeliveryResult =
	/** Posted, with the provider's id (the outbox file, the channel read back). */
	| { kind: 'sent'; providerMessageId: string }
	/** n8n has it: the message stays `sending` until the acknowledgement. */
	| { kind: 'handedOver' }
	/** Known not to have reached the flow or the channel: safe to retry; `retryAfterSeconds` when the provider said how long to wait (Telegram's flood control). */
	| { kind: 'notHandedOver'; reason: string; retry: boolean; alert?: GatewayAlert; retryAfterSeconds?: number }
	/** May or may not have reached the flow or the channel: stays `sending`; the lease decides. */
	| { kind: 'unknown'; reason: string }
	/** Taken by the gateway but not seen where it should show: an unknown outcome now (counted, waits for a person). */
	| { kind: 'inDoubt'; reason: string };

/**
 * What a transport knows after a lease ran out (a crash mid-delivery): sent, known not sent (queued
 * again), or not known (an unknown outcome: it keeps counting and waits for a person). `note` says
 * how it was found out, in Italian, for the message's history.
 */
export type Recovery = { sent: true; providerMessageId: string; note?: string } | { sent: false; known: boolean; note?: string; alert?: GatewayAlert };

/** What the office must hear about a gateway beyond the message: its session is down, or the channel cannot be read back. */
export type GatewayAlert = 'sessionDown' | 'readBackFailed';

export interface Transport {
	/** The delivery kind (delivery/kinds.ts), recorded as the message's `via`. */
	readonly kind: string;
	deliver(message: Message, ackUrl: string): Promise<DeliveryResult>;
	/** After a lease ran out (a crash mid-delivery): did the message go out? */
	recover(message: Message): Promise<Recovery>;
	/** Releases what the transport holds open (keep-alive connections). */
	close?(): void;
}

/** Where each channel delivers now: its configured outlets, or the n8n flow registered for it (delivery/routes.ts). */
export interface Routes {
	/** The one transport a due message of the channel is handed to (several outlets are fanned out behind it). */
	get(channel: string): Transport | undefined;
	/** Each configured outlet of the channel. */
	outlets(channel: string): readonly Transport[];
	/** The kind of delivery the channel has now, for the API's channel view. */
	kind(channel: string): string;
	/** Reads the n8n flows' registrations again (after a change). */
	refresh(): Promise<void>;
}
