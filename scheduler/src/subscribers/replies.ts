// Automatic replies: at most N a sender per hour (persisted, so several processes share the count),
// in Italian from core/messages, sent as free text inside the 24-hour window the citizen opened.
import { t } from '../../../core/messages';
import { cloudBody, createHttpClient, sendCloud, type ClosableHttpClient, type CloudConfig } from '../../../core/whatsapp';
import type { Context } from '../context';
import type { Queryable } from '../store';
import type { ReplyKey } from './machine';
import type { SubscriberChannel } from './store';

const HOUR = 3600_000;

/** Counts one reply to this sender; false when the hour's allowance is used up. */
export async function allowReply(q: Queryable, channel: SubscriberChannel, hash: string, now: number): Promise<boolean> {
	const row = await q.get<{ window_start: number; count: number }>('SELECT window_start, count FROM subscriber_replies WHERE channel = ? AND number_hash = ?', [channel.id, hash]);
	if (!row || now - Number(row.window_start) >= HOUR) {
		await q.run(
			'INSERT INTO subscriber_replies (channel, number_hash, window_start, count) VALUES (?, ?, ?, 1) ON CONFLICT (channel, number_hash) DO UPDATE SET window_start = excluded.window_start, count = 1',
			[channel.id, hash, now],
		);
		return true;
	}
	if (Number(row.count) >= channel.settings.repliesPerHour) return false;
	await q.run('UPDATE subscriber_replies SET count = count + 1 WHERE channel = ? AND number_hash = ?', [channel.id, hash]);
	return true;
}

export function replyText(channel: SubscriberChannel, key: ReplyKey): string {
	const s = channel.settings;
	return t(`subscribers.${key}`, { name: channel.name, terms: s.termsUrl, privacy: s.privacyUrl, keyword: s.keyword, channels: s.traditionalChannels, email: s.reportEmail });
}

// One keep-alive client per running scheduler, closed with it.
const clients = new WeakMap<Context, ClosableHttpClient>();

export function cloudConfig(ctx: Context, channel: SubscriberChannel): CloudConfig {
	let http = clients.get(ctx);
	if (!http) {
		http = createHttpClient({ timeoutMs: 15_000 });
		clients.set(ctx, http);
	}
	const s = channel.settings;
	return { baseUrl: s.graphUrl, version: s.graphVersion, phoneNumberId: s.phoneNumberId, accessToken: s.accessToken, http };
}

export function closeClient(ctx: Context): void {
	clients.get(ctx)?.close();
	clients.delete(ctx);
}

export async function sendReply(ctx: Context, channel: SubscriberChannel, to: string, key: ReplyKey): Promise<void> {
	await sendCloud(cloudConfig(ctx, channel), cloudBody(to, { kind: 'text', text: replyText(channel, key) }));
}
