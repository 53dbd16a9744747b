// The ledger: what a channel has used in a week, and the one place a message goes in flight.
// Every claim runs inside a transaction that holds the channel's lock, re-reads the counts there
// and fails closed: in-flight and unknown-outcome messages count as sent.
import { decide, nextReset, weekWindow, type DecideResult } from '../../core/quota';
import type { QuotaSettings } from '../../core/rules';
import type { Queryable } from './store';

export interface LedgerCounts {
	/** Counted messages in the window: sent, in flight, or of unknown outcome. */
	counted: number;
	inFlight: number;
	emergencies: number;
	oldestCountedAt: Date | null;
	lastSentAt: Date | null;
}

/**
 * Everything a decision reads, in one statement (one round trip on PostgreSQL, one step on SQLite):
 * the channel's pause flag, the counted messages of the window (with those in flight and the
 * oldest), the emergencies in flight or sent, and the latest message that went out.
 */
const COUNTS_SQL = `SELECT
	(SELECT paused FROM channels WHERE id = ?) AS paused,
	(SELECT count(*) FROM messages WHERE channel = ? AND emergency = 1 AND counted = 0
		AND state IN ('sending', 'sent') AND claimed_at >= ? AND claimed_at < ?) AS emergencies,
	(SELECT max(claimed_at) FROM messages WHERE channel = ? AND state IN ('sending', 'sent')) AS last_at,
	c.n, c.in_flight, c.oldest
FROM (SELECT count(*) AS n, sum(CASE WHEN state = 'sending' THEN 1 ELSE 0 END) AS in_flight, min(claimed_at) AS oldest
	FROM messages WHERE channel = ? AND counted = 1 AND claimed_at >= ? AND claimed_at < ?) c`;

type CountsRow = { paused: number | null; emergencies: number | null; last_at: number | null; n: number; in_flight: number | null; oldest: number | null };

async function readAll(q: Queryable, channel: string, quota: QuotaSettings, now: Date): Promise<LedgerCounts & { windowStart: Date; windowEnd: Date; paused: boolean }> {
	const w = weekWindow(now, quota);
	const start = w.start.getTime();
	const end = w.end.getTime();
	const row = await q.get<CountsRow>(COUNTS_SQL, [channel, channel, start, end, channel, channel, start, end]);
	return {
		// An unknown channel is treated as paused: fail closed.
		paused: row?.paused == null || Number(row.paused) === 1,
		counted: Number(row?.n ?? 0),
		inFlight: Number(row?.in_flight ?? 0),
		emergencies: Number(row?.emergencies ?? 0),
		oldestCountedAt: row?.oldest != null ? new Date(Number(row.oldest)) : null,
		lastSentAt: row?.last_at != null ? new Date(Number(row.last_at)) : null,
		windowStart: w.start,
		windowEnd: w.end,
	};
}

export async function isPaused(q: Queryable, channel: string): Promise<boolean> {
	const row = await q.get<{ paused: number }>('SELECT paused FROM channels WHERE id = ?', [channel]);
	// An unknown channel is treated as paused: fail closed.
	return !row || Number(row.paused) === 1;
}

/** Must run inside a transaction holding the channel lock (Store.tx with lockChannel). */
export async function decideInTx(q: Queryable, channel: string, quota: QuotaSettings, now: Date, emergency: boolean): Promise<DecideResult> {
	const { paused, ...counts } = await readAll(q, channel, quota, now);
	if (paused) return { allow: false, code: 'paused', until: null };
	return decide({ now, quota, emergency, paused, ...counts });
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
	const { paused, ...counts } = await readAll(q, channel, quota, at);
	return {
		channel,
		week: quota.week,
		limit: quota.perWeek,
		used: counts.counted - counts.inFlight,
		inFlight: counts.inFlight,
		remaining: Math.max(0, quota.perWeek - counts.counted),
		emergencies: counts.emergencies,
		windowStart: counts.windowStart.toISOString(),
		windowEnd: counts.windowEnd.toISOString(),
		nextReset: nextReset(at, quota, counts.oldestCountedAt).toISOString(),
		paused,
	};
}
