// Week windows of the weekly limit, in the comune's zone: the ISO week (Monday 00:00 to the next
// Monday 00:00, whatever DST does that weekend) or the 7 days ending at an instant.
import { DateTime } from '../vendor';
import type { QuotaSettings } from '../rules/types';

export const DEFAULT_ZONE = 'Europe/Rome';
const ROLLING_MS = 7 * 86_400_000;

export interface WeekWindow {
	/** `2026-W53` for an ISO week; `rolling` for a rolling window. */
	key: string;
	/** Inclusive. */
	start: Date;
	/** Exclusive. */
	end: Date;
}

/** The last ISO week computed per zone: every instant in [start, end) has that same week. */
const lastIsoWeek = new Map<string, { key: string; start: number; end: number }>();

export function weekWindow(at: Date, quota: Pick<QuotaSettings, 'week'>, zone = DEFAULT_ZONE): WeekWindow {
	if (quota.week === 'rolling') {
		// The 7 days of elapsed time ending at `at`, (at − 7 days, at]: a DST weekend does not stretch or
		// shrink them, and a message sent at t leaves the window at t + 7 days, when nextReset says.
		return { key: 'rolling', start: new Date(at.getTime() - ROLLING_MS + 1), end: new Date(at.getTime() + 1) };
	}
	const ms = at.getTime();
	const hit = lastIsoWeek.get(zone);
	// Fresh Date objects each time: callers may keep or mutate them.
	if (hit && hit.start <= ms && ms < hit.end) return { key: hit.key, start: new Date(hit.start), end: new Date(hit.end) };
	const w = isoWeek(at, zone);
	if (Number.isFinite(w.start.getTime()) && Number.isFinite(w.end.getTime())) lastIsoWeek.set(zone, { key: w.key, start: w.start.getTime(), end: w.end.getTime() });
	return w;
}

function isoWeek(at: Date, zone: string): WeekWindow {
	const local = DateTime.fromJSDate(at, { zone });
	const start = local.startOf('week');
	// Calendar arithmetic: next Monday at 00:00 local, 167 or 169 hours later on DST weekends.
	const end = start.plus({ weeks: 1 });
	const key = `${start.weekYear}-W${String(start.weekNumber).padStart(2, '0')}`;
	return { key, start: start.toJSDate(), end: end.toJSDate() };
}

/**
 * When room is next made in the window of `at`: the next Monday 00:00 for ISO weeks; for a rolling
 * window, when the oldest counted message of the last 7 days leaves it (now when none is counted).
 */
export function nextReset(at: Date, quota: Pick<QuotaSettings, 'week'>, oldestCountedAt: Date | null, zone = DEFAULT_ZONE): Date {
	if (quota.week === 'rolling') return oldestCountedAt ? new Date(oldestCountedAt.getTime() + ROLLING_MS) : at;
	return weekWindow(at, quota, zone).end;
}

/** The next local midnight after `at`. */
export function nextMidnight(at: Date, zone = DEFAULT_ZONE): Date {
	return DateTime.fromJSDate(at, { zone }).startOf('day').plus({ days: 1 }).toJSDate();
}
