// The message queue: enqueue (deduplicated), editorial decisions, cancel, retry, acknowledgements.
import { newId } from './ids';
import type { NewsItem } from '../../core/item';
import { t } from '../../core/messages';
import { composeWritten } from '../../core/whatsapp/compose';
import { LIMITS } from '../../core/whatsapp/limits';
import { judge, settledOf, type StoredSettled } from './recheck';
import { heldByOpinion, OPINION_WAIVER, opinionReason, secondOpinion } from './opinion';
import type { Opinion } from '../../core/opinion';
import { comuneOfChannel } from './comuni';
import { channelOf, type Context } from './context';
import { ApiError, invalidState, notFound } from './errors';
import { localDate, PENDING, toMessage, type Message, type MessageRow, type State } from './model';
import { audit, auditRow, changeState, historyRow, loadMessage, messageByKey, messageRow, withHistory } from './repo';
import { duplicateDetails, duplicateView, settleCrossPost, storedAs, type Duplicate, type Replaced } from './crosspost';
import type { Statement } from './store';
import { linkKey } from '../../core/crosspost';

export interface EnqueueInput {
	item?: NewsItem;
	dedupeKey?: string;
	text?: string;
	category?: string;
	priority?: number;
	emergency?: boolean;
	justification?: string;
	earliestAt?: string;
	expiresAt?: string;
	image?: string | null;
}

const DEFAULT_PRIORITY = 50;

export function requireJustification(emergency: boolean | undefined, justification: string | undefined): void {
	if (emergency && !justification?.trim()) {
		throw new ApiError(422, 'justification_required', 'an emergency needs a justification', 'Send "justification": why this message may go beyond the weekly limit.');
	}
}

/** A text given by the caller, closed by the comune's footer (the contact for problems) like every post. */
function written(text: string, footer: string): string {
	const composed = composeWritten(text, footer, LIMITS.text);
	if (composed === null) {
		const room = LIMITS.text - (footer.trim() ? [...footer.trim()].length + 2 : 0);
		throw new ApiError(400, 'text_too_long', `the text is too long: with the channel's footer a WhatsApp message holds at most ${LIMITS.text} characters`, `Shorten the text to at most ${room} characters.`);
	}
	return composed;
}

/** `messages.settled` as stored: null when nothing was settled. */
const settledText = (settled: StoredSettled): string | null => (Object.keys(settled).length ? JSON.stringify(settled) : null);

function instant(value: string | undefined, name: string): number | null {
	if (value === undefined) return null;
	const ms = Date.parse(value);
	if (!Number.isFinite(ms)) throw new ApiError(400, 'invalid_request', `${name} is not an ISO date-time: "${value}"`);
	return ms;
}

