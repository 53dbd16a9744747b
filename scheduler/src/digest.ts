// The weekly digest in the queue (core/quota/digest.ts decides and writes it). A digest is a normal
// message (category `riepilogo`, dedupe key `riepilogo:<window>`) that takes the window's last slot;
// its parts become `sent` pointing at it (via `riepilogo`, provider id `riepilogo:<digest id>`),
// never claimed, so they never count. A digest that ends without being posted gives them back.
import { planDigest, bundleable, weekWindow, type DigestCandidate } from '../../core/quota';
import type { NewsItem } from '../../core/item';
import { t } from '../../core/messages';
import type { Channel } from './channels';
import { DIGEST_CATEGORY, DIGEST_KEY, isDigestRow } from './digest-key';
import { newId } from './ids';
import { passesNow } from './recheck';
import { quotaStatus } from './ledger';
import { WAITING, type Message, type MessageRow } from './model';
import { addHistory, audit, changeState, messageRow } from './repo';
import type { Queryable } from './store';
import { LINE_ORDER_SQL } from './waiting';

export { DIGEST_CATEGORY } from './digest-key';
const VIA = 'riepilogo';
const KEY = DIGEST_KEY;
const isDigest = isDigestRow;

/** The id of the digest a message went out in, or null. */
export function bundledInto(message: Pick<Message, 'providerMessageId'>): string | null {
	return message.providerMessageId?.startsWith(KEY) ? message.providerMessageId.slice(KEY.length) : null;
}

/**
 * Under the channel lock, once `top` (the first in line) may take a counted slot: the digest to claim
 * instead of it, or null to claim `top` itself.
 */
export async function digestInTx(q: Queryable, channel: Channel, top: MessageRow, now: Date, actor: string): Promise<MessageRow | null> {
	const quota = channel.rules.quota;
	const settings = quota.digest;
	if (isDigest(top) || !bundleable(settings, { priority: top.priority, emergency: top.emergency === 1 })) return null;
	const nowMs = now.getTime();
	const { remaining } = await quotaStatus(q, channel.id, quota, now);
	if (remaining !== 1) return null;
	const due = await q.all<MessageRow>(
		`SELECT * FROM messages WHERE channel = ? AND state IN ('queued', 'scheduled', 'deferred') AND earliest_at <= ? AND (expires_at IS NULL OR expires_at > ?)
		ORDER BY ${LINE_ORDER_SQL} LIMIT ?`,
		[channel.id, nowMs, nowMs, (settings?.maxItems ?? 0) + 20],
	);
	// A digest already waiting (put off by a full week) takes the slot before a new one is made.
	const waitingDigest = due.find(isDigest);
	if (waitingDigest) return waitingDigest;
	// A message tried before may already be in the channel: it goes out on its own, after its transport's check.
	// Each part is judged by the rules as they are now: what no longer passes is moved aside, not bundled.
	const passing: MessageRow[] = [];
	for (const m of due) {
		if (m.attempts !== 0 || isDigest(m)) continue;
		if ((await passesNow(q, channel, m, now, actor)).ok) passing.push(m);
	}
	const plan = planDigest(settings, remaining, passing.map(candidate), channel.rules.message.footer);
	if (!plan) return null;
	const w = weekWindow(now, quota);
	// One digest per window (per day for a rolling week): a failed one is not made again at once.
	const dedupeKey = `${KEY}${w.key === 'rolling' ? now.toISOString().slice(0, 10) : w.key}`;
	const id = newId();
	const note = t('scheduler.digest.created', { count: plan.ids.length });
	const inserted = await q.run(
		`INSERT INTO messages (id, channel, dedupe_key, state, text, category, priority, emergency, justification, image,
		earliest_at, expires_at, created_at, updated_at, reasons, attempts, item, counted)
		VALUES (?, ?, ?, 'queued', ?, ?, ?, 0, NULL, NULL, ?, NULL, ?, ?, ?, 0, NULL, 0) ON CONFLICT (channel, dedupe_key) DO NOTHING`,
		[id, channel.id, dedupeKey, plan.text, DIGEST_CATEGORY, plan.priority, nowMs, nowMs, nowMs, JSON.stringify([note])],
	);
	if (inserted === 0) return null;
	await addHistory(q, id, nowMs, 'queued', note);
	await audit(q, nowMs, { channel: channel.id, type: 'digest.created', messageId: id, actor, details: { dedupeKey, parts: plan.ids, note } });
	const bundled = t('scheduler.digest.bundled', { id });
	const byId = new Map(due.map((m) => [m.id, m]));
	for (const partId of plan.ids) {
		const part = byId.get(partId) as MessageRow;
		await changeState(q, part, nowMs, WAITING, { state: 'sent', note: bundled, set: { via: VIA, provider_message_id: `${KEY}${id}`, sent_at: nowMs } });
		await audit(q, nowMs, { channel: channel.id, type: 'message.bundled', messageId: partId, actor, details: { digestId: id, note: bundled } });
	}
	return (await messageRow(q, id)) as MessageRow;
}

/**
 * Digests that ended without being posted (a known failure, cancelled, expired) give their parts
 * back: `deferred`, due now, so the dispatcher decides again. A failed digest becomes `cancelled`
 * so that a retry cannot post its parts a second time.
 */
export async function returnPartsInTx(q: Queryable, channelId: string, nowMs: number, actor: string): Promise<void> {
	const ended = await q.all<MessageRow>(
		`SELECT * FROM messages WHERE channel = ? AND category = ? AND dedupe_key LIKE ? AND counted = 0 AND state IN ('failed', 'cancelled', 'expired', 'rejected')`,
		[channelId, DIGEST_CATEGORY, `${KEY}%`],
	);
	if (!ended.length) return;
	const marks = ended.map(() => '?').join(', ');
	const parts = await q.all<MessageRow>(
		`SELECT * FROM messages WHERE channel = ? AND state = 'sent' AND via = ? AND provider_message_id IN (${marks}) ORDER BY created_at, id`,
		[channelId, VIA, ...ended.map((d) => `${KEY}${d.id}`)],
	);
	for (const digest of ended) {
		const mine = parts.filter((p) => p.provider_message_id === `${KEY}${digest.id}`);
		if (!mine.length) continue;
		const back = t('scheduler.digest.returned', { id: digest.id });
		for (const part of mine) {
			await changeState(q, part, nowMs, ['sent'], { state: 'deferred', note: back, set: { via: null, provider_message_id: null, sent_at: null, earliest_at: nowMs } });
			await audit(q, nowMs, { channel: channelId, type: 'message.unbundled', messageId: part.id, actor, details: { digestId: digest.id, note: back } });
		}
		const note = t('scheduler.digest.partsReturned', { count: mine.length });
		if (digest.state === 'failed') await changeState(q, digest, nowMs, ['failed'], { state: 'cancelled', note, reason: note });
		else await addHistory(q, digest.id, nowMs, digest.state, note);
		await audit(q, nowMs, { channel: channelId, type: 'digest.returned', messageId: digest.id, actor, details: { parts: mine.map((p) => p.id), note } });
	}
}

function candidate(row: MessageRow): DigestCandidate {
	return {
		id: row.id,
		priority: row.priority,
		emergency: row.emergency === 1,
		item: row.item ? (JSON.parse(row.item) as NewsItem) : null,
		text: row.text,
	};
}
