// The n8n flows registered to receive a channel's due messages (the Scheduler Trigger's webhook).
// Registrations live in the database, so every scheduler process sharing it delivers to the same
// place; delivery/routes.ts decides which channels they take over.
import { randomUUID } from 'node:crypto';
import type { Context } from './context';
import { ApiError, notFound } from './errors';
import { audit } from './repo';
import type { Queryable } from './store';

export interface Webhook {
	id: string;
	url: string;
	/** null: every channel. */
	channels: string[] | null;
	createdAt: string;
}

interface WebhookRow {
	id: string;
	url: string;
	channels: string | null;
	created_at: number | string;
}

const toWebhook = (row: WebhookRow): Webhook => ({
	id: row.id,
	url: row.url,
	channels: row.channels ? (JSON.parse(row.channels) as string[]) : null,
	createdAt: new Date(Number(row.created_at)).toISOString(),
});

export async function listWebhooks(q: Queryable): Promise<Webhook[]> {
	return (await q.all<WebhookRow>('SELECT * FROM webhooks ORDER BY created_at, id')).map(toWebhook);
}

/** Registering the same URL again updates its channels: n8n re-registers on every activation. */
export async function registerWebhook(ctx: Context, input: { url: string; channels?: string[] | null }, actor: string): Promise<Webhook> {
	let url: URL;
	try {
		url = new URL(input.url);
	} catch {
		throw new ApiError(400, 'invalid_request', `"${input.url}" is not a URL`, 'Give the full webhook URL of the Scheduler Trigger.');
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ApiError(400, 'invalid_request', 'The webhook URL must be http(s)');
	const channels = input.channels?.length ? input.channels : null;
	for (const channel of channels ?? []) if (!ctx.channels.has(channel)) throw notFound('channel', channel);
	const at = ctx.clock().getTime();
	const webhook = await ctx.store.tx(async (q) => {
		const existing = await q.get<WebhookRow>('SELECT * FROM webhooks WHERE url = ?', [url.href]);
		const id = existing?.id ?? randomUUID();
		if (existing) await q.run('UPDATE webhooks SET channels = ? WHERE id = ?', [channels ? JSON.stringify(channels) : null, id]);
		else await q.run('INSERT INTO webhooks (id, url, channels, created_at) VALUES (?, ?, ?, ?)', [id, url.href, channels ? JSON.stringify(channels) : null, at]);
		await audit(q, at, { channel: null, type: 'webhook.registered', actor, details: { id, url: url.href, channels } });
		return toWebhook((await q.get<WebhookRow>('SELECT * FROM webhooks WHERE id = ?', [id]))!);
	});
	await ctx.transports.refresh();
	return webhook;
}

export async function removeWebhook(ctx: Context, id: string, actor: string): Promise<void> {
	const at = ctx.clock().getTime();
	await ctx.store.tx(async (q) => {
		const row = await q.get<WebhookRow>('SELECT * FROM webhooks WHERE id = ?', [id]);
		if (!row) throw notFound('webhook', id);
		await q.run('DELETE FROM webhooks WHERE id = ?', [id]);
		await audit(q, at, { channel: null, type: 'webhook.removed', actor, details: { id, url: row.url } });
	});
	await ctx.transports.refresh();
}