export async function enqueue(ctx: Context, channelId: string, input: EnqueueInput, actor: string): Promise<{ created: boolean; message: Message; duplicate: { of: string; reason: string } | null }> {
	const channel = channelOf(ctx, channelId);
	requireJustification(input.emergency, input.justification);
	const dedupeKey = input.dedupeKey ?? input.item?.id;
	if (!dedupeKey) throw new ApiError(400, 'invalid_request', 'dedupeKey is required when there is no item');
	const now = ctx.clock();
	const nowMs = now.getTime();
	// An item already here is not judged again (rules, a language model); a text costs less to judge
	// than this read, and the insert below finds it anyway.
	const existing = input.item ? await messageByKey(ctx.store, channel.id, dedupeKey) : undefined;
	if (existing) {
		const message = (await loadMessage(ctx.store, existing.id)) as Message;
		return { created: false, message, duplicate: duplicateView(message) };
	}

	let category = input.category ?? null;
	let priority = input.priority ?? DEFAULT_PRIORITY;
	let emergency = input.emergency ?? false;
	let justification = input.justification?.trim() || null;
	let expiresAt = instant(input.expiresAt, 'expiresAt');
	let image = input.image === undefined ? null : input.image;
	// What the caller set by hand stays set when the rules judge the message again at send time.
	const settled: StoredSettled = input.item
		? {
			...(input.category !== undefined ? { category: input.category } : {}),
			...(input.emergency !== undefined ? { emergency: input.emergency } : {}),
			...(input.text !== undefined ? { ownText: true } : {}),
		}
		: { category: input.category ?? null, emergency };
	if (!input.item && !input.text?.trim()) throw new ApiError(400, 'invalid_request', 'text is required for a message without an item');
	// A written message is judged too: blocked words and election periods apply to it as to an item.
	// Judged as it is stored, as the send-time check judges it (which then finds this decision made).
	const ownText = input.text === undefined ? null : written(input.text, channel.rules.message.footer);
	const itemJson = input.item ? JSON.stringify(input.item) : null;
	const decision = judge({ item: itemJson, text: ownText ?? '', settled: settledText(settled) }, channel.rules, now, ownText === null);
	const text = ownText ?? decision.text;
	let state: State = decision.verdict === 'accept' ? 'queued' : decision.verdict === 'hold' ? 'held' : 'rejected';
	let reasons = input.item ? [...decision.reasons] : [t('scheduler.manual'), ...decision.findings.filter((f) => f.verdict !== 'accept').map((f) => f.reason)];
	if (input.item) {
		category = decision.category;
		priority = input.priority ?? decision.priority;
		emergency = decision.emergency;
		// The rules' own reasons (which category, what matched) justify an emergency they recognise.
		if (emergency && !justification) justification = decision.reasons.join('; ');
		if (expiresAt === null && decision.expiresAt) expiresAt = Date.parse(decision.expiresAt);
		if (input.image === undefined) image = decision.dropImage ? null : input.item.image;
	}
	// The channel's language model, when it has one, on an item the rules accept (never an emergency:
	// it must not wait for a model). It can only hold what the rules let through; no answer changes nothing.
	const model = channel.config.secondOpinion;
	let opinion: Opinion | null = null;
	if (input.item && model && decision.verdict === 'accept' && !emergency) {
		opinion = await secondOpinion(model, input.item);
		if (opinion.kind === 'concern') {
			state = 'held';
			settled.secondOpinion = { model: model.model, category: opinion.category, reason: opinion.reason };
			reasons.push(opinionReason(settled.secondOpinion));
		}
	}
	let note = state === 'queued' ? t(input.item ? 'scheduler.queued' : 'scheduler.manual') : t(state === 'held' ? 'scheduler.held' : 'scheduler.rejected');
	let earliestAt = instant(input.earliestAt, 'earliestAt') ?? nowMs;
	if (state === 'queued' && earliestAt > nowMs) {
		state = 'scheduled';
		note = t('scheduler.scheduled', { date: localDate(earliestAt) });
	}
	const id = newId();
	const settledJson = settledText(settled);
	const verdict = state;
	const pageKey = input.item ? linkKey(input.item) : null;
	let duplicateOf: string | null = null;
	// The message, its history and its audit lines, made only if the message was stored (its key may
	// be taken already): one batch, and one round trip on PostgreSQL for a written text.
	const stored = (cross: Duplicate | Replaced | null): Statement[] => [
		{
			sql: `INSERT INTO messages (id, channel, dedupe_key, state, text, category, priority, emergency, justification, image,
			earliest_at, expires_at, created_at, updated_at, reasons, attempts, item, counted, settled, link_key, duplicate_of)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0, ?, ?, ?) ON CONFLICT (channel, dedupe_key) DO NOTHING RETURNING id`,
			params: [id, channel.id, dedupeKey, state, text, category, priority, emergency ? 1 : 0, justification, image, earliestAt, expiresAt, nowMs, nowMs,
				JSON.stringify(reasons), itemJson, settledJson, pageKey, duplicateOf],
		},
		historyRow(id, nowMs, state, note, true),
		auditRow(nowMs, {
			channel: channel.id,
			type: state === 'duplicate' ? 'message.duplicate' : state === 'rejected' ? 'message.rejected' : state === 'held' ? 'message.held' : 'message.enqueued',
			messageId: id,
			actor,
			details: {
				dedupeKey, state, category, priority, emergency, justification, reasons, codes: decision.codes, rulesVersion: channel.rulesVersion,
				...(opinion?.kind === 'concern' ? { secondOpinion: settled.secondOpinion } : opinion?.kind === 'fine' ? { secondOpinion: { model: model?.model, concern: false } } : {}),
				...(cross?.kind === 'duplicate' ? duplicateDetails(cross, verdict) : cross?.kind === 'replaced' ? { replaced: cross.original.id } : {}),
			},
		}, true),
		...(opinion?.kind === 'unavailable'
			? [auditRow(nowMs, {
				channel: channel.id,
				type: 'opinion.unavailable',
				messageId: id,
				actor,
				details: { model: model?.model, detail: opinion.detail, state, note: t('scheduler.opinion.unavailable', { model: model?.model ?? '', detail: opinion.detail }) },
			}, true)]
			: []),
	];
	const created = input.item
		? await ctx.store.tx(async (q) => {
			// The same notice from another source (issue #14), decided under the channel lock so two copies arriving together are seen.
			const cross = (await messageByKey(q, channel.id, dedupeKey))
				? null
				: await settleCrossPost(q, { channel: channel.id, id, item: input.item as NewsItem, dedupeKey, state, nowMs, actor, windowDays: channel.config.crosspost?.windowDays });
			({ state, note, reasons, earliestAt, duplicateOf } = storedAs(cross, { state, note, reasons, earliestAt, duplicateOf }, nowMs));
			const [inserted] = await q.batch(stored(cross));
			return inserted.length > 0;
		}, { lockChannel: channel.id })
		: (await ctx.store.batch(stored(null)))[0].length > 0;
	ctx.metrics.decision(channel.id, created ? state : 'duplicate');
	if (created) {
		// The message as this transaction committed it: no second read.
		const row: MessageRow = {
			id, channel: channel.id, dedupe_key: dedupeKey, state, text, category, priority, emergency: emergency ? 1 : 0, justification, image,
			earliest_at: earliestAt, expires_at: expiresAt, created_at: nowMs, updated_at: nowMs, sent_at: null, provider_message_id: null,
			reasons: JSON.stringify(reasons), attempts: 0, item: itemJson, via: null, claimed_at: null, counted: 0, lease_until: null,
			settled: settledJson, link_key: pageKey, duplicate_of: duplicateOf,
		};
		const message = toMessage(row, [{ at: new Date(nowMs).toISOString(), state, note }]);
		return { created, message, duplicate: duplicateView(message) };
	}
	const row = await messageByKey(ctx.store, channel.id, dedupeKey);
	const message = (await withHistory(ctx.store, [row as MessageRow]))[0];
	return { created, message, duplicate: duplicateView(message) };
}

