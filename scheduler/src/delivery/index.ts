import type { ChannelConfig } from '../config';
import { GatewayTransport, gatewayTimeoutMs } from './gateway';
import { OutboxTransport } from './outbox';
import { SubscribersTransport } from './subscribers';
import type { Transport } from './transport';
import { WebhookTransport } from './webhook';

export type { Transport, DeliveryResult, GatewayAlert, Recovery } from './transport';
export { OutboxTransport } from './outbox';
export { WebhookTransport } from './webhook';
export { SubscribersTransport } from './subscribers';
export { GatewayTransport } from './gateway';

export function transportFor(config: ChannelConfig, leaseSeconds: number, token: string): Transport {
	// A request may take at most half the lease, so that the lease never ends while one is still waiting.
	const timeoutMs = Math.min(30_000, (leaseSeconds * 1000) / 2);
	const delivery = config.delivery;
	if (delivery.kind === 'subscribers') return new SubscribersTransport(config.id);
	if (delivery.kind === 'webhook') return new WebhookTransport(delivery.url, timeoutMs, token);
	if (delivery.kind === 'waha' || delivery.kind === 'evolution') return new GatewayTransport(delivery, gatewayTimeoutMs(delivery, leaseSeconds) ?? 1000);
	return new OutboxTransport(delivery.file);
}
