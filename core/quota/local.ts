// Local wall-clock parts of an instant in a zone, memoised per zone for the current UTC minute.
// Every quota decision needs them (week window, quiet hours, pacing) and luxon's zone maths costs
// tens of microseconds per call; under load nearly all decisions fall in the same minute.
// Correct because every zone offset since 1970 is a whole number of minutes: two instants in the
// same UTC minute are in the same local minute. Before 1970 nothing is memoised.
import { DateTime } from '../vendor';

export interface LocalParts {
	/** First millisecond of the UTC minute these parts hold for. */
	minuteMs: number;
	hour: number;
	minute: number;
	/** 1 = Monday … 7 = Sunday. */
	weekday: number;
}

const memo = new Map<string, LocalParts>();

export function localParts(at: Date, zone: string): LocalParts {
	const ms = at.getTime();
	const minuteMs = Math.floor(ms / 60_000) * 60_000;
	const hit = memo.get(zone);
	if (hit && hit.minuteMs === minuteMs) return hit;
	const local = DateTime.fromJSDate(at, { zone });
	const parts = { minuteMs, hour: local.hour, minute: local.minute, weekday: local.weekday };
	if (ms >= 0 && local.isValid) memo.set(zone, parts);
	return parts;
}
