// Week windows, quiet hours, pacing and the quota decision, in Europe/Rome, across DST and ISO week 53.
import { decide, inQuietHours, nextReset, pacingAllowance, quietHoursEnd, weekWindow, type DecideInput } from '../../core/quota';
import type { QuietHours, QuotaSettings } from '../../core/rules';

const iso = (s: string): Date => new Date(s);
const QUIET: QuietHours = { from: '21:00', to: '07:30', fromMinute: 21 * 60, toMinute: 7 * 60 + 30 };
const QUOTA: QuotaSettings = { perWeek: 10, week: 'iso', emergenciesExempt: true, minSpacingMinutes: 0, quietHours: null, pacing: false };

describe('weekWindow (ISO, Europe/Rome)', () => {
	test.each([
		// at (UTC), key, start (UTC), end (UTC)
		['2026-03-25T12:00:00Z', '2026-W13', '2026-03-22T23:00:00.000Z', '2026-03-29T22:00:00.000Z'], // DST starts Sun 29 Mar: 167 h week
		['2026-03-29T21:59:59Z', '2026-W13', '2026-03-22T23:00:00.000Z', '2026-03-29T22:00:00.000Z'], // Sun 23:59:59 CEST
		['2026-03-29T22:00:00Z', '2026-W14', '2026-03-29T22:00:00.000Z', '2026-04-05T22:00:00.000Z'], // Mon 00:00 CEST
		['2026-10-25T22:59:59Z', '2026-W43', '2026-10-18T22:00:00.000Z', '2026-10-25T23:00:00.000Z'], // DST ends Sun 25 Oct: 169 h week
		['2026-10-25T23:00:00Z', '2026-W44', '2026-10-25T23:00:00.000Z', '2026-11-01T23:00:00.000Z'], // Mon 00:00 CET
		['2026-12-28T00:00:00Z', '2026-W53', '2026-12-27T23:00:00.000Z', '2027-01-03T23:00:00.000Z'], // ISO week 53
		['2027-01-03T22:59:59Z', '2026-W53', '2026-12-27T23:00:00.000Z', '2027-01-03T23:00:00.000Z'], // Sun 3 Jan 23:59:59, still 2026-W53
		['2027-01-03T23:00:00Z', '2027-W01', '2027-01-03T23:00:00.000Z', '2027-01-10T23:00:00.000Z'],
		['2026-12-27T22:59:59Z', '2026-W52', '2026-12-20T23:00:00.000Z', '2026-12-27T23:00:00.000Z'],
	])('%s is in %s', (at, key, start, end) => {
		const w = weekWindow(iso(at), QUOTA);
		expect([w.key, w.start.toISOString(), w.end.toISOString()]).toEqual([key, start, end]);
		expect(nextReset(iso(at), QUOTA, null).toISOString()).toBe(end);
	});

	test('rolling: the 7 days of elapsed time ending at the instant', () => {
		const w = weekWindow(iso('2026-03-30T10:00:00Z'), { week: 'rolling' });
		// Exactly 7 days: a message sent at 10:00 on the 23rd has left the window at 10:00 on the 30th.
		expect(w.start.toISOString()).toBe('2026-03-23T10:00:00.001Z');
		expect(w.end.getTime() - w.start.getTime()).toBe(7 * 86_400_000);
		expect(nextReset(iso('2026-03-30T10:00:00Z'), { week: 'rolling' }, iso('2026-03-25T08:00:00Z')).toISOString()).toBe('2026-04-01T08:00:00.000Z');
	});
});

