// Slots: for flows that post directly from n8n. A slot is a lease counted as in flight; confirm
// marks the message sent, release gives the room back. A lease that runs out without either is an
// unknown outcome: it keeps counting (see dispatch.ts).
import { newId } from './ids';
import { t } from '../../core/messages';
import { channelOf, type Channel, type Context } from './context';
import { ApiError, notFound } from './errors';
import { afterClaim, decideInTx, ledgerRead, verdictOn, type LedgerView } from './ledger';
import { Groups, ONE_GROUP_AT_A_TIME } from './groups';
import type { Verdict } from './waiting';
import type { Tx } from './store';
import { weekWindow } from '../../core/quota';
import { localDate, type Message, type MessageRow, type State } from './model';
import { requireJustification } from './queue';
import { audit, auditRow, byKey, changeState, deferChange, getSlot, historyRow, loadMessage, messageRow, slotRow } from './repo';
import { refusalNote } from './refusal';
import { channelAt } from './channels';
import { checkNow, passesNow } from './recheck';

export interface Slot {
	id: string;
	channel: string;
	messageId: string;
	expiresAt: string;
}

export interface SlotInput {
	dedupeKey: string;
	text?: string;
	category?: string;
	priority?: number;
	emergency?: boolean;
	justification?: string;
}

/** States a direct send may start from: never sent, not in flight, not refused by the rules. */
const RESERVABLE: readonly State[] = ['queued', 'scheduled', 'deferred', 'cancelled', 'failed'];

type Outcome = { slot: Slot } | { error: ApiError } | { refused: Extract<Verdict, { allow: false }> };

/** A reservation waiting its turn: where, what was asked, by whom, when. */
interface Wanted {
	channel: string;
	input: SlotInput;
	actor: string;
	now: Date;
}

/** Each scheduler's reservations waiting to be decided together (groups.ts). */
const lines = new WeakMap<Context, Groups<Wanted, Outcome>>();

export async function reserve(ctx: Context, channelId: string, input: SlotInput, actor: string): Promise<Slot> {
	const channel = channelOf(ctx, channelId);
	requireJustification(input.emergency, input.justification);
	let line = lines.get(ctx);
	if (!line) {
		line = new Groups((wanted) => reserveTogether(ctx, wanted), {
			...ONE_GROUP_AT_A_TIME,
			max: 64,
			channelOf: (w) => w.channel,
			keyOf: (w) => `${w.channel}\n${w.input.dedupeKey}`,
		});
		lines.set(ctx, line);
	}
	const outcome = await line.add({ channel: channel.id, input, actor, now: ctx.clock() });
	if ('error' in outcome) throw outcome.error;
	if ('refused' in outcome) {
		ctx.metrics.decision(channel.id, outcome.refused.code);
		const { code, until } = outcome.refused;
		throw new ApiError(409, code, `no slot: ${code.replace('_', ' ')}`, undefined, { retryAt: until?.toISOString() ?? null });
	}
	ctx.metrics.decision(channel.id, 'reserved');
	return outcome.slot;
}

/** What the decisions of a group know of the ledger: read under the lock, then carried from one claim to the next. */
interface Carried {
	view: LedgerView;
	window: { start: Date; end: Date };
}

/**
 * Reservations that waited together, for one channel or several, decided under one hold of their
 * channels' locks: one round trip for the messages, the heads and the counts, one for all the writes
 * with the COMMIT. Each channel's decisions run in arrival order, each seeing the counts as the one
 * before left them (afterClaim), exactly as if each had taken the lock alone.
 */
async function reserveTogether(ctx: Context, wanted: Wanted[]): Promise<Outcome[]> {
	const byChannel = new Map<string, Wanted[]>();
	for (const w of wanted) {
		const mine = byChannel.get(w.channel);
		if (mine) mine.push(w);
		else byChannel.set(w.channel, [w]);
	}
	const outcomes = new Map<Wanted, Outcome>();
	await ctx.store.tx(async (q) => {
		// Counts for the window of the rules in memory; counted again below where newer rules change it.
		const parts = [...byChannel.values()].map((mine) => {
			const channel = channelOf(ctx, mine[0].channel);
			const window = weekWindow(mine[0].now, channel.rules.quota);
			return { channel, mine, window, ledger: ledgerRead(channel.id, window, ctx.ledger) };
		});
		const rows = await q.batch(parts.flatMap((p) => [...p.mine.map((w) => byKey(p.channel.id, w.input.dedupeKey)), ...p.ledger.statements]));
		let at = 0;
		for (const { channel, mine, window, ledger } of parts) {
			const messages = rows.slice(at, (at += mine.length));
			const view = ledger.view(rows.slice(at, (at += ledger.statements.length)));
			const fresh = await channelAt(q, ctx, channel.id, view.head?.rulesVersion ?? null);
			let carried: Carried | null = { view, window };
			for (const [i, w] of mine.entries()) {
				const existing = messages[i][0] as unknown as MessageRow | undefined;
				const { outcome, claim } = await reserveOne(q, ctx, fresh, w, existing, carried);
				outcomes.set(w, outcome);
				if (claim && carried) {
					// A message claimed before may be in the counts already: the next decision counts again.
					carried = existing?.claimed_at != null ? null : { ...carried, view: { ...carried.view, counts: afterClaim(carried.view.counts, w.now, claim.counted, claim.emergency) } };
				}
			}
		}
	}, { lockChannels: [...byChannel.keys()] });
	return wanted.map((w) => outcomes.get(w) as Outcome);
}