export async function getMessage(ctx: Context, id: string): Promise<Message> {
	const message = await loadMessage(ctx.store, id);
	if (!message) throw notFound('message', id);
	return message;
}

export async function listMessages(ctx: Context, channelId: string, states: State[], limit: number): Promise<Message[]> {
	const channel = channelOf(ctx, channelId);
	const filter = states.length ? ` AND state IN (${states.map(() => '?').join(', ')})` : '';
	const rows = await ctx.store.all<MessageRow>(
		`SELECT * FROM messages WHERE channel = ?${filter} ORDER BY created_at, id LIMIT ?`,
		[channel.id, ...states, limit],
	);
	return withHistory(ctx.store, rows);
}

type Transition = (row: MessageRow, now: number) => { from: readonly State[]; to: State; note: string; reason?: string; set?: Record<string, string | number | null>; type: string; details?: Record<string, unknown> };

/** One state change under the channel lock, with its history entry and audit line. */
async function transition(ctx: Context, id: string, actor: string, action: string, make: Transition): Promise<Message> {
	const row = await messageRow(ctx.store, id);
	if (!row) throw notFound('message', id);
	const now = ctx.clock().getTime();
	await ctx.store.tx(async (q) => {
		const current = (await messageRow(q, id)) as MessageRow;
		const change = make(current, now);
		if (!change.from.includes(current.state)) throw invalidState(id, current.state, action);
		await changeState(q, current, now, change.from, { state: change.to, note: change.note, reason: change.reason, set: change.set });
		await audit(q, now, { channel: current.channel, type: change.type, messageId: id, actor, details: { from: current.state, to: change.to, note: change.note, ...change.details } });
	}, { lockChannel: row.channel });
	return getMessage(ctx, id);
}

export function cancel(ctx: Context, id: string, actor: string): Promise<Message> {
	return transition(ctx, id, actor, 'cancelled', () => ({ from: PENDING, to: 'cancelled', note: t('scheduler.cancelled'), type: 'message.cancelled' }));
}

/**
 * The office lets a held message go: what holds it now (the category needs approval, an election
 * period) is waived for this message, so the send-time check does not hold it again for the same
 * reason. What the rules reject cannot be approved: that takes an override with a justification.
 */
export function approve(ctx: Context, id: string, actor: string, note?: string): Promise<Message> {
	return transition(ctx, id, actor, 'approved', (row, now) => {
		if (row.state !== 'held') throw invalidState(id, row.state, 'approved');
		const findings = judge(row, channelOf(ctx, row.channel).rules, new Date(now)).findings.filter((f) => f.verdict !== 'accept');
		const rejecting = findings.filter((f) => f.verdict === 'reject');
		if (rejecting.length) {
			throw new ApiError(409, 'rules_reject', `the channel rules reject message "${id}": ${rejecting.map((f) => f.reason).join('; ')}`, 'An administrator can override the rules with a justification.');
		}
		const opinion = opinionWaived(row);
		return {
			from: ['held'],
			to: row.earliest_at > now ? 'scheduled' : 'queued',
			note: note ? `${t('scheduler.approved')}: ${note}` : t('scheduler.approved'),
			set: { settled: waive(row, [...findings.map((f) => f.key), ...opinion.keys]) },
			type: 'message.approved',
			details: { waived: [...findings.map((f) => f.reason), ...opinion.reasons] },
		};
	});
}