describe('quiet hours across midnight', () => {
	test.each([
		// at (UTC), quiet?, end (UTC) when quiet
		['2026-06-10T18:59:00Z', false, null], // 20:59 CEST
		['2026-06-10T19:00:00Z', true, '2026-06-11T05:30:00.000Z'], // 21:00 → 07:30 next day
		['2026-06-10T21:59:00Z', true, '2026-06-11T05:30:00.000Z'], // 23:59
		['2026-06-10T22:00:00Z', true, '2026-06-11T05:30:00.000Z'], // 00:00 local
		['2026-06-11T05:29:00Z', true, '2026-06-11T05:30:00.000Z'], // 07:29
		['2026-06-11T05:30:00Z', false, null], // 07:30
		['2026-03-28T21:30:00Z', true, '2026-03-29T05:30:00.000Z'], // night of the spring DST change: 07:30 CEST
		['2026-10-24T20:30:00Z', true, '2026-10-25T06:30:00.000Z'], // night of the autumn DST change: 07:30 CET
		['2026-12-31T22:30:00Z', true, '2027-01-01T06:30:00.000Z'], // across the new year
	])('%s quiet=%s', (at, quiet, end) => {
		expect(inQuietHours(iso(at), QUIET)).toBe(quiet);
		expect(quietHoursEnd(iso(at), QUIET).toISOString()).toBe(end ?? iso(at).toISOString());
	});

	test('quiet hours within a day', () => {
		const day: QuietHours = { from: '12:00', to: '14:00', fromMinute: 720, toMinute: 840 };
		expect(inQuietHours(iso('2026-06-10T10:30:00Z'), day)).toBe(true);
		expect(inQuietHours(iso('2026-06-10T12:00:00Z'), day)).toBe(false);
		expect(quietHoursEnd(iso('2026-06-10T10:30:00Z'), day).toISOString()).toBe('2026-06-10T12:00:00.000Z');
	});
});

test.each([
	['2026-03-23T10:00:00Z', 2], // Monday
	['2026-03-24T10:00:00Z', 3],
	['2026-03-25T10:00:00Z', 5],
	['2026-03-26T10:00:00Z', 6],
	['2026-03-27T10:00:00Z', 8], // Friday
	['2026-03-28T10:00:00Z', 9],
	['2026-03-29T10:00:00Z', 10], // Sunday
])('pacing allowance on %s is %i of 10', (at, allowance) => {
	expect(pacingAllowance(iso(at), 10)).toBe(allowance);
});

describe('decide', () => {
	const base = (over: Partial<DecideInput>): DecideInput => ({
		now: iso('2026-03-25T10:00:00Z'),
		quota: QUOTA,
		emergency: false,
		paused: false,
		counted: 0,
		oldestCountedAt: null,
		lastSentAt: null,
		...over,
	});
	const quota = (over: Partial<QuotaSettings>): QuotaSettings => ({ ...QUOTA, ...over });

	test.each<[string, Partial<DecideInput>, string, string | null]>([
		['room left', { counted: 9 }, 'allow', null],
		['limit reached: next Monday 00:00 (after the spring DST change)', { counted: 10 }, 'quota_exhausted', '2026-03-29T22:00:00.000Z'],
		['limit reached in ISO week 53', { counted: 10, now: iso('2027-01-03T22:59:59Z') }, 'quota_exhausted', '2027-01-03T23:00:00.000Z'],
		['exempt emergency beyond the limit', { counted: 10, emergency: true }, 'allow', null],
		['counted emergency at the limit', { counted: 10, emergency: true, quota: quota({ emergenciesExempt: false }) }, 'quota_exhausted', '2026-03-29T22:00:00.000Z'],
		['paused, even an emergency', { paused: true, emergency: true }, 'paused', null],
		['quiet hours', { now: iso('2026-03-25T21:00:00Z'), quota: quota({ quietHours: QUIET }) }, 'quiet_hours', '2026-03-26T06:30:00.000Z'],
		['emergency in quiet hours', { now: iso('2026-03-25T21:00:00Z'), emergency: true, quota: quota({ quietHours: QUIET }) }, 'allow', null],
		['spacing', { lastSentAt: iso('2026-03-25T09:30:00Z'), quota: quota({ minSpacingMinutes: 60 }) }, 'spacing', '2026-03-25T10:30:00.000Z'],
		['spacing elapsed', { lastSentAt: iso('2026-03-25T09:00:00Z'), quota: quota({ minSpacingMinutes: 60 }) }, 'allow', null],
		['pacing: Wednesday allows 5', { counted: 5, quota: quota({ pacing: true }) }, 'pacing', '2026-03-25T23:00:00.000Z'],
		['pacing: Friday allows 8', { counted: 7, now: iso('2026-03-27T10:00:00Z'), quota: quota({ pacing: true }) }, 'allow', null],
		['rolling: room when the oldest leaves', { counted: 10, oldestCountedAt: iso('2026-03-20T08:00:00Z'), quota: quota({ week: 'rolling' }) }, 'quota_exhausted', '2026-03-27T08:00:00.000Z'],
	])('%s', (_name, over, verdict, until) => {
		const result = decide(base(over));
		if (result.allow) expect(verdict).toBe('allow');
		else expect([result.code, result.until?.toISOString() ?? null]).toEqual([verdict, until]);
	});
});
