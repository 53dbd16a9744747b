// Requests of one person (GDPR art. 15 export, art. 17 erasure), the retention purge, and moving
// numbers to the newest key after a rotation.
import type { Context } from '../context';
import { ApiError } from '../errors';
import { audit } from '../repo';
import type { Param, Queryable } from '../store';
import { decryptNumber, encryptNumber, keyIdOf, maskedId, numberHash } from './crypto';
import { INBOUND_MEMORY_MS } from './inbound';
import { PENDING_MS } from './machine';
import { normaliseNumber } from './number';
import { deleteSubscribers, keysOf, subscriberChannel, subscriberChannels, type SubscriberRow } from './store';

const DAY = 24 * 3600_000;
/** Send-log rows outlive any retry of their message (messages expire long before). */
const SEND_LOG_MS = 30 * DAY;

interface Person {
	number: string;
	hash: string;
	channels: string[];
}

function person(ctx: Context, input: string, channel?: string): Person {
	const number = normaliseNumber(String(input ?? ''));
	if (!number) throw new ApiError(400, 'invalid_number', 'the number is not a phone number', 'Write it with the country code, e.g. +39 347 123 4567.');
	const channels = channel ? [subscriberChannel(ctx, channel).id] : subscriberChannels(ctx).map((c) => c.id);
	return { number, hash: numberHash(keysOf(ctx), number), channels };
}

const marks = (list: unknown[]) => list.map(() => '?').join(', ');
const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

async function rowsOf(q: Queryable, p: Person): Promise<SubscriberRow[]> {
	if (!p.channels.length) return [];
	return q.all<SubscriberRow>(`SELECT * FROM subscribers WHERE number_hash = ? AND channel IN (${marks(p.channels)}) ORDER BY channel`, [p.hash, ...p.channels]);
}

/** Everything held about one number (art. 15). The number appears only here, in the copy for its owner. */
export async function exportPerson(ctx: Context, input: string, channel?: string) {
	const p = person(ctx, input, channel);
	const rows = await rowsOf(ctx.store, p);
	const ids = rows.map((r) => r.id);
	const inChannels = `channel IN (${marks(p.channels)})`;
	const consents = p.channels.length
		? await ctx.store.all<{ channel: string; event: string; policy_version: string; at: number }>(
				`SELECT channel, event, policy_version, at FROM subscriber_consents WHERE number_hash = ? AND ${inChannels} ORDER BY at, id`,
				[p.hash, ...p.channels],
			)
		: [];
	const replies = p.channels.length
		? await ctx.store.all<{ channel: string; window_start: number; count: number }>(`SELECT channel, window_start, count FROM subscriber_replies WHERE number_hash = ? AND ${inChannels}`, [p.hash, ...p.channels])
		: [];
	const sends = ids.length
		? await ctx.store.all<{ broadcast_id: string; event: string; at: number; code: number | null }>(
				`SELECT broadcast_id, event, at, code FROM subscriber_sends WHERE subscriber_id IN (${marks(ids)}) ORDER BY seq`,
				ids,
			)
		: [];
	const statuses = ids.length
		? await ctx.store.all<{ broadcast_id: string; status: string; at: number; error_code: number | null }>(
				`SELECT broadcast_id, status, at, error_code FROM whatsapp_statuses WHERE recipient_key IN (${marks(ids)}) ORDER BY at`,
				ids,
			)
		: [];
	return {
		number: `+${p.number}`,
		generatedAt: ctx.clock().toISOString(),
		subscriptions: rows.map((r) => ({
			channel: r.channel,
			id: maskedId(r.number_hash),
			state: r.state,
			createdAt: iso(r.created_at),
			confirmedAt: iso(r.confirmed_at),
			lastMessageAt: iso(r.last_inbound_at),
			numberStored: r.number_enc !== null,
		})),
		consents: consents.map((c) => ({ channel: c.channel, event: c.event, policyVersion: c.policy_version, at: iso(c.at) })),
		messages: sends.map((s) => ({ message: s.broadcast_id, event: s.event, at: iso(s.at), errorCode: s.code === null ? null : Number(s.code) })),
		deliveryStatuses: statuses.map((s) => ({ message: s.broadcast_id, status: s.status, at: iso(s.at), errorCode: s.error_code === null ? null : Number(s.error_code) })),
		automaticReplies: replies.map((r) => ({ channel: r.channel, hourFrom: iso(r.window_start), count: Number(r.count) })),
	};
}

