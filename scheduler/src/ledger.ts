// The ledger: what a channel has used in a week, and the one place a message goes in flight.
// Every claim runs inside a transaction that holds the channel's lock, re-reads the counts there
// and fails closed: in-flight and unknown-outcome messages count as sent.
import { nextReset, weekWindow } from '../../core/quota';
import type { QuotaSettings } from '../../core/rules';
import type { Queryable } from './store';
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
const COUNTS_SQL = `SELECT
	(SELECT count(*) FROM messages WHERE channel = ? AND emergency = 1 AND counted = 0
		AND state IN ('sending', 'sent') AND claimed_at >= ? AND claimed_at < ?) AS emergencies,
	(SELECT max(claimed_at) FROM messages WHERE channel = ? AND claimed_at IS NOT NULL AND state IN ('sending', 'sent')) AS last_at,
	c.n, c.in_flight, c.oldest
FROM (SELECT count(*) AS n, sum(CASE WHEN state = 'sending' THEN 1 ELSE 0 END) AS in_flight, min(claimed_at) AS oldest
	FROM messages WHERE channel = ? AND counted = 1 AND claimed_at >= ? AND claimed_at < ?) c`;

type CountsRow = { emergencies: number | null; last_at: number | null; n: number; in_flight: number | null; oldest: number | null };
type Head = { paused: number; ledger_version: number | string };
type Window = { start: Date; end: Date };

async function readCounts(q: Queryable, channel: string, w: Window): Promise<LedgerCounts> {
	const start = w.start.getTime();
	const end = w.end.getTime();
	const row = await q.get<CountsRow>(COUNTS_SQL, [channel, start, end, channel, channel, start, end]);
	return {
		counted: Number(row?.n ?? 0),
		inFlight: Number(row?.in_flight ?? 0),
		emergencies: Number(row?.emergencies ?? 0),
		oldestCountedAt: row?.oldest != null ? new Date(Number(row.oldest)) : null,
		lastSentAt: row?.last_at != null ? new Date(Number(row.last_at)) : null,
	};
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
	private readonly entries = new Map<string, { version: string; start: number; end: number; counts: LedgerCounts }>();

	async counts(q: Queryable, channel: string, version: string, w: Window): Promise<LedgerCounts> {
		const hit = this.entries.get(channel);
		if (hit && hit.version === version && hit.start === w.start.getTime() && hit.end === w.end.getTime()) return hit.counts;
		const counts = await readCounts(q, channel, w);
		this.entries.set(channel, { version, start: w.start.getTime(), end: w.end.getTime(), counts });
		return counts;
	}
}

async function readHead(q: Queryable, channel: string): Promise<Head | undefined> {
	return q.get<Head>('SELECT paused, ledger_version FROM channels WHERE id = ?', [channel]);
}

/** Must run inside a transaction holding the channel lock (Store.tx with lockChannel). */
export async function decideInTx(q: Queryable, channel: string, quota: QuotaSettings, now: Date, emergency: boolean, cache?: LedgerCache): Promise<Verdict> {
	const head = await readHead(q, channel);
	// An unknown channel is treated as paused: fail closed.
	if (!head || Number(head.paused) === 1) return mayGo(now, quota, emergency, { paused: true, counted: 0, oldestCountedAt: null, lastSentAt: null });
	const w = weekWindow(now, quota);
	const counts = cache ? await cache.counts(q, channel, String(head.ledger_version), w) : await readCounts(q, channel, w);
	return mayGo(now, quota, emergency, { paused: false, ...counts });
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
	const head = await readHead(q, channel);
	const w = weekWindow(at, quota);
	const counts = await readCounts(q, channel, w);
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
		paused: !head || Number(head.paused) === 1,
	};
}