/**
 * An administrator sends a message the rules rejected or hold, with a justification in the audit
 * log. Only what the rules found now is waived; an expired message stays expired.
 */
export async function override(ctx: Context, id: string, actor: string, justification: string): Promise<Message> {
	if (typeof justification !== 'string' || !justification.trim()) {
		throw new ApiError(422, 'justification_required', 'an override needs a justification', 'Send "justification": why this message may go out although the rules stop it.');
	}
	return transition(ctx, id, actor, 'overridden', (row, now) => {
		const findings = judge(row, channelOf(ctx, row.channel).rules, new Date(now)).findings.filter((f) => f.verdict !== 'accept');
		if (findings.some((f) => f.code.startsWith('expired.')) || (row.expires_at !== null && row.expires_at <= now)) {
			throw new ApiError(409, 'expired', `message "${id}" has expired: it cannot be sent any more`);
		}
		const note = t('scheduler.override', { justification: justification.trim() });
		const opinion = opinionWaived(row);
		return {
			from: ['rejected', 'held'],
			to: row.earliest_at > now ? 'scheduled' : 'queued',
			note,
			reason: note,
			set: { settled: waive(row, [...findings.map((f) => f.key), ...opinion.keys]), justification: row.justification ?? justification.trim() },
			type: 'message.override',
			details: { justification: justification.trim(), waived: [...findings.map((f) => f.reason), ...opinion.reasons] },
		};
	});
}

/** A concern of the language model that still holds the message: the office's decision waives it too. */
function opinionWaived(row: MessageRow): { keys: string[]; reasons: string[] } {
	const settled = settledOf(row);
	return settled.secondOpinion && heldByOpinion(settled) ? { keys: [OPINION_WAIVER], reasons: [opinionReason(settled.secondOpinion)] } : { keys: [], reasons: [] };
}

function waive(row: MessageRow, keys: string[]): string {
	const settled = settledOf(row);
	return JSON.stringify({ ...settled, waived: [...new Set([...(settled.waived ?? []), ...keys])] });
}

export function reject(ctx: Context, id: string, actor: string, note?: string): Promise<Message> {
	return transition(ctx, id, actor, 'rejected', () => ({
		from: ['held'],
		to: 'rejected',
		note: note ? `${t('scheduler.rejectedByStaff')}: ${note}` : t('scheduler.rejectedByStaff'),
		reason: note ? `${t('scheduler.rejectedByStaff')}: ${note}` : t('scheduler.rejectedByStaff'),
		type: 'message.rejected',
	}));
}

/** The explicit decision after an unknown outcome (or a final failure): send it again. */
export function retry(ctx: Context, id: string, actor: string): Promise<Message> {
	return transition(ctx, id, actor, 'retried', (_row, now) => ({
		from: ['failed'],
		to: 'queued',
		note: t('scheduler.retry'),
		// Whoever retries says it was not posted: it stops counting until it goes in flight again.
		set: { earliest_at: now, counted: 0, claimed_at: null, lease_until: null },
		type: 'message.retry',
	}));
}

/** `retryAfterSeconds`: the provider said how long to wait (Telegram's flood control): never tried again sooner. */
export type Ack = { status: 'sent'; providerMessageId?: string } | { status: 'failed'; reason: string; retry: boolean; retryAfterSeconds?: number };

/** The delivery result from n8n. A late ack after an unknown outcome is still recorded. */
export async function acknowledge(ctx: Context, id: string, ack: Ack, actor: string): Promise<Message> {
	const row = await messageRow(ctx.store, id);
	if (!row) throw notFound('message', id);
	if (row.state === 'sent' && ack.status === 'sent') return getMessage(ctx, id);
	const now = ctx.clock().getTime();
	await ctx.store.tx(async (q) => {
		const current = (await messageRow(q, id)) as MessageRow;
		if (current.state === 'sent' && ack.status === 'sent') return;
		if (current.state !== 'sending' && current.state !== 'failed') throw invalidState(id, current.state, 'acknowledged');
		await applyAck(ctx, q, current, ack, now, actor);
	}, { lockChannel: row.channel });
	return getMessage(ctx, id);
}

