// Subscribers over the official Cloud API: what the API, the admin page and the scheduler use.
import { signupQr as qr, signupUrl } from '../../../core/signup';
import { ConfigError } from '../channels';
import type { Context } from '../context';
import { SubscribersTransport } from '../delivery/subscribers';
import { broadcastMessage } from './broadcast';
import { purge } from './gdpr';
import { closeClient } from './replies';
import { subscriberChannel, subscriberChannels } from './store';

export { subscriberCounts } from './store';
export { exportPerson, erasePerson, purge, reencrypt } from './gdpr';

/** The wa.me link with the keyword prefilled, for the comune's website; null for other channels. */
export function signupLink(ctx: Context, channelId: string): { url: string; keyword: string } | null {
	const channel = subscriberChannels(ctx).find((c) => c.id === channelId);
	if (!channel) return null;
	return { url: signupUrl(channel.settings.businessNumber, channel.settings.keyword), keyword: channel.settings.keyword };
}

export function signupQr(url: string, format: 'svg' | 'png'): Promise<string | Buffer> {
	return qr(url, format);
}

const DAY = 24 * 3600_000;

/**
 * Starts the subscriber features of a running scheduler: refuses without keys, binds the transports,
 * purges past-retention records now and every day. Returns the stop function.
 */
export async function startSubscribers(ctx: Context, onError: (error: unknown) => void): Promise<() => void> {
	const channels = subscriberChannels(ctx);
	if (!channels.length) return () => undefined;
	if (!ctx.config.subscribers) {
		throw new ConfigError(`channel "${channels[0].id}" sends to subscribers, but BANDITORE_SUBSCRIBER_KEYS and BANDITORE_SUBSCRIBER_HASH_KEY are not set: numbers are stored only encrypted.`);
	}
	for (const c of channels) {
		for (const transport of ctx.transports.outlets(c.id)) {
			if (transport instanceof SubscribersTransport) transport.bind((message) => broadcastMessage(ctx, subscriberChannel(ctx, c.id), message));
		}
	}
	await purge(ctx);
	const timer = setInterval(() => void purge(ctx).catch(onError), DAY);
	timer.unref();
	return () => {
		clearInterval(timer);
		closeClient(ctx);
	};
}
