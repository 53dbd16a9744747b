// What each outlet of a channel with several did with each message (delivery/fanout.ts): the SQL of
// outlet_deliveries, the pass that retries an outlet that failed once the message went out through
// another, and the view the API and the admin page show.
import { t } from '../../core/messages';
import type { Context } from './context';
import { outletRecovery, outletResult, type OutletLog, type OutletResult, type OutletState } from './delivery/fanout';
import type { Message } from './model';
import { retryAt } from './queue';
import { audit, loadMessage } from './repo';
import type { Queryable } from './store';

const ACTOR = 'dispatcher';

interface OutletRow {
	message_id: string;
	channel: string;
	outlet: string;
	state: OutletState;
	provider_message_id: string | null;
	reason: string | null;
	attempts: number;
	next_at: number | string | null;
	lease_until: number | string | null;
	updated_at: number | string;
}

export interface OutletView {
	outlet: string;
	state: OutletState;
	providerMessageId: string | null;
	reason: string | null;
	attempts: number;
	retryAt: string | null;
	updatedAt: string;
}

const toView = (row: OutletRow): OutletView => ({
	outlet: row.outlet,
	state: row.state,
	providerMessageId: row.provider_message_id,
	reason: row.reason,
	attempts: Number(row.attempts),
	retryAt: row.state === 'retrying' && row.next_at !== null ? new Date(Number(row.next_at)).toISOString() : null,
	updatedAt: new Date(Number(row.updated_at)).toISOString(),
});

export async function outletsOfMessage(q: Queryable, messageId: string): Promise<OutletView[]> {
	return (await q.all<OutletRow>('SELECT * FROM outlet_deliveries WHERE message_id = ? ORDER BY outlet', [messageId])).map(toView);
}

/** The records a Fanout writes, with the audit row of each outcome. */
export class OutletRecords implements OutletLog {
	constructor(private readonly ctx: Pick<Context, 'store' | 'clock' | 'config'>) {}

	async sent(messageId: string): Promise<Set<string>> {
		const rows = await this.ctx.store.all<{ outlet: string }>("SELECT outlet FROM outlet_deliveries WHERE message_id = ? AND state = 'sent'", [messageId]);
		return new Set(rows.map((row) => row.outlet));
	}

	async record(message: Message, results: OutletResult[]): Promise<void> {
		if (!results.length) return;
		const now = this.ctx.clock().getTime();
		await this.ctx.store.tx(async (q) => {
			for (const result of results) await write(this.ctx, q, message, result, now);
		}, { lockChannel: message.channel });
	}
}

/** One outlet's result: sent stays sent; a failure that may pass is tried again after the backoff, until maxAttempts. */
async function write(ctx: Pick<Context, 'config'>, q: Queryable, message: Pick<Message, 'id' | 'channel'>, result: OutletResult, now: number): Promise<void> {
	const before = await q.get<OutletRow>('SELECT * FROM outlet_deliveries WHERE message_id = ? AND outlet = ?', [message.id, result.outlet]);
	if (before?.state === 'sent') return;
	const attempts = Number(before?.attempts ?? 0) + 1;
	const exhausted = result.state === 'retrying' && attempts >= ctx.config.dispatch.maxAttempts;
	const state: OutletState = exhausted ? 'failed' : result.state;
	const nextAt = state === 'retrying' ? retryAt(ctx, now, attempts, result.retryAfterSeconds) : null;
	const reason = result.reason ? (exhausted ? t('scheduler.failedAfter', { attempts, reason: result.reason }) : result.reason) : null;
	const leaseUntil = state === 'sending' ? now + ctx.config.dispatch.leaseSeconds * 1000 : null;
	const values = [state, result.providerMessageId ?? null, reason, attempts, nextAt, leaseUntil, now];
	if (before) await q.run('UPDATE outlet_deliveries SET state = ?, provider_message_id = ?, reason = ?, attempts = ?, next_at = ?, lease_until = ?, updated_at = ? WHERE message_id = ? AND outlet = ?', [...values, message.id, result.outlet]);
	else await q.run('INSERT INTO outlet_deliveries (state, provider_message_id, reason, attempts, next_at, lease_until, updated_at, message_id, channel, outlet) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [...values, message.id, message.channel, result.outlet]);
	const details = { outlet: result.outlet, attempts, ...(result.providerMessageId ? { providerMessageId: result.providerMessageId } : {}), ...(reason ? { reason } : {}), ...(nextAt ? { retryAt: new Date(nextAt).toISOString() } : {}) };
	await audit(q, now, { channel: message.channel, type: `outlet.${state}`, messageId: message.id, actor: ACTOR, details });
}

/**
 * The outlets still owed a message that went out through another: each due one is claimed with a
 * lease (several processes may run this), asked again, and its answer recorded. An outlet whose
 * lease ran out (a crash mid-send) is asked what it knows first.
 */
export async function retryOutlets(ctx: Context): Promise<void> {
	const now = ctx.clock().getTime();
	const ids = [...ctx.channels.keys()];
	if (!ids.length) return;
	const due = await ctx.store.all<OutletRow>(
		`SELECT o.* FROM outlet_deliveries o JOIN messages m ON m.id = o.message_id
		WHERE m.state = 'sent' AND o.channel IN (${ids.map(() => '?').join(', ')})
		AND ((o.state = 'retrying' AND o.next_at <= ?) OR (o.state = 'sending' AND o.lease_until <= ?)) ORDER BY o.next_at LIMIT 100`,
		[...ids, now, now],
	);
	for (const row of due) {
		const outlet = ctx.transports.outlets(row.channel).find((transport) => transport.kind === row.outlet);
		if (!outlet) continue;
		const lease = now + ctx.config.dispatch.leaseSeconds * 1000;
		const claimed = await ctx.store.run(
			"UPDATE outlet_deliveries SET state = 'sending', lease_until = ? WHERE message_id = ? AND outlet = ? AND state = ? AND updated_at = ?",
			[lease, row.message_id, row.outlet, row.state, row.updated_at],
		);
		if (claimed !== 1) continue;
		const message = await loadMessage(ctx.store, row.message_id);
		if (!message) continue;
		const result =
			row.state === 'sending'
				? outletRecovery(row.outlet, await outlet.recover(message).catch((error: unknown) => ({ sent: false as const, known: false, note: (error as Error).message })))
				: outletResult(row.outlet, await outlet.deliver(message, `${ctx.publicUrl}/v1/messages/${message.id}/ack`).catch((error: unknown) => ({ kind: 'unknown' as const, reason: (error as Error).message })));
		await ctx.store.tx((q) => write(ctx, q, message, result, ctx.clock().getTime()), { lockChannel: row.channel });
		if (result.state !== 'sent') ctx.metrics.deliveryError(row.channel, row.outlet, result.state);
	}
}
