// The subscribers transport: a due message goes to the channel's confirmed subscribers over the
// Cloud API (see subscribers/broadcast.ts for how, and for what happens after a crash: an unknown
// outcome, whose retry runs the same broadcast again and skips everyone already reached).
import { t } from '../../../core/messages';
import type { Message } from '../model';
import { subscribersDelivery, type SubscribersDelivery } from '../subscribers/settings';
import { deliveryKind, secretFrom } from './kind';
import type { DeliveryResult, Transport } from './transport';

export type Broadcast = (message: Message) => Promise<DeliveryResult>;

export class SubscribersTransport implements Transport {
	readonly kind = 'subscribers';
	private broadcast: Broadcast | null = null;

	constructor(readonly channel: string) {}

	/** The broadcast needs the running scheduler (store, keys, clock): subscribers/index.ts binds it at start. */
	bind(broadcast: Broadcast): void {
		this.broadcast = broadcast;
	}

	async deliver(message: Message): Promise<DeliveryResult> {
		if (!this.broadcast) return { kind: 'notHandedOver', reason: t('scheduler.subscribers.notStarted'), retry: true };
		return this.broadcast(message);
	}

	async recover() {
		return { sent: false as const, known: false };
	}
}

export const subscribersKind = deliveryKind({
	kind: 'subscribers',
	schema: subscribersDelivery,
	direct: true,
	resolve: (written, at): SubscribersDelivery => ({ ...written, accessToken: secretFrom(at, written.accessTokenEnv, 'the Cloud API access token (a System User token of the Meta app) that sends to subscribers') }),
	transport: (_settings: SubscribersDelivery, options) => new SubscribersTransport(options.channel),
});