const sameWindow = (a: { start: Date; end: Date }, b: { start: Date; end: Date }): boolean => a.start.getTime() === b.start.getTime() && a.end.getTime() === b.end.getTime();

/** One reservation under the channel lock; `claim`: what it put in flight. Its writes go with the COMMIT. */
async function reserveOne(q: Tx, ctx: Context, channel: Channel, w: Wanted, existing: MessageRow | undefined, carried: Carried | null): Promise<{ outcome: Outcome; claim?: { counted: boolean; emergency: boolean } }> {
	const { input, actor, now } = w;
	const nowMs = now.getTime();
	const expires = nowMs + Math.round(ctx.config.dispatch.slotMinutes * 60_000);
	if (existing?.state === 'sending' && existing.via === 'slot') {
		const slot = await q.get<{ id: string; expires_at: number }>("SELECT id, expires_at FROM slots WHERE message_id = ? AND state = 'active'", [existing.id]);
		if (slot) return { outcome: { slot: { id: slot.id, channel: channel.id, messageId: existing.id, expiresAt: new Date(Number(slot.expires_at)).toISOString() } } };
	}
	if (existing && !RESERVABLE.includes(existing.state)) {
		const code = existing.state === 'sent' ? 'already_sent' : 'invalid_state';
		return { outcome: { error: new ApiError(409, code, `message "${existing.id}" with dedupe key "${input.dedupeKey}" is ${existing.state}`) } };
	}
	const emergency = existing ? existing.emergency === 1 || !!input.emergency : !!input.emergency;
	const justification = input.justification?.trim() || existing?.justification || null;
	if (emergency && !justification) return { outcome: { error: new ApiError(422, 'justification_required', 'an emergency needs a justification') } };
	// The channel's rules, as they are now, judge a direct send as they judge the queue's.
	const refusedBy = existing
		? await passesNow(q, channel, existing, now, actor)
		: checkNow(writtenRow(input, emergency), channel.rules, now);
	if (!refusedBy.ok) {
		const reasons = refusedBy.findings.map((f) => f.reason);
		q.defer(auditRow(nowMs, { channel: channel.id, type: 'slot.refused', messageId: existing?.id ?? null, actor, details: { dedupeKey: input.dedupeKey, code: 'rules', reasons, rulesVersion: channel.rulesVersion } }));
		return { outcome: { error: new ApiError(409, 'rules_refused', `the channel rules stop this message: ${reasons.join('; ')}`, 'Change the text, or ask the office to approve it on the admin page.') } };
	}
	const quota = channel.rules.quota;
	const window = weekWindow(now, quota);
	const decision = carried && sameWindow(window, carried.window) ? verdictOn(carried.view, quota, now, emergency) : await decideInTx(q, channel.id, quota, now, emergency, ctx.ledger);
	if (!decision.allow) {
		const note = refusalNote(decision.code, decision.until, quota.perWeek);
		q.defer(auditRow(nowMs, { channel: channel.id, type: 'slot.refused', messageId: existing?.id ?? null, actor, details: { dedupeKey: input.dedupeKey, code: decision.code, retryAt: decision.until?.toISOString() ?? null, note } }));
		return { outcome: { refused: decision } };
	}
	const note = t('scheduler.slotReserved', { date: localDate(expires) });
	const set = { claimed_at: nowMs, counted: decision.counts ? 1 : 0, lease_until: expires, via: 'slot', emergency: emergency ? 1 : 0, justification };
	// The writes go with the COMMIT: what they change was read under this lock.
	let messageId: string;
	if (existing) {
		messageId = existing.id;
		deferChange(q, existing, nowMs, RESERVABLE, { state: 'sending', note, set: { ...set, attempts: existing.attempts + 1 } });
	} else {
		messageId = newId();
		q.defer({
			sql: `INSERT INTO messages (id, channel, dedupe_key, state, text, category, priority, emergency, justification, image,
			earliest_at, expires_at, created_at, updated_at, reasons, attempts, item, via, claimed_at, counted, lease_until)
			VALUES (?, ?, ?, 'sending', ?, ?, ?, ?, ?, NULL, ?, NULL, ?, ?, ?, 1, NULL, 'slot', ?, ?, ?)`,
			params: [messageId, channel.id, input.dedupeKey, input.text ?? '', input.category ?? null, input.priority ?? 50, emergency ? 1 : 0, justification,
				nowMs, nowMs, nowMs, JSON.stringify([]), nowMs, decision.counts ? 1 : 0, expires],
		});
		q.defer(historyRow(messageId, nowMs, 'sending', note));
	}
	const slotId = newId();
	q.defer(slotRow({ id: slotId, channel: channel.id, message_id: messageId, expires_at: expires, created_at: nowMs }));
	q.defer(auditRow(nowMs, { channel: channel.id, type: 'slot.reserved', messageId, actor, details: { slotId, dedupeKey: input.dedupeKey, expiresAt: new Date(expires).toISOString(), note } }));
	if (emergency) {
		const key = decision.counts ? 'scheduler.emergencyCounted' : 'scheduler.emergency';
		q.defer(auditRow(nowMs, { channel: channel.id, type: 'emergency.override', messageId, actor, details: { justification, counted: decision.counts, note: t(key, { justification: justification ?? '' }) } }));
	}
	return { outcome: { slot: { id: slotId, channel: channel.id, messageId, expiresAt: new Date(expires).toISOString() } }, claim: { counted: decision.counts, emergency } };
}

