// Cross-posts in the outbox (issue #14): an item that repeats a notice the channel already has (the
// site's page shared on Facebook, the same text on YouTube) is stored as a duplicate of it and never
// sent; a richer copy takes the place of one still waiting. core/crosspost.ts says what is the same
// notice and which copy is richer; this file applies it inside enqueue's transaction.
import { DEFAULT_WINDOW_DAYS, findOriginal, linkKeys, richerThan, type CrossPostMatch, type Richer } from '../../core/crosspost';
import type { NewsItem } from '../../core/item';
import { t, type MessageKey } from '../../core/messages';
import { localDate, PENDING, type Message, type MessageRow, type State } from './model';
import { audit, changeState, messageRow } from './repo';
import type { Queryable } from './store';

/** Recent items a new one is compared with: a comune posts a few a day. */
const MAX_RECENT = 200;
/** A duplicate points to the message sent in its place, which may itself have been replaced since. */
const MAX_HOPS = 5;

export interface CrossPostCheck {
	channel: string;
	/** The new message's id and item. */
	id: string;
	item: NewsItem;
	dedupeKey: string;
	/** What the rules (and the second opinion) made of the new item. */
	state: State;
	nowMs: number;
	actor: string;
	windowDays?: number;
}

/** The new item is a copy of `original`: stored as a duplicate, not sent. */
export interface Duplicate {
	kind: 'duplicate';
	original: MessageRow;
	match: CrossPostMatch;
	/** Italian, for the message's history and reasons. */
	note: string;
}

/** The new item was the richer copy of a message still waiting: that message is now its duplicate. */
export interface Replaced {
	kind: 'replaced';
	original: MessageRow;
	match: CrossPostMatch;
	why: Richer;
}

/**
 * What the new item is to the channel's messages, inside enqueue's transaction (channel locked): a
 * duplicate; the richer copy of a message still waiting, which then steps aside for it; or (null) a
 * notice of its own. A copy replaces the original only when the rules treat it at least as well (a
 * held copy of a held original); a copy they refuse or hold never displaces one they let through, and
 * nothing sent, sending or decided is undone.
 */
export async function settleCrossPost(q: Queryable, check: CrossPostCheck): Promise<Duplicate | Replaced | null> {
	const windowDays = check.windowDays ?? DEFAULT_WINDOW_DAYS;
	const found = findOriginal(check.item, await candidates(q, check, windowDays), { windowDays });
	if (!found) return null;
	const original = await followed(q, found.original.row);
	const originalItem = original.item ? (JSON.parse(original.item) as NewsItem) : null;
	const why = originalItem ? richerThan(check.item, originalItem) : null;
	const asWell = check.state === 'queued' || check.state === 'scheduled' || (check.state === 'held' && original.state === 'held');
	if (why && asWell && PENDING.includes(original.state) && (await replace(q, original, found.match, why, check))) return { kind: 'replaced', original, match: found.match, why };
	return { kind: 'duplicate', original, match: found.match, note: duplicateNote(original, found.match) };
}

async function candidates(q: Queryable, check: CrossPostCheck, windowDays: number): Promise<Array<{ row: MessageRow; item: NewsItem }>> {
	const keys = linkKeys(check.item);
	const byLink = keys.length
		? await q.all<MessageRow>(`SELECT * FROM messages WHERE channel = ? AND link_key IN (${keys.map(() => '?').join(', ')}) AND dedupe_key <> ? ORDER BY created_at DESC, id LIMIT 20`, [
			check.channel, ...keys, check.dedupeKey,
		])
		: [];
	const recent = await q.all<MessageRow>(
		`SELECT * FROM messages WHERE channel = ? AND item IS NOT NULL AND created_at >= ? AND dedupe_key <> ? ORDER BY created_at DESC, id LIMIT ${MAX_RECENT}`,
		[check.channel, check.nowMs - windowDays * 86_400_000, check.dedupeKey],
	);
	const seen = new Set<string>();
	const out: Array<{ row: MessageRow; item: NewsItem }> = [];
	for (const row of [...byLink, ...recent]) {
		if (seen.has(row.id) || !row.item) continue;
		seen.add(row.id);
		out.push({ row, item: JSON.parse(row.item) as NewsItem });
	}
	return out;
}

