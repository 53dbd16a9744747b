// Where due messages go: the webhook an n8n Scheduler Trigger registered for the channel, else the
// channel's configured transport. Registrations live in the database, so every scheduler process
// sharing it delivers to the same place.
import { randomUUID } from 'node:crypto';
import type { Context } from './context';
import { transportFor, WebhookTransport, type Transport } from './delivery';
import type { ChannelConfig } from './config';
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

/** Transports that post by themselves: a registered n8n flow does not take their channels over. */
const DIRECT: ReadonlySet<Transport['kind']> = new Set(['subscribers', 'waha', 'evolution']);

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

/**
 * The transport of each channel, as a synchronous lookup for the dispatch loop. Registrations are
 * re-read on every change made here and on a timer, for changes made by other processes.
 */
export class Transports {
	private webhooks: Webhook[] = [];
	private readonly configured = new Map<string, Transport>();
	private readonly registered = new Map<string, WebhookTransport>();
	private timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly store: Queryable,
		channels: ChannelConfig[],
		private readonly leaseSeconds: number,
		private readonly token: string,
	) {
		for (const channel of channels) this.configured.set(channel.id, transportFor(channel, leaseSeconds, token));
	}

	get(channel: string): Transport | undefined {
		// A channel that posts by itself (to subscribers, or to a channel through a gateway) keeps doing so, whatever n8n flows are registered.
		const configured = this.configured.get(channel);
		if (configured && DIRECT.has(configured.kind)) return configured;
		const hook = this.webhooks.find((webhook) => webhook.channels?.includes(channel)) ?? this.webhooks.find((webhook) => !webhook.channels);
		if (!hook) return this.configured.get(channel);
		let transport = this.registered.get(hook.url);
		if (!transport) {
			transport = new WebhookTransport(hook.url, Math.min(30_000, (this.leaseSeconds * 1000) / 2), this.token);
			this.registered.set(hook.url, transport);
		}
		return transport;
	}

	/** Kind of delivery a channel has now, for the API's channel view. */
	kind(channel: string): Transport['kind'] {
		return this.get(channel)?.kind ?? 'outbox';
	}

	async refresh(): Promise<void> {
		this.webhooks = await listWebhooks(this.store);
	}

	start(everyMs = 10_000): void {
		this.timer = setInterval(() => void this.refresh().catch(() => undefined), everyMs);
		this.timer.unref();
	}

	stop(): void {
		clearInterval(this.timer);
		// Gateways keep connections alive between posts: closed with the scheduler.
		for (const transport of this.configured.values()) transport.close?.();
	}
}
