// The ledger: what a channel has used in a week, and the one place a message goes in flight.
// Every claim runs inside a transaction that holds the channel's lock, re-reads the counts there
// and fails closed: in-flight and unknown-outcome messages count as sent.
import { nextReset, weekWindow } from '../../core/quota';
import type { QuotaSettings } from '../../core/rules';
import type { Queryable, Row, Statement } from './store';
import { mayGo, type Verdict } from './waiting';

export interface LedgerCounts {
	/** Counted messages in the window: sent, in flight, or of unknown outcome. */
	counted: number;
	inFlight: number;
	emergencies: number;
	oldestCountedAt: Date | null;
	lastSentAt: Date | null;
}

/**
 * The counts of a window, in one statement (one round trip on PostgreSQL, one step on SQLite): the
 * counted messages of the window (with those in flight and the oldest), the emergencies in flight
 * or sent, and the latest message that went out.
 */
const countsSql = (channel: string): string => `SELECT
	(SELECT count(*) FROM messages WHERE channel = ${channel} AND emergency = 1 AND counted = 0
		AND state IN ('sending', 'sent') AND claimed_at >= ? AND claimed_at < ?) AS emergencies,
	(SELECT max(claimed_at) FROM messages WHERE channel = ${channel} AND claimed_at IS NOT NULL AND state IN ('sending', 'sent')) AS last_at,
	c.n, c.in_flight, c.oldest
FROM (SELECT count(*) AS n, sum(CASE WHEN state = 'sending' THEN 1 ELSE 0 END) AS in_flight, min(claimed_at) AS oldest
	FROM messages WHERE channel = ${channel} AND counted = 1 AND claimed_at >= ? AND claimed_at < ?) c`;
const COUNTS_SQL = countsSql('?');
/**
 * The same counts, unless the channel's ledger is still at the version the cache holds: then the
 * channel compared is NULL and each index seek finds nothing at once (SQLite does not skip a scan for
 * a false condition outside it, PostgreSQL does either).
 */
const COUNTS_UNLESS_SQL = countsSql('(SELECT ? WHERE NOT EXISTS (SELECT 1 FROM channels WHERE id = ? AND ledger_version = ?))');

type CountsRow = { emergencies: number | null; last_at: number | null; n: number; in_flight: number | null; oldest: number | null };
type HeadRow = { paused: number; ledger_version: number | string; rules_version: number };
type Window = { start: Date; end: Date };

/** The counts of window `w`; with `unless`, nothing counted when the ledger is still at that version. */
function countsStatement(channel: string, w: Window, unless?: number): Statement {
	const start = w.start.getTime();
	const end = w.end.getTime();
	if (unless === undefined) return { sql: COUNTS_SQL, params: [channel, start, end, channel, channel, start, end] };
	const ch = [channel, channel, unless];
	return { sql: COUNTS_UNLESS_SQL, params: [...ch, start, end, ...ch, ...ch, start, end] };
}

/**
 * The channel's head and those counts in one row (none: the channel is gone): one statement, where
 * two would cost PostgreSQL a statement's whole overhead each.
 */
function headStatement(channel: string, w: Window, unless?: number): Statement {
	const counts = countsStatement(channel, w, unless);
	return { sql: `SELECT h.paused, h.ledger_version, h.rules_version, k.* FROM channels h, (${counts.sql}) k WHERE h.id = ?`, params: [...counts.params, channel] };
}

function countsOf(row: CountsRow | undefined): LedgerCounts {
	return {
		counted: Number(row?.n ?? 0),
		inFlight: Number(row?.in_flight ?? 0),
		emergencies: Number(row?.emergencies ?? 0),
		oldestCountedAt: row?.oldest != null ? new Date(Number(row.oldest)) : null,
		lastSentAt: row?.last_at != null ? new Date(Number(row.last_at)) : null,
	};
}

interface Cached {
	version: number;
	start: number;
	end: number;
	counts: LedgerCounts;
}

/**
 * The counts each channel's last decision read, with the ledger version they were read at. The
 * version changes, by trigger and in the same transaction, with every change to a message the counts
 * depend on (migration 0005), and never takes a value twice; read under the channel's lock, an
 * unchanged version means unchanged counts. So a refusal at the limit, or a decision after an enqueue,
 * does not count the window again. One per store: versions of different databases mean nothing to
 * each other.
 */
export class LedgerCache {
	private readonly entries = new Map<string, Cached>();