/**
 * Records a delivery's outcome with one audit row: `message.sent`; `message.retrying` (not posted,
 * queued again after the backoff); or `message.failed`, the delivery failed for good: no more
 * attempts (`maxAttempts` reached, or an error that retrying cannot fix). `message.failed` details:
 * `{reason, attempts, retry: false}`, the reason as the office reads it; this is the event to tell a
 * person about. Returns the state the message went to.
 */
export async function applyAck(ctx: Context, q: import('./store').Queryable, row: MessageRow, ack: Ack, now: number, actor: string): Promise<'sent' | 'queued' | 'failed'> {
	const from: State[] = ['sending', 'failed'];
	if (ack.status === 'sent') {
		await changeState(q, row, now, from, {
			state: 'sent',
			note: t('scheduler.sent'),
			set: { sent_at: now, provider_message_id: ack.providerMessageId ?? null, lease_until: null },
		});
		await audit(q, now, { channel: row.channel, type: 'message.sent', messageId: row.id, actor, details: { providerMessageId: ack.providerMessageId ?? null, attempts: row.attempts } });
		ctx.metrics.sent(row.channel, row.claimed_at === null ? 0 : (now - row.claimed_at) / 1000);
		return 'sent';
	}
	const again = ack.retry && row.attempts < ctx.config.dispatch.maxAttempts;
	if (again) {
		const at = retryAt(ctx, now, row.attempts, ack.retryAfterSeconds);
		const note = t('scheduler.retryLater', { reason: ack.reason, date: localDate(at) });
		await changeState(q, row, now, from, { state: 'queued', note, set: { earliest_at: at, counted: 0, claimed_at: null, lease_until: null } });
		await audit(q, now, { channel: row.channel, type: 'message.retrying', messageId: row.id, actor, details: { reason: ack.reason, attempts: row.attempts, retryAt: new Date(at).toISOString(), note } });
		return 'queued';
	}
	const reason = ack.retry ? t('scheduler.failedAfter', { attempts: row.attempts, reason: ack.reason }) : t('scheduler.failed', { reason: ack.reason });
	// Known not to be posted: it stops counting.
	await changeState(q, row, now, from, { state: 'failed', note: reason, reason, set: { counted: 0, lease_until: null } });
	await audit(q, now, { channel: row.channel, type: 'message.failed', messageId: row.id, actor, details: { reason, cause: ack.reason, retry: false, attempts: row.attempts } });
	return 'failed';
}

/** 1×, 2×, 4×… the base, at most an hour. */
export function backoffMs(ctx: Pick<Context, 'config'>, attempts: number): number {
	return Math.min(3_600_000, ctx.config.dispatch.backoffSeconds * 1000 * 2 ** Math.max(0, attempts - 1));
}

/** When a failed delivery is tried again: after the backoff, and never sooner than the provider asked (`retry_after`). */
export function retryAt(ctx: Pick<Context, 'config'>, now: number, attempts: number, retryAfterSeconds = 0): number {
	return now + Math.max(backoffMs(ctx, attempts), retryAfterSeconds * 1000);
}

export async function setPaused(ctx: Context, channelId: string, paused: boolean, actor: string, reason?: string) {
	const channel = channelOf(ctx, channelId);
	const now = ctx.clock().getTime();
	await ctx.store.tx(async (q) => {
		await q.run('UPDATE channels SET paused = ?, pause_reason = ?, updated_at = ? WHERE id = ?', [paused ? 1 : 0, paused ? reason ?? null : null, now, channel.id]);
		const note = paused ? (reason ? t('scheduler.pausedWhy', { reason }) : t('scheduler.paused')) : t('scheduler.resumed');
		await audit(q, now, { channel: channel.id, type: paused ? 'channel.paused' : 'channel.resumed', actor, details: { reason: reason ?? null, note } });
	}, { lockChannel: channel.id });
	return channelView(ctx, channel.id);
}

export async function channelView(ctx: Context, channelId: string) {
	const channel = channelOf(ctx, channelId);
	const row = await ctx.store.get<{ paused: number; rules_version: number }>('SELECT paused, rules_version FROM channels WHERE id = ?', [channel.id]);
	return {
		id: channel.id,
		name: channel.name,
		comune: comuneOfChannel(channel),
		paused: Number(row?.paused ?? 1) === 1,
		rulesVersion: Number(row?.rules_version ?? channel.rulesVersion),
		delivery: ctx.transports.kind(channel.id),
		sources: channel.config.sources ?? [],
	};
}
