// Clock times and local dates as written in a rules file, read in the comune's zone. Offsets are
// cached per quarter hour (zones change offset on a quarter hour at most): luxon's zone lookup goes
// through Intl and costs more than the whole rest of an evaluation.
import { DateTime, IANAZone } from '../vendor';

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]([01]\d|2[0-3]):([0-5]\d))?$/;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const BUCKET_MS = 15 * MINUTE_MS;
const MAX_CACHED = 200_000;

/** "07:30" → 450 minutes after midnight; null for "25:00", "7.30" or "7:30". */
export function parseClock(text: string): number | null {
	const m = CLOCK.exec(text.trim());
	return m ? +m[1] * 60 + +m[2] : null;
}

/**
 * A period bound. A bare date means the whole day: a start at its midnight, an end at the next
 * midnight (exclusive), so "end: 2026-05-25" covers all of the 25th whatever DST does that night.
 */
export function parseBound(text: string, zone: string, bound: 'start' | 'end'): DateTime | null {
	const m = LOCAL.exec(text.trim());
	if (!m) return null;
	const hasTime = m[4] !== undefined;
	const dt = DateTime.fromObject(
		{ year: +m[1], month: +m[2], day: +m[3], hour: hasTime ? +m[4] : 0, minute: hasTime ? +m[5] : 0 },
		{ zone },
	);
	if (!dt.isValid || dt.day !== +m[3]) return null;
	return bound === 'end' && !hasTime ? dt.plus({ days: 1 }).startOf('day') : dt;
}

const offsets = new Map<string, { zone: IANAZone; byBucket: Map<number, number> }>();

/** Minutes to add to UTC to get the local time in `zone` at instant `ms`. */
export function offsetAt(zone: string, ms: number): number {
	let entry = offsets.get(zone);
	if (!entry) offsets.set(zone, (entry = { zone: IANAZone.create(zone), byBucket: new Map() }));
	const bucket = Math.floor(ms / BUCKET_MS);
	let offset = entry.byBucket.get(bucket);
	if (offset === undefined) {
		offset = entry.zone.offset(ms);
		if (entry.byBucket.size >= MAX_CACHED) entry.byBucket.clear();
		entry.byBucket.set(bucket, offset);
	}
	return offset;
}

/** The first instant of the local day after the one holding `ms` (23 or 25 hours away on DST days). */
export function nextLocalMidnight(zone: string, ms: number): number {
	const local = ms + offsetAt(zone, ms) * MINUTE_MS;
	const nextLocal = Math.floor(local / DAY_MS) * DAY_MS + DAY_MS;
	// Two passes: the offset at the next midnight may differ from today's.
	const guess = nextLocal - offsetAt(zone, nextLocal - offsetAt(zone, ms) * MINUTE_MS) * MINUTE_MS;
	return nextLocal - offsetAt(zone, guess) * MINUTE_MS;
}

/** dd/MM/yyyy in the comune's zone, as reasons show dates. */
export function localDate(iso: string, zone: string): string {
	return localParts(iso, zone).slice(0, 10);
}

/** dd/MM/yyyy HH:mm in the comune's zone. */
export function localDateTime(iso: string, zone: string): string {
	return localParts(iso, zone);
}

function localParts(iso: string, zone: string): string {
	const ms = Date.parse(iso);
	const d = new Date(ms + offsetAt(zone, ms) * MINUTE_MS);
	const two = (n: number): string => String(n).padStart(2, '0');
	return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}
