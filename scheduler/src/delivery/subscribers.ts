// The subscribers transport: a due message goes to the channel's confirmed subscribers over the
// Cloud API (see subscribers/broadcast.ts for how, and for what happens after a crash).
import { t } from '../../../core/messages';
import type { Context } from '../context';
import type { Message } from '../model';
import { broadcastMessage } from '../subscribers/broadcast';
import { subscriberChannel } from '../subscribers/store';
import type { DeliveryResult, Transport } from './transport';

export class SubscribersTransport implements Transport {
	readonly kind = 'subscribers';
	private ctx: Context | null = null;

	constructor(readonly channel: string) {}

	/** The transport needs the running scheduler (store, keys, clock): bound when the API starts. */
	bind(ctx: Context): void {
		this.ctx = ctx;
	}

	async deliver(message: Message): Promise<DeliveryResult> {
		if (!this.ctx) return { kind: 'notHandedOver', reason: t('scheduler.subscribers.notStarted'), retry: true };
		return broadcastMessage(this.ctx, subscriberChannel(this.ctx, this.channel), message);
	}

	async recover() {
		return { sent: false as const, known: false };
	}
}
