import type { ChannelConfig } from '../config';
import { OutboxTransport } from './outbox';
import { SubscribersTransport } from './subscribers';
import type { Transport } from './transport';
import { WebhookTransport } from './webhook';

export type { Transport, DeliveryResult } from './transport';
export { OutboxTransport } from './outbox';
export { WebhookTransport } from './webhook';
export { SubscribersTransport } from './subscribers';

export function transportFor(config: ChannelConfig, leaseSeconds: number, token: string): Transport {
	if (config.delivery.kind === 'subscribers') return new SubscribersTransport(config.id);
	if (config.delivery.kind === 'webhook') return new WebhookTransport(config.delivery.url, Math.min(30_000, (leaseSeconds * 1000) / 2), token);
	return new OutboxTransport(config.delivery.file);
}
