// The forecast of a channel's queue read from the store (scheduler/src/waiting.ts projects it): what
// waits, the counted sends of the last days, which held messages wait for the office and which only
// for an election period to end; and each wait said in the office's words.
import type { NewsItem } from '../../core/item';
import { t, type MessageKey } from '../../core/messages';
import { electionPeriodAt, type Rules } from '../../core/rules';
import type { Channel } from './channels';
import type { Context } from './context';
import { isDigestRow } from './digest-key';
import { localDate, PENDING, type Message, type MessageRow } from './model';
import { heldByOpinion } from './opinion';
import { judge, settledOf } from './recheck';
import type { Queryable } from './store';
import { forecast, type Candidate, type LedgerHistory, type Wait, type WaitCode, type WaitView } from './waiting';

/** The claims of the last 8 days cover the ISO week and the rolling 7 days of any instant from now on. */
const HISTORY_MS = 8 * 86_400_000;

/** Why a held message waits: the office, or only an election period (the dispatcher lets it go when the period ends). */
function heldFor(row: MessageRow, rules: Rules, now: Date): Candidate['held'] | undefined {
	if (heldByOpinion(settledOf(row))) return { code: 'approval' };
	const stopping = judge(row, rules, now).findings.filter((f) => f.verdict !== 'accept');
	// The rules let it through now: the dispatcher's next pass puts it back in line.
	if (!stopping.length) return undefined;
	const period = electionPeriodAt(rules, now);
	if (period && stopping.every((f) => f.code === 'election.hold' || (f.code === 'election.person' && f.verdict === 'hold'))) {
		return { code: 'election', until: period.endMs, period: period.name };
	}
	return { code: 'approval' };
}

function candidate(row: MessageRow, rules: Rules, now: Date): Candidate {
	const digestRow = isDigestRow(row);
	return {
		id: row.id,
		emergency: row.emergency === 1,
		priority: Number(row.priority),
		createdAt: Number(row.created_at),
		earliestAt: Number(row.earliest_at),
		expiresAt: row.expires_at === null ? null : Number(row.expires_at),
		...(row.state === 'held' ? { held: heldFor(row, rules, now) } : {}),
		digestRow,
		...(digestRow || row.attempts !== 0
			? {}
			: { bundle: { id: row.id, priority: Number(row.priority), emergency: row.emergency === 1, item: row.item ? (JSON.parse(row.item) as NewsItem) : null, text: row.text } }),
	};
}

async function ledgerHistory(q: Queryable, channel: string, now: Date): Promise<LedgerHistory> {
	const head = await q.get<{ paused: number }>('SELECT paused FROM channels WHERE id = ?', [channel]);
	const claims = await q.all<{ claimed_at: number }>('SELECT claimed_at FROM messages WHERE channel = ? AND counted = 1 AND claimed_at >= ?', [channel, now.getTime() - HISTORY_MS]);
	const last = await q.get<{ last_at: number | null }>("SELECT max(claimed_at) AS last_at FROM messages WHERE channel = ? AND claimed_at IS NOT NULL AND state IN ('sending', 'sent')", [channel]);
	return {
		// An unknown channel is paused: fail closed, as the dispatcher does.
		paused: !head || Number(head.paused) === 1,
		countedClaims: claims.map((c) => Number(c.claimed_at)),
		lastSentAt: last?.last_at == null ? null : Number(last.last_at),
	};
}

/** Every waiting or held message of the channel, with when it can go out and why. */
export async function forecastChannel(q: Queryable, channel: Channel, now: Date): Promise<Map<string, WaitView>> {
	const rows = await q.all<MessageRow>("SELECT * FROM messages WHERE channel = ? AND state IN ('queued', 'scheduled', 'deferred', 'held')", [channel.id]);
	const history = await ledgerHistory(q, channel.id, now);
	const waits = forecast(rows.map((r) => candidate(r, channel.rules, now)), history, channel.rules.quota, now, channel.rules.message.footer);
	return new Map([...waits].map(([id, wait]) => [id, waitView(wait, channel.rules)]));
}

/** When a new message, arriving now with no emergency, could go out: the dashboard's "next place". */
export async function forecastNew(q: Queryable, channel: Channel, now: Date): Promise<WaitView> {
	const history = await ledgerHistory(q, channel.id, now);
	const probe: Candidate = { id: '', emergency: false, priority: 0, createdAt: now.getTime(), earliestAt: now.getTime(), expiresAt: null };
	return waitView(forecast([probe], history, channel.rules.quota, now).get('') as Wait, channel.rules);
}

/** One reason in Italian. */
function reasonOf(code: WaitCode, wait: Wait, rules: Rules): string {
	const quota = rules.quota;
	const params = {
		minutes: quota.minSpacingMinutes,
		to: quota.quietHours?.to ?? '',
		limit: quota.perWeek,
		period: wait.period ?? '',
		date: wait.expiresAt ? localDate(wait.expiresAt, rules.timezone) : '',
	};
	const key = code === 'quota_exhausted' && quota.week === 'rolling' ? 'admin.waiting.quota_rolling' : `admin.waiting.${code}`;
	return t(key as MessageKey, params);
}

export function waitView(wait: Wait, rules: Rules): WaitView {
	return {
		code: wait.code,
		codes: wait.codes,
		at: wait.at?.toISOString() ?? null,
		reason: wait.codes.map((c) => reasonOf(c, wait, rules)).join(t('admin.waiting.then')),
	};
}

/** "Uscita prevista: 10/12/2026 11:00 — 60 minuti dopo il messaggio precedente". */
export function waitLine(view: WaitView, zone: string): string {
	if (view.at) return t('admin.waiting.line', { date: localDate(Date.parse(view.at), zone), reason: view.reason });
	return t(view.code === 'expires' ? 'admin.waiting.lineNever' : 'admin.waiting.lineOpen', { reason: view.reason });
}

/** The messages with their forecast: each channel's queue read once. */
export async function withWaits(ctx: Context, messages: Message[]): Promise<Message[]> {
	const now = ctx.clock();
	const byChannel = new Map<string, Map<string, WaitView>>();
	// Only what has not left yet has a forecast: a list of sent messages reads no queue.
	for (const id of new Set(messages.filter((m) => PENDING.includes(m.state)).map((m) => m.channel))) {
		const channel = ctx.channels.get(id);
		if (channel) byChannel.set(id, await forecastChannel(ctx.store, channel, now));
	}
	return messages.map((m) => ({ ...m, waiting: byChannel.get(m.channel)?.get(m.id) ?? null }));
}
