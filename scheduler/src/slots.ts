// Slots: for flows that post directly from n8n. A slot is a lease counted as in flight; confirm
// marks the message sent, release gives the room back. A lease that runs out without either is an
// unknown outcome: it keeps counting (see dispatch.ts).
import { newId } from './ids';
import { t } from '../../core/messages';
import { channelOf, type Context } from './context';
import { ApiError, notFound } from './errors';
import { decideInTx, ledgerRead, verdictOn } from './ledger';
import { weekWindow } from '../../core/quota';
import { localDate, type Message, type MessageRow, type State } from './model';
import { requireJustification } from './queue';
import { audit, auditRow, byKey, changeState, deferChange, getSlot, historyRow, loadMessage, messageRow } from './repo';
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

export async function reserve(ctx: Context, channelId: string, input: SlotInput, actor: string): Promise<Slot> {
	const channel = channelOf(ctx, channelId);
	requireJustification(input.emergency, input.justification);
	const now = ctx.clock();
	const nowMs = now.getTime();
	const expires = nowMs + Math.round(ctx.config.dispatch.slotMinutes * 60_000);
	const outcome = await ctx.store.tx(async (q) => {
		// One round trip for what the decision reads under the lock: the message, the channel's head and
		// its counts (for the window of the rules in memory; read again below if newer rules change it).
		const window = weekWindow(now, channel.rules.quota);
		const ledger = ledgerRead(channel.id, window, ctx.ledger);
		const [found, ...ledgerRows] = await q.batch([byKey(channel.id, input.dedupeKey), ...ledger.statements]);
		const existing = found[0] as unknown as MessageRow | undefined;
		const view = ledger.view(ledgerRows);
		if (existing?.state === 'sending' && existing.via === 'slot') {
			const slot = await q.get<{ id: string; expires_at: number }>("SELECT id, expires_at FROM slots WHERE message_id = ? AND state = 'active'", [existing.id]);
			if (slot) return { slot: { id: slot.id, channel: channel.id, messageId: existing.id, expiresAt: new Date(Number(slot.expires_at)).toISOString() } };
		}
		if (existing && !RESERVABLE.includes(existing.state)) {
			const code = existing.state === 'sent' ? 'already_sent' : 'invalid_state';
			return { error: new ApiError(409, code, `message "${existing.id}" with dedupe key "${input.dedupeKey}" is ${existing.state}`) };
		}
		const emergency = existing ? existing.emergency === 1 || !!input.emergency : !!input.emergency;
		const justification = input.justification?.trim() || existing?.justification || null;
		if (emergency && !justification) return { error: new ApiError(422, 'justification_required', 'an emergency needs a justification') };
		// The channel's rules, as they are now, judge a direct send as they judge the queue's.
		const fresh = await channelAt(q, ctx, channel.id, view.head?.rulesVersion ?? null);
		const refusedBy = existing
			? await passesNow(q, fresh, existing, now, actor)
			: checkNow(writtenRow(input, emergency), fresh.rules, now);
		if (!refusedBy.ok) {
			const reasons = refusedBy.findings.map((f) => f.reason);
			q.defer(auditRow(nowMs, { channel: channel.id, type: 'slot.refused', messageId: existing?.id ?? null, actor, details: { dedupeKey: input.dedupeKey, code: 'rules', reasons, rulesVersion: fresh.rulesVersion } }));
			return { error: new ApiError(409, 'rules_refused', `the channel rules stop this message: ${reasons.join('; ')}`, 'Change the text, or ask the office to approve it on the admin page.') };
		}
		const quota = fresh.rules.quota;
		const rulesWindow = weekWindow(now, quota);
		const sameWindow = rulesWindow.start.getTime() === window.start.getTime() && rulesWindow.end.getTime() === window.end.getTime();
		const decision = sameWindow ? verdictOn(view, quota, now, emergency) : await decideInTx(q, channel.id, quota, now, emergency, ctx.ledger);
		if (!decision.allow) {
			const note = refusalNote(decision.code, decision.until, quota.perWeek);
			q.defer(auditRow(nowMs, { channel: channel.id, type: 'slot.refused', messageId: existing?.id ?? null, actor, details: { dedupeKey: input.dedupeKey, code: decision.code, retryAt: decision.until?.toISOString() ?? null, note } }));
			return { refused: decision };
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
		q.defer({ sql: "INSERT INTO slots (id, channel, message_id, state, expires_at, created_at) VALUES (?, ?, ?, 'active', ?, ?)", params: [slotId, channel.id, messageId, expires, nowMs] });
		q.defer(auditRow(nowMs, { channel: channel.id, type: 'slot.reserved', messageId, actor, details: { slotId, dedupeKey: input.dedupeKey, expiresAt: new Date(expires).toISOString(), note } }));
		if (emergency) {
			const key = decision.counts ? 'scheduler.emergencyCounted' : 'scheduler.emergency';
			q.defer(auditRow(nowMs, { channel: channel.id, type: 'emergency.override', messageId, actor, details: { justification, counted: decision.counts, note: t(key, { justification: justification ?? '' }) } }));
		}
		return { slot: { id: slotId, channel: channel.id, messageId, expiresAt: new Date(expires).toISOString() } };
	}, { lockChannel: channel.id });
	if ('error' in outcome && outcome.error) throw outcome.error;
	if ('refused' in outcome && outcome.refused) {
		ctx.metrics.decision(channel.id, outcome.refused.code);
		const { code, until } = outcome.refused;
		throw new ApiError(409, code, `no slot: ${code.replace('_', ' ')}`, undefined, { retryAt: until?.toISOString() ?? null });
	}
	ctx.metrics.decision(channel.id, 'reserved');
	return (outcome as { slot: Slot }).slot;
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
