// The one quota decision: given what the ledger read inside its transaction, may a message go now?
import type { QuotaSettings } from '../rules/types';
import { pacingAllowance } from './pacing';
import { inQuietHours, quietHoursEnd } from './quiet';
import { DEFAULT_ZONE, nextMidnight, nextReset } from './window';

export type RefusalCode = 'paused' | 'quota_exhausted' | 'quiet_hours' | 'spacing' | 'pacing';

export interface DecideInput {
	now: Date;
	quota: QuotaSettings;
	zone?: string;
	emergency: boolean;
	paused: boolean;
	/** Counted messages (sent, in flight, or of unknown outcome) in the window of `now`. */
	counted: number;
	/** The oldest of them: when a rolling window makes room again. */
	oldestCountedAt: Date | null;
	/** The latest message that went out or is in flight, emergencies included. */
	lastSentAt: Date | null;
}

export type DecideResult =
	| { allow: true; counts: boolean }
	/** `until` null: no time is known (a paused channel waits for a person). */
	| { allow: false; code: RefusalCode; until: Date | null };

/**
 * Checked in order: paused, emergencies (exempt ones skip everything else), the weekly limit,
 * quiet hours, pacing, spacing. Emergencies never wait for quiet hours, pacing or spacing.
 */
export function decide(input: DecideInput): DecideResult {
	const { now, quota, emergency } = input;
	const zone = input.zone ?? DEFAULT_ZONE;
	if (input.paused) return { allow: false, code: 'paused', until: null };
	const exempt = emergency && quota.emergenciesExempt;
	if (exempt) return { allow: true, counts: false };
	if (!(input.counted < quota.perWeek)) {
		let until = nextReset(now, quota, input.oldestCountedAt, zone);
		if (until.getTime() <= now.getTime()) until = new Date(now.getTime() + 60_000);
		return { allow: false, code: 'quota_exhausted', until };
	}
	if (emergency) return { allow: true, counts: true };
	if (inQuietHours(now, quota.quietHours, zone)) {
		return { allow: false, code: 'quiet_hours', until: quietHoursEnd(now, quota.quietHours, zone) };
	}
	if (quota.pacing && quota.week === 'iso' && !(input.counted < pacingAllowance(now, quota.perWeek, zone))) {
		return { allow: false, code: 'pacing', until: nextMidnight(now, zone) };
	}
	if (quota.minSpacingMinutes > 0 && input.lastSentAt) {
		const ready = input.lastSentAt.getTime() + quota.minSpacingMinutes * 60_000;
		if (ready > now.getTime()) return { allow: false, code: 'spacing', until: new Date(ready) };
	}
	return { allow: true, counts: true };
}
