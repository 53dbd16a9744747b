// Quiet hours: a daily interval of local clock time, possibly across midnight (21:00–07:30).
import { DateTime } from '../vendor';
import type { QuietHours } from '../rules/types';
import { localParts } from './local';
import { DEFAULT_ZONE } from './window';

function minuteOfDay(local: DateTime): number {
	return local.hour * 60 + local.minute;
}

export function inQuietHours(at: Date, quiet: QuietHours | null, zone = DEFAULT_ZONE): boolean {
	if (!quiet || quiet.fromMinute === quiet.toMinute) return false;
	const local = localParts(at, zone);
	const m = local.hour * 60 + local.minute;
	if (quiet.fromMinute < quiet.toMinute) return m >= quiet.fromMinute && m < quiet.toMinute;
	return m >= quiet.fromMinute || m < quiet.toMinute;
}

/** When the quiet hours that contain `at` end; `at` itself when it is not in quiet hours. */
export function quietHoursEnd(at: Date, quiet: QuietHours | null, zone = DEFAULT_ZONE): Date {
	if (!quiet || !inQuietHours(at, quiet, zone)) return at;
	const local = DateTime.fromJSDate(at, { zone });
	const m = minuteOfDay(local);
	// set() keeps the wall clock on DST days, where startOf('day').plus({minutes}) would drift an hour.
	const day = m < quiet.toMinute ? local : local.plus({ days: 1 });
	return day.set({ hour: Math.floor(quiet.toMinute / 60), minute: quiet.toMinute % 60, second: 0, millisecond: 0 }).toJSDate();
}