async function slotOrThrow(ctx: Context, id: string) {
	const slot = await getSlot(ctx.store, id);
	if (!slot) throw notFound('slot', id);
	return slot;
}

export async function confirm(ctx: Context, id: string, providerMessageId: string | undefined, actor: string): Promise<{ slot: Slot; message: Message }> {
	const slot = await slotOrThrow(ctx, id);
	const now = ctx.clock().getTime();
	await ctx.store.tx(async (q) => {
		const current = await getSlot(q, id);
		if (current?.state === 'confirmed') return;
		if (current?.state === 'released') throw new ApiError(409, 'invalid_state', `slot "${id}" was released`);
		await q.run("UPDATE slots SET state = 'confirmed' WHERE id = ?", [id]);
		const row = (await messageRow(q, slot.message_id)) as MessageRow;
		// A confirmation after the lease ran out (unknown outcome) still records the post.
		await changeState(q, row, now, ['sending', 'failed'], { state: 'sent', note: t('scheduler.slotConfirmed'), set: { sent_at: now, provider_message_id: providerMessageId ?? null, lease_until: null } });
		await audit(q, now, { channel: slot.channel, type: 'slot.confirmed', messageId: row.id, actor, details: { slotId: id, providerMessageId: providerMessageId ?? null, note: t('scheduler.slotConfirmed') } });
	}, { lockChannel: slot.channel });
	return { slot: slotView(slot), message: (await loadMessage(ctx.store, slot.message_id)) as Message };
}

export async function release(ctx: Context, id: string, actor: string): Promise<Slot> {
	const slot = await slotOrThrow(ctx, id);
	const now = ctx.clock().getTime();
	await ctx.store.tx(async (q) => {
		const current = await getSlot(q, id);
		if (current?.state === 'released') return;
		if (current?.state !== 'active') throw new ApiError(409, 'invalid_state', `slot "${id}" is ${current?.state}: only an active slot can be released`);
		await q.run("UPDATE slots SET state = 'released' WHERE id = ?", [id]);
		const row = (await messageRow(q, slot.message_id)) as MessageRow;
		await changeState(q, row, now, ['sending'], { state: 'cancelled', note: t('scheduler.slotReleased'), set: { counted: 0, claimed_at: null, lease_until: null } });
		await audit(q, now, { channel: slot.channel, type: 'slot.released', messageId: row.id, actor, details: { slotId: id, note: t('scheduler.slotReleased') } });
	}, { lockChannel: slot.channel });
	return slotView(slot);
}

/** A message written for a direct send, as the rules judge it: its text, and what the caller set. */
function writtenRow(input: SlotInput, emergency: boolean): MessageRow {
	return { item: null, text: input.text ?? '', settled: JSON.stringify({ category: input.category ?? null, emergency }), category: input.category ?? null, dedupe_key: input.dedupeKey } as MessageRow;
}

function slotView(row: { id: string; channel: string; message_id: string; expires_at: number }): Slot {
	return { id: row.id, channel: row.channel, messageId: row.message_id, expiresAt: new Date(Number(row.expires_at)).toISOString() };
}