	/** The entry for this window, if any: its version is the one to compare with. */
	at(channel: string, w: Window): Cached | undefined {
		const hit = this.entries.get(channel);
		return hit && hit.start === w.start.getTime() && hit.end === w.end.getTime() ? hit : undefined;
	}
	keep(channel: string, version: number, w: Window, counts: LedgerCounts): void {
		this.entries.set(channel, { version, start: w.start.getTime(), end: w.end.getTime(), counts });
	}
}

/** What a decision reads of a channel under its lock; no head: the channel is gone. */
export interface LedgerView {
	head: { paused: boolean; rulesVersion: number } | undefined;
	counts: LedgerCounts;
}

/**
 * The reads of a decision, to send in one batch with the caller's own: the channel's head, and the
 * counts of window `w`, not counted again when the head shows the version the cache holds counts for
 * (both read under the lock, so the cached counts are the counts).
 */
export function ledgerRead(channel: string, w: Window, cache?: LedgerCache): { statements: Statement[]; view(rows: Row[][]): LedgerView } {
	const cached = cache?.at(channel, w);
	return {
		statements: [headStatement(channel, w, cached?.version)],
		view([[row]]) {
			const head = row as (HeadRow & CountsRow) | undefined;
			if (!head) return { head: undefined, counts: countsOf(undefined) };
			const version = Number(head.ledger_version);
			const hit = cached?.version === version;
			const counts = hit && cached ? cached.counts : countsOf(head);
			if (!hit) cache?.keep(channel, version, w, counts);
			return { head: { paused: Number(head.paused) === 1, rulesVersion: Number(head.rules_version) }, counts };
		},
	};
}

/**
 * What the counts become when a message never claimed before is claimed at `at`: what the next
 * decision under the same hold of the lock would read (COUNTS_SQL, counted again, gives the same).
 * A message claimed before may already be in them: after one of those, count again.
 */
export function afterClaim(c: LedgerCounts, at: Date, counted: boolean, emergency: boolean): LedgerCounts {
	return {
		counted: c.counted + (counted ? 1 : 0),
		inFlight: c.inFlight + (counted ? 1 : 0),
		emergencies: c.emergencies + (!counted && emergency ? 1 : 0),
		oldestCountedAt: counted && (c.oldestCountedAt === null || at < c.oldestCountedAt) ? at : c.oldestCountedAt,
		lastSentAt: c.lastSentAt === null || at > c.lastSentAt ? at : c.lastSentAt,
	};
}

/** The verdict on what a decision read. An unknown channel is treated as paused: fail closed. */
export function verdictOn(view: LedgerView, quota: QuotaSettings, now: Date, emergency: boolean): Verdict {
	if (!view.head || view.head.paused) return mayGo(now, quota, emergency, { paused: true, counted: 0, oldestCountedAt: null, lastSentAt: null });
	return mayGo(now, quota, emergency, { paused: false, ...view.counts });
}

/** Must run inside a transaction holding the channel lock (Store.tx with lockChannel). */
export async function decideInTx(q: Queryable, channel: string, quota: QuotaSettings, now: Date, emergency: boolean, cache?: LedgerCache): Promise<Verdict> {
	const read = ledgerRead(channel, weekWindow(now, quota), cache);
	return verdictOn(read.view(await q.batch(read.statements)), quota, now, emergency);
}

export interface QuotaStatus {
	channel: string;
	week: 'iso' | 'rolling';
	limit: number;
	used: number;
	inFlight: number;
	remaining: number;
	emergencies: number;
	windowStart: string;
	windowEnd: string;
	nextReset: string;
	paused: boolean;
}

export async function quotaStatus(q: Queryable, channel: string, quota: QuotaSettings, at: Date): Promise<QuotaStatus> {
	const w = weekWindow(at, quota);
	const read = ledgerRead(channel, w);
	const { head, counts } = read.view(await q.batch(read.statements));
	return {
		channel,
		week: quota.week,
		limit: quota.perWeek,
		used: counts.counted - counts.inFlight,
		inFlight: counts.inFlight,
		remaining: Math.max(0, quota.perWeek - counts.counted),
		emergencies: counts.emergencies,
		windowStart: w.start.toISOString(),
		windowEnd: w.end.toISOString(),
		nextReset: nextReset(at, quota, counts.oldestCountedAt).toISOString(),
		// An unknown channel is treated as paused: fail closed.
		paused: !head || head.paused,
	};
}