/** The message a duplicate stands for: the one sent (or to be sent) in its place. */
async function followed(q: Queryable, row: MessageRow): Promise<MessageRow> {
	let current = row;
	for (let hop = 0; hop < MAX_HOPS && current.state === 'duplicate' && current.duplicate_of; hop++) {
		const next = await messageRow(q, current.duplicate_of);
		if (!next) break;
		current = next;
	}
	return current;
}

const titleOf = (row: MessageRow): string => (row.item ? (JSON.parse(row.item) as NewsItem).title : row.text.split('\n')[0]);

function howMatched(match: CrossPostMatch, row: MessageRow): string {
	return match.kind === 'link'
		? t('scheduler.duplicate.link', { title: titleOf(row) })
		: t('scheduler.duplicate.text', { title: titleOf(row), similarity: Math.round(match.similarity * 100) });
}

function duplicateNote(original: MessageRow, match: CrossPostMatch): string {
	const state = t(`admin.state.${original.state}` as MessageKey);
	return `${howMatched(match, original)}. ${t(original.state === 'sent' ? 'scheduler.duplicate.sent' : 'scheduler.duplicate.decided', { state })}`;
}

const matchDetails = (match: CrossPostMatch) => (match.kind === 'link' ? { url: match.url } : { similarity: match.similarity });

/** The audit line of a new item stored as a duplicate: what matched, and what the rules said of the copy. */
export function duplicateDetails(duplicate: Duplicate, verdict: State): Record<string, unknown> {
	return {
		of: duplicate.original.id,
		ofState: duplicate.original.state,
		match: duplicate.match.kind,
		...matchDetails(duplicate.match),
		verdict,
		note: duplicate.note,
	};
}

/** The waiting original steps aside for the richer copy, with a history entry and an audit line. */
async function replace(q: Queryable, original: MessageRow, match: CrossPostMatch, why: Richer, check: CrossPostCheck): Promise<boolean> {
	const note = t('scheduler.duplicate.replaced', { title: check.item.title, why: t(why === 'site' ? 'scheduler.duplicate.richer.site' : 'scheduler.duplicate.richer.image') });
	const moved = await changeState(q, original, check.nowMs, PENDING, { state: 'duplicate', note, reason: note, set: { duplicate_of: check.id, counted: 0 } });
	if (!moved) return false;
	await audit(q, check.nowMs, {
		channel: original.channel,
		type: 'message.duplicate',
		messageId: original.id,
		actor: check.actor,
		details: { of: check.id, from: original.state, match: match.kind, ...matchDetails(match), richer: why, note },
	});
	return true;
}

export interface Stored {
	state: State;
	note: string;
	reasons: string[];
	earliestAt: number;
	duplicateOf: string | null;
}

/**
 * The new message as stored after the check: a duplicate keeps the rules' reasons and adds why it is
 * one; a replacement keeps the original's schedule, so a copy never goes out earlier than planned.
 */
export function storedAs(cross: Duplicate | Replaced | null, base: Stored, nowMs: number): Stored {
	if (cross?.kind === 'duplicate') return { ...base, state: 'duplicate', note: cross.note, reasons: [...base.reasons, cross.note], duplicateOf: cross.original.id };
	if (cross?.kind !== 'replaced' || cross.original.earliest_at <= base.earliestAt) return base;
	const earliestAt = cross.original.earliest_at;
	return base.state === 'queued' && earliestAt > nowMs ? { ...base, earliestAt, state: 'scheduled', note: t('scheduler.scheduled', { date: localDate(earliestAt) }) } : { ...base, earliestAt };
}

/** For the enqueue answer: of which message this one is a duplicate, and why (the reason the office reads). */
export function duplicateView(message: Message): { of: string; reason: string } | null {
	return message.state === 'duplicate' && message.duplicateOf ? { of: message.duplicateOf, reason: message.reasons[message.reasons.length - 1] ?? '' } : null;
}