/** Erases everything of one number (art. 17), in every table, at once. Returns the rows deleted per table. */
export async function erasePerson(ctx: Context, input: string, channel?: string): Promise<Record<string, number>> {
	const p = person(ctx, input, channel);
	if (!p.channels.length) return {};
	const now = ctx.clock().getTime();
	return ctx.store.tx(async (q) => {
		const ids = (await rowsOf(q, p)).map((r) => r.id);
		const params: Param[] = [p.hash, ...p.channels];
		const deleted = {
			...(await deleteSubscribers(q, ids)),
			consents: await q.run(`DELETE FROM subscriber_consents WHERE number_hash = ? AND channel IN (${marks(p.channels)})`, params),
			replies: await q.run(`DELETE FROM subscriber_replies WHERE number_hash = ? AND channel IN (${marks(p.channels)})`, params),
		};
		// The audit says that an erasure happened, never whose.
		await audit(q, now, { channel: channel ?? null, type: 'subscriber.erased', actor: 'api', details: deleted });
		return deleted;
	});
}

/** Deletes what is past its time: consent records of people gone for longer than the retention, and housekeeping rows. */
export async function purge(ctx: Context): Promise<Record<string, number>> {
	const now = ctx.clock().getTime();
	return ctx.store.tx(async (q) => {
		let consents = 0;
		for (const c of subscriberChannels(ctx)) {
			consents += await q.run(
				'DELETE FROM subscriber_consents WHERE channel = ? AND at < ? AND NOT EXISTS (SELECT 1 FROM subscribers s WHERE s.channel = subscriber_consents.channel AND s.number_hash = subscriber_consents.number_hash)',
				[c.id, now - c.settings.consentRetentionDays * DAY],
			);
		}
		const done = {
			consents,
			pending: await q.run("DELETE FROM subscribers WHERE state = 'pending' AND pending_since < ?", [now - PENDING_MS]),
			replies: await q.run('DELETE FROM subscriber_replies WHERE window_start < ?', [now - 3600_000]),
			inbound: await q.run('DELETE FROM subscriber_inbound WHERE at < ?', [now - INBOUND_MEMORY_MS]),
			sends: await q.run('DELETE FROM subscriber_sends WHERE at < ?', [now - SEND_LOG_MS]),
		};
		if (Object.values(done).some((n) => n > 0)) await audit(q, now, { channel: null, type: 'subscribers.purged', actor: 'scheduler', details: done });
		return done;
	});
}

/** After a key rotation: every number not under the first key is decrypted and sealed again with it. */
export async function reencrypt(ctx: Context): Promise<{ reencrypted: number; key: string }> {
	const keys = keysOf(ctx);
	const current = keys.keys[0].id;
	const now = ctx.clock().getTime();
	let reencrypted = 0;
	for (;;) {
		const batch = await ctx.store.all<SubscriberRow>('SELECT * FROM subscribers WHERE number_enc IS NOT NULL AND key_id <> ? ORDER BY id LIMIT 500', [current]);
		if (!batch.length) break;
		await ctx.store.tx(async (q) => {
			for (const row of batch) {
				const sealed = encryptNumber(keys, decryptNumber(keys, row.number_enc as string, row.number_hash), row.number_hash);
				reencrypted += await q.run('UPDATE subscribers SET number_enc = ?, key_id = ?, updated_at = ? WHERE id = ? AND number_enc = ?', [sealed, keyIdOf(sealed), now, row.id, row.number_enc]);
			}
		});
	}
	await audit(ctx.store, now, { channel: null, type: 'subscribers.reencrypted', actor: 'api', details: { reencrypted, key: current } });
	return { reencrypted, key: current };
}
