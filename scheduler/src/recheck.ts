// The rules judged again when they matter: a message waiting in the queue is sent only if the
// channel's current rules, at the moment of sending, still let it through. An election period that
// starts after an item was queued, a word the office blocked since, a rule file changed on disk:
// what no longer passes is held or rejected with the reason, and the audit log says so.
import type { NewsItem } from '../../core/item';
import { t } from '../../core/messages';
import { evaluate, textItem, type Decision, type Finding, type Rules, type Settled } from '../../core/rules';
import { DIGEST_KEY, isDigestRow } from './digest-key';
import type { MessageRow, State } from './model';
import { heldByOpinion, type StoredOpinion } from './opinion';
import { judgedKey, recall, remember } from './judged';
import { audit, changeState } from './repo';
import type { Queryable } from './store';

/** What a person settled for the message, kept in `messages.settled` (JSON). */
export interface StoredSettled extends Settled {
	/** The caller wrote the text of an item message: the rules do not compose it again. */
	ownText?: boolean;
	/** A language model's concern held it at enqueue (scheduler/src/opinion.ts): only the office releases it. */
	secondOpinion?: StoredOpinion;
}

export function settledOf(row: Pick<MessageRow, 'settled'>): StoredSettled {
	if (!row.settled) return {};
	try {
		const value = JSON.parse(row.settled) as StoredSettled;
		return typeof value === 'object' && value !== null ? value : {};
	} catch {
		return {};
	}
}

/**
 * The rules' decision on a stored message now: its item when it has one, else its text; made once
 * for the same input while it cannot change (judged.ts). `compose`: its text is wanted (else '').
 */
export function judge(row: Pick<MessageRow, 'item' | 'text' | 'settled'>, rules: Rules, now: Date, compose = false): Decision {
	const key = judgedKey(row.item, row.text, row.settled);
	const nowMs = now.getTime();
	const known = recall(key, rules, nowMs, compose);
	if (known) return known;
	const item = row.item ? (JSON.parse(row.item) as NewsItem) : textItem(row.text);
	const settled = settledOf(row);
	const decision = evaluate(item, rules, { now, settled: { ...settled, waived: settled.waived ?? [] }, compose });
	remember(key, rules, decision, nowMs, compose);
	return decision;
}

/** The rules a channel judges with now, and their version for the audit log. */
export interface Judge {
	rules: Rules;
	rulesVersion: number;
}

export type Check = { ok: true; text: string; image: string | null } | { ok: false; findings: Finding[] };

/** The rules' answer for a message about to leave; its text and image as the current rules compose them. */
export function checkNow(row: MessageRow, rules: Rules, now: Date): Check {
	if (isDigestRow(row)) return { ok: true, text: row.text, image: row.image };
	const composed = row.item !== null && !settledOf(row).ownText;
	const decision = judge(row, rules, now, composed);
	if (decision.verdict !== 'accept') return { ok: false, findings: decision.findings.filter((f) => f.verdict !== 'accept') };
	return { ok: true, text: composed ? decision.text : row.text, image: decision.dropImage ? null : row.image };
}

/**
 * Under the channel lock, just before a message is claimed: the message still passes (with its text
 * as the rules compose it now), or it is moved aside with its reasons. A digest passes only while
 * every part does: otherwise it is cancelled and its parts go back to be judged one by one.
 */
