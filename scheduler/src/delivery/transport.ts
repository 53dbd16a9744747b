import type { Message } from '../model';

export type DeliveryResult =
	/** Posted, with the provider's id (the outbox file). */
	| { kind: 'sent'; providerMessageId: string }
	/** n8n has it: the message stays `sending` until the acknowledgement. */
	| { kind: 'handedOver' }
	/** Known not to have reached the flow: safe to retry. */
	| { kind: 'notHandedOver'; reason: string; retry: boolean }
	/** May or may not have reached the flow: stays `sending`; the lease decides (unknown outcome). */
	| { kind: 'unknown'; reason: string };

export interface Transport {
	readonly kind: 'outbox' | 'webhook' | 'subscribers';
	deliver(message: Message, ackUrl: string): Promise<DeliveryResult>;
	/** After a lease ran out (a crash mid-delivery): did the message go out? */
	recover(message: Message): Promise<{ sent: true; providerMessageId: string } | { sent: false; known: boolean }>;
}
