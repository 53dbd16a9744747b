// Subscriber rows and consent records: the SQL, shared by SQLite and PostgreSQL.
import { randomUUID } from 'node:crypto';
import type { Context } from '../context';
import { outletsOf } from '../delivery/kinds';
import { ApiError } from '../errors';
import type { Queryable } from '../store';
import { encryptNumber, keyIdOf, type SubscriberKeys } from './crypto';
import type { SubscriberState, Transition } from './machine';
import type { SubscribersDelivery } from './settings';

export interface SubscriberRow {
	id: string;
	channel: string;
	number_hash: string;
	number_enc: string | null;
	key_id: string | null;
	state: 'pending' | 'confirmed';
	pending_since: number | null;
	confirmed_at: number | null;
	last_inbound_at: number | null;
	created_at: number;
	updated_at: number;
}

export interface SubscriberChannel {
	id: string;
	name: string;
	settings: SubscribersDelivery;
}

export function subscriberChannels(ctx: Context): SubscriberChannel[] {
	return ctx.config.channels.flatMap((c) => outletsOf(c.delivery).flatMap((outlet) => (outlet.kind === 'subscribers' ? [{ id: c.id, name: c.name, settings: outlet }] : [])));
}

export function subscriberChannel(ctx: Context, id: string): SubscriberChannel {
	const channel = subscriberChannels(ctx).find((c) => c.id === id);
	if (!channel) {
		throw new ApiError(404, 'not_found', `channel "${id}" has no subscribers`, 'Only channels with "delivery: { kind: subscribers }" in the configuration have subscribers.');
	}
	return channel;
}

export function keysOf(ctx: Context): SubscriberKeys {
	const keys = ctx.config.subscribers;
	if (!keys) throw new ApiError(503, 'not_configured', 'subscriber keys are not configured', 'Set BANDITORE_SUBSCRIBER_KEYS and BANDITORE_SUBSCRIBER_HASH_KEY.');
	return keys;
}

export async function findSubscriber(q: Queryable, channel: string, hash: string): Promise<SubscriberRow | undefined> {
	const row = await q.get<SubscriberRow>('SELECT * FROM subscribers WHERE channel = ? AND number_hash = ?', [channel, hash]);
	return row && numeric(row);
}

export function stateOf(row: SubscriberRow | undefined): SubscriberState {
	if (!row) return { kind: 'none' };
	if (row.state === 'confirmed') return { kind: 'confirmed' };
	return { kind: 'pending', since: Number(row.pending_since ?? row.created_at) };
}

/** Writes what a transition decided. The number is stored (encrypted) only once consent is given. */
export async function applyTransition(q: Queryable, keys: SubscriberKeys, channel: SubscriberChannel, hash: string, number: string, step: Transition, now: number): Promise<void> {
	if (step.consent) await recordConsent(q, channel, hash, step.consent, now);
	if (step.forget) {
		const row = await q.get<{ id: string }>('SELECT id FROM subscribers WHERE channel = ? AND number_hash = ?', [channel.id, hash]);
		if (row) await deleteSubscribers(q, [row.id]);
		return;
	}
	if (step.state.kind === 'pending') {
		await q.run(
			`INSERT INTO subscribers (id, channel, number_hash, number_enc, key_id, state, pending_since, confirmed_at, last_inbound_at, created_at, updated_at)
			VALUES (?, ?, ?, NULL, NULL, 'pending', ?, NULL, ?, ?, ?)
			ON CONFLICT (channel, number_hash) DO UPDATE SET pending_since = excluded.pending_since, last_inbound_at = excluded.last_inbound_at, updated_at = excluded.updated_at`,
			[randomUUID(), channel.id, hash, step.state.since, now, now, now],
		);
		return;
	}
	if (step.consent === 'given') {
		const sealed = encryptNumber(keys, number, hash);
		await q.run("UPDATE subscribers SET state = 'confirmed', number_enc = ?, key_id = ?, confirmed_at = ?, pending_since = NULL, last_inbound_at = ?, updated_at = ? WHERE channel = ? AND number_hash = ?", [
			sealed,
			keyIdOf(sealed),
			now,
			now,
			now,
			channel.id,
			hash,
		]);
		return;
	}
	await q.run('UPDATE subscribers SET last_inbound_at = ?, updated_at = ? WHERE channel = ? AND number_hash = ?', [now, now, channel.id, hash]);
}

export async function recordConsent(q: Queryable, channel: SubscriberChannel, hash: string, event: 'given' | 'withdrawn', now: number): Promise<void> {
	await q.run('INSERT INTO subscriber_consents (channel, number_hash, event, policy_version, at) VALUES (?, ?, ?, ?, ?)', [channel.id, hash, event, channel.settings.policyVersion, now]);
}

/** Removes subscribers WhatsApp says do not want our messages (131050); their consent is withdrawn. */
export async function removeOptedOut(q: Queryable, ctx: Context, ids: string[], now: number): Promise<number> {
	let removed = 0;
	for (const id of ids) {
		const row = await q.get<{ number_hash: string; channel: string }>('SELECT number_hash, channel FROM subscribers WHERE id = ?', [id]);
		const channel = row && subscriberChannels(ctx).find((c) => c.id === row.channel);
		if (!row || !channel) continue;
		await recordConsent(q, channel, row.number_hash, 'withdrawn', now);
		removed += (await deleteSubscribers(q, [id])).subscribers;
	}
	return removed;
}

/**
 * Deletes subscribers with what is kept under their id (sends, delivery statuses): on STOP, an
 * opt-out or an erasure nothing of theirs stays behind. Returns the rows deleted per table.
 */
export async function deleteSubscribers(q: Queryable, ids: string[]): Promise<{ deliveryStatuses: number; sends: number; subscribers: number }> {
	if (ids.length === 0) return { deliveryStatuses: 0, sends: 0, subscribers: 0 };
	const marks = ids.map(() => '?').join(', ');
	return {
		deliveryStatuses: await q.run(`DELETE FROM whatsapp_statuses WHERE recipient_key IN (${marks})`, ids),
		sends: await q.run(`DELETE FROM subscriber_sends WHERE subscriber_id IN (${marks})`, ids),
		subscribers: await q.run(`DELETE FROM subscribers WHERE id IN (${marks})`, ids),
	};
}

export async function subscriberCounts(ctx: Context): Promise<Array<{ channel: string; confirmed: number; pending: number }>> {
	const rows = await ctx.store.all<{ channel: string; state: string; n: number | string }>('SELECT channel, state, COUNT(*) AS n FROM subscribers GROUP BY channel, state');
	return subscriberChannels(ctx).map(({ id }) => ({
		channel: id,
		confirmed: Number(rows.find((r) => r.channel === id && r.state === 'confirmed')?.n ?? 0),
		pending: Number(rows.find((r) => r.channel === id && r.state === 'pending')?.n ?? 0),
	}));
}

/** PostgreSQL returns BIGINT as numbers already (see store/postgres.ts); SQLite too: kept for safety. */
function numeric(row: SubscriberRow): SubscriberRow {
	const n = (v: number | null) => (v === null ? null : Number(v));
	return { ...row, pending_since: n(row.pending_since), confirmed_at: n(row.confirmed_at), last_inbound_at: n(row.last_inbound_at), created_at: Number(row.created_at), updated_at: Number(row.updated_at) };
}
