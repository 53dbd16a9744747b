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

export async function readCounts(q: Queryable, channel: string, quota: QuotaSettings, now: Date): Promise<LedgerCounts & { windowStart: Date; windowEnd: Date }> {
	const w = weekWindow(now, quota);
	const range = [channel, w.start.getTime(), w.end.getTime()];
	const counted = await q.get<{ n: number; in_flight: number | null; oldest: number | null }>(
		`SELECT count(*) AS n, sum(CASE WHEN state = 'sending' THEN 1 ELSE 0 END) AS in_flight, min(claimed_at) AS oldest
		FROM messages WHERE channel = ? AND counted = 1 AND claimed_at >= ? AND claimed_at < ?`,
		range,
	);
	const emergencies = await q.get<{ n: number }>(
		`SELECT count(*) AS n FROM messages WHERE channel = ? AND emergency = 1 AND counted = 0
		AND state IN ('sending', 'sent') AND claimed_at >= ? AND claimed_at < ?`,
		range,
	);
	const last = await q.get<{ at: number | null }>(`SELECT max(claimed_at) AS at FROM messages WHERE channel = ? AND state IN ('sending', 'sent')`, [channel]);
	return {
		counted: Number(counted?.n ?? 0),
		inFlight: Number(counted?.in_flight ?? 0),
		emergencies: Number(emergencies?.n ?? 0),
		oldestCountedAt: counted?.oldest != null ? new Date(Number(counted.oldest)) : null,
		lastSentAt: last?.at != null ? new Date(Number(last.at)) : null,
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
	const paused = await isPaused(q, channel);
	if (paused) return { allow: false, code: 'paused', until: null };
	const counts = await readCounts(q, channel, quota, now);
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
	const counts = await readCounts(q, channel, quota, at);
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
		paused: await isPaused(q, channel),
	};
}