export async function passesNow(q: Queryable, channel: Judge, row: MessageRow, now: Date, actor: string): Promise<Check> {
	const nowMs = now.getTime();
	if (isDigestRow(row)) {
		const parts = await q.all<MessageRow>("SELECT * FROM messages WHERE channel = ? AND state = 'sent' AND provider_message_id = ?", [row.channel, `${DIGEST_KEY}${row.id}`]);
		const refused = parts.map((part) => ({ part, check: checkNow(part, channel.rules, now) })).filter((p) => !p.check.ok);
		if (!refused.length) return { ok: true, text: row.text, image: row.image };
		const note = t('scheduler.recheck.digest', { count: refused.length });
		await changeState(q, row, nowMs, ['queued', 'scheduled', 'deferred'], { state: 'cancelled', note, reason: note });
		await audit(q, nowMs, { channel: row.channel, type: 'digest.cancelled', messageId: row.id, actor, details: { parts: refused.map((p) => p.part.id), rulesVersion: channel.rulesVersion, note } });
		return { ok: false, findings: [] };
	}
	const check = checkNow(row, channel.rules, now);
	if (!check.ok) await refuseInTx(q, row, check.findings, nowMs, actor, channel.rulesVersion);
	return check;
}

/** The state a refused message goes to: expired past its date, else held or rejected as the findings say. */
export function refusedState(findings: readonly Finding[]): State {
	if (findings.some((f) => f.code.startsWith('expired.'))) return 'expired';
	return findings.some((f) => f.verdict === 'reject') ? 'rejected' : 'held';
}

const AUDIT_TYPE: Partial<Record<State, string>> = { expired: 'message.expired', rejected: 'message.rejected', held: 'message.held' };
const NOTE = { expired: 'scheduler.recheck.expired', rejected: 'scheduler.recheck.rejected', held: 'scheduler.recheck.held' } as const;

/** Moves a waiting message the rules now refuse, with its reasons and an audit row; under the channel lock. */
export async function refuseInTx(q: Queryable, row: MessageRow, findings: readonly Finding[], nowMs: number, actor: string, rulesVersion: number): Promise<boolean> {
	const state = refusedState(findings) as keyof typeof NOTE;
	const reasons = findings.map((f) => f.reason);
	const note = t(NOTE[state], { reasons: reasons.join('; ') });
	const from: State[] = ['queued', 'scheduled', 'deferred', 'held'];
	const changed = await changeState(q, row, nowMs, from, { state, note, reason: note, set: { counted: 0, claimed_at: null, lease_until: null } });
	if (changed) {
		await audit(q, nowMs, {
			channel: row.channel,
			type: AUDIT_TYPE[state] as string,
			messageId: row.id,
			actor,
			details: { from: row.state, to: state, recheck: true, codes: findings.map((f) => f.code), reasons, rulesVersion, note },
		});
	}
	return changed;
}

/**
 * Every message of a channel that has not left yet, judged again (after a rules change, or as time
 * passes): what no longer passes is moved aside at once, so the office sees it in the queue; a held
 * message the rules now let through (an election period that ended) goes back in line.
 */
export async function rejudgeInTx(q: Queryable, channel: Judge & { id: string }, now: Date, actor: string, states: readonly State[]): Promise<{ refused: number; released: number }> {
	const nowMs = now.getTime();
	const marks = states.map(() => '?').join(', ');
	const rows = await q.all<MessageRow>(`SELECT * FROM messages WHERE channel = ? AND state IN (${marks}) ORDER BY created_at, id`, [channel.id, ...states]);
	let refused = 0;
	let released = 0;
	for (const row of rows) {
		const check = checkNow(row, channel.rules, now);
		if (!check.ok) {
			if (row.state === 'held' && refusedState(check.findings) === 'held') continue;
			if (await refuseInTx(q, row, check.findings, nowMs, actor, channel.rulesVersion)) refused++;
			continue;
		}
		// What the model's concern holds waits for the office, whatever the rules say now.
		if (row.state !== 'held' || heldByOpinion(settledOf(row))) continue;
		const note = t('scheduler.recheck.released');
		const to: State = row.earliest_at > nowMs ? 'scheduled' : 'queued';
		if (await changeState(q, row, nowMs, ['held'], { state: to, note, reason: note })) {
			await audit(q, nowMs, { channel: row.channel, type: 'message.released', messageId: row.id, actor, details: { from: 'held', to, rulesVersion: channel.rulesVersion, note } });
			released++;
		}
	}
	return { refused, released };
}
