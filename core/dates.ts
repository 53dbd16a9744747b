// Dates as sites write them, turned into ISO instants. Dates without a zone are read in the
// comune's zone (Europe/Rome), which makes midnight and the DST weekends come out right.
import { DateTime, IANAZone } from './vendor';

export interface DateOptions {
	zone?: string;
	/** Reference for dates written without a year ("26 agosto" on an event card). */
	now?: Date;
}

const MONTHS: Record<string, number> = {
	gennaio: 1, febbraio: 2, marzo: 3, aprile: 4, maggio: 5, giugno: 6,
	luglio: 7, agosto: 8, settembre: 9, ottobre: 10, novembre: 11, dicembre: 12,
	gen: 1, feb: 2, mar: 3, apr: 4, mag: 5, giu: 6, lug: 7, ago: 8, set: 9, ott: 10, nov: 11, dic: 12,
};

// Day, month word, optional year, optional time ("ore 9.30", ", 16:00", "alle 21"). The year must not
// be the hour of a time ("26 agosto 10:30"), and the day must not be the tail of a longer number.
const ITALIAN_TEXTUAL =
	/(?<!\d)(\d{1,2})\s*(?:°|º)?\s*([a-zà]{3,9})\.?(?:\s+(\d{4}|\d{2})(?![\d:]|\.\d))?(?:[\s,-]+(?:(?:ore|alle|h)\.?\s*)?(\d{1,2})[:.](\d{2})(?!\d))?/giu;
const NUMERIC =
	/(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/])(?:[\s,-]+(?:(?:ore|alle|h)\.?\s*)?(\d{1,2})[:.](\d{2})(?!\d))?/g;
const LOOKS_ISO = /^[+-]?\d{4}|^T?\d{2}:\d{2}/;
const LOOKS_RFC2822 = /\d{1,2}\s+[a-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}/i;
const LOOKS_SQL = /^\d{4}-\d{2}-\d{2}|^\d{2}:\d{2}/;
const HAS_ZONE = /(?:[zZ]|[+-]\d{2}:?\d{2}|\b(?:GMT|UT|UTC|[ECMP][SD]T|CET|CEST)\b)\s*$/;

/** An ISO instant in UTC, or null when the text holds no date we can trust. */
export function toInstant(value: string | Date | null | undefined, options: DateOptions = {}): string | null {
	// The Italian path skips luxon DateTime objects: a 500-card listing reads 500 of these.
	if (typeof value === 'string') {
		const text = value.trim();
		if (text && !LOOKS_ISO.test(text) && !LOOKS_RFC2822.test(text) && !LOOKS_SQL.test(text)) {
			const ms = italianMillis(text, options);
			if (ms !== null) return new Date(ms).toISOString();
		}
	}
	if (typeof value === 'string') {
		const ms = rfc2822Millis(value);
		if (ms !== null) return new Date(ms).toISOString();
	}
	const dt = parseDate(value, options);
	// Date#toISOString gives the same text as luxon's toUTC().toISO(), many times faster.
	return dt ? new Date(dt.toMillis()).toISOString() : null;
}

export function parseDate(value: string | Date | null | undefined, options: DateOptions = {}): DateTime | null {
	if (value === null || value === undefined) return null;
	if (value instanceof Date) return valid(DateTime.fromJSDate(value));
	const text = value.trim();
	if (!text) return null;
	const zone = options.zone ?? 'Europe/Rome';
	// Cheap shape tests first: a listing page parses hundreds of Italian dates, which no luxon
	// format would accept, and each failed attempt costs.
	return (
		(LOOKS_ISO.test(text) ? valid(DateTime.fromISO(text, { zone, setZone: true })) : null) ??
		(LOOKS_RFC2822.test(text) ? valid(DateTime.fromRFC2822(text, { zone, setZone: true })) : null) ??
		(LOOKS_SQL.test(text) ? valid(DateTime.fromSQL(text, { zone, setZone: true })) : null) ??
		parseItalianDate(text, options) ??
		parseWithZone(text)
	);
}

/**
 * Italian dates as the comuni templates print them: "31 gennaio 2023", "28 FEB 2023", "19 Set 22",
 * "19 SETT. 2022", "10/06/2019, 16:00", "lunedì 3 marzo 2025 ore 9.30", "26 agosto" (no year).
 * The first date in the text wins, so "dal 1 maggio 2019 al 4 maggio 2019" gives the start.
 */
export function parseItalianDate(text: string, options: DateOptions = {}): DateTime | null {
	const ms = italianMillis(text, options);
	return ms === null ? null : DateTime.fromMillis(ms, { zone: options.zone ?? 'Europe/Rome' });
}

function italianMillis(text: string, options: DateOptions): number | null {
	const zone = options.zone ?? 'Europe/Rome';
	const lower = text.toLowerCase();
	const textual = firstTextual(lower);
	const numeric = firstMatch(NUMERIC, lower);
	if (textual && (!numeric || textual.index <= numeric.index)) {
		const [, day, , year, hour, minute] = textual;
		return build(zone, options.now, year, textual.month, +day, hour, minute);
	}
	if (numeric) {
		const [, day, month, year, hour, minute] = numeric;
		return build(zone, options.now, year, +month, +day, hour, minute);
	}
	return null;
}

/** A month word: a full name, or an abbreviation of at most four letters ("set", "sett", "genn"). */
export function italianMonth(word: string): number | null {
	const lower = word.toLowerCase().replace(/\.$/, '');
	if (MONTHS[lower]) return MONTHS[lower];
	if (lower.length <= 4) return MONTHS[lower.slice(0, 3)] ?? null;
	return null;
}

function firstTextual(lower: string): (RegExpExecArray & { month: number }) | null {
	ITALIAN_TEXTUAL.lastIndex = 0;
	for (let match = ITALIAN_TEXTUAL.exec(lower); match; match = ITALIAN_TEXTUAL.exec(lower)) {
		const month = italianMonth(match[2]);
		if (month) return Object.assign(match, { month });
		// "15 lun 3 marzo": retry right after the day so the next candidate is not swallowed.
		ITALIAN_TEXTUAL.lastIndex = match.index + match[1].length;
	}
	return null;
}

function firstMatch(pattern: RegExp, text: string): RegExpExecArray | null {
	pattern.lastIndex = 0;
	return pattern.exec(text);
}

function build(
	zone: string,
	now: Date | undefined,
	yearText: string | undefined,
	month: number,
	day: number,
	hour?: string,
	minute?: string,
): number | null {
	const h = hour ? +hour : 0;
	const min = minute ? +minute : 0;
	if (h > 23 || min > 59) return null;
	const nowMs = (now ?? new Date()).getTime();
	const nowYear = new Date(nowMs).getUTCFullYear();
	if (yearText) return localMillis(zone, fullYear(yearText, nowYear), month, day, h, min);
	// No year: the candidate nearest to now (an event card in December showing "3 gennaio" is next
	// year). The nearest one is always within the UTC years around now, whatever the zone.
	let best: number | null = null;
	for (const year of [nowYear - 1, nowYear, nowYear + 1]) {
		const ms = localMillis(zone, year, month, day, h, min);
		if (ms !== null && (best === null || Math.abs(ms - nowMs) < Math.abs(best - nowMs))) best = ms;
	}
	return best;
}

/**
 * Wall-clock time in `zone` to an instant, the way luxon's DateTime.fromObject does it, but with the
 * zone's offsets learnt once per year: luxon asks Intl on every call, which is most of the cost of
 * reading a 500-card listing. Zones that are not IANA names go through luxon.
 */
function localMillis(zone: string, year: number, month: number, day: number, hour: number, minute: number): number | null {
	const tz = ianaZone(zone);
	if (!tz || year < 100 || year > 9999) {
		const dt = DateTime.fromObject({ year, month, day, hour, minute }, { zone });
		return dt.isValid ? dt.toMillis() : null;
	}
	const local = Date.UTC(year, month - 1, day, hour, minute);
	const check = new Date(local);
	if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
	// luxon's fixOffset: guess with the offset at the local time read as UTC, then correct once.
	const o1 = offsetAt(tz, zone, local);
	const guess = local - o1 * 60_000;
	const o2 = offsetAt(tz, zone, guess);
	if (o1 === o2) return guess;
	const corrected = guess - (o2 - o1) * 60_000;
	const o3 = offsetAt(tz, zone, corrected);
	if (o2 === o3) return corrected;
	return local - Math.min(o2, o3) * 60_000;
}

const ZONES = new Map<string, IANAZone | null>();

function ianaZone(name: string): IANAZone | null {
	let zone = ZONES.get(name);
	if (zone === undefined) {
		zone = IANAZone.isValidZone(name) ? IANAZone.create(name) : null;
		ZONES.set(name, zone);
	}
	return zone;
}

/** Per zone and UTC year: the instants where the offset changes, and the offset from there on. */
const TRANSITIONS = new Map<string, Array<[number, number]>>();

function offsetAt(tz: IANAZone, name: string, ms: number): number {
	const year = new Date(ms).getUTCFullYear();
	const key = `${name}|${year}`;
	let table = TRANSITIONS.get(key);
	if (!table) {
		table = yearTransitions(tz, year);
		TRANSITIONS.set(key, table);
	}
	let offset = table[0][1];
	for (const [from, value] of table) {
		if (ms < from) break;
		offset = value;
	}
	return offset;
}

/** Offsets at each month start; where two differ, a binary search finds the minute of the change. */
function yearTransitions(tz: IANAZone, year: number): Array<[number, number]> {
	const starts = Array.from({ length: 13 }, (_, m) => Date.UTC(year, m, 1));
	const offsets = starts.map((ms) => tz.offset(ms));
	const table: Array<[number, number]> = [[starts[0], offsets[0]]];
	for (let m = 0; m < 12; m++) {
		if (offsets[m] === offsets[m + 1]) continue;
		let before = starts[m];
		let after = starts[m + 1];
		while (after - before > 60_000) {
			const mid = before + Math.floor((after - before) / 120_000) * 60_000;
			if (tz.offset(mid) === offsets[m]) before = mid;
			else after = mid;
		}
		table.push([after, offsets[m + 1]]);
	}
	return table;
}

/** "22" is 2022; a two-digit year more than 20 years ahead of now belongs to the last century ("99"). */
function fullYear(text: string, refYear: number): number {
	if (text.length !== 2) return +text;
	const year = 2000 + +text;
	return year > refYear + 20 ? year - 100 : year;
}

function parseWithZone(text: string): DateTime | null {
	if (!HAS_ZONE.test(text)) return null;
	const ms = Date.parse(text);
	return Number.isNaN(ms) ? null : valid(DateTime.fromMillis(ms));
}

function valid(dt: DateTime): DateTime | null {
	return dt.isValid ? dt : null;
}

// RSS's own date ("Mon, 23 Nov 2026 12:00:00 GMT", "+0100"), nearly every item of nearly every feed.
const RFC2822 = /^\s*(?:(mon|tue|wed|thu|fri|sat|sun),\s*)?(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+(?:(gmt|ut|utc|z)|([+-])(\d{2})(\d{2}))\s*$/i;
const RFC_MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const RFC_DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/**
 * The common shape of an RFC 2822 date with a numeric or UTC zone, read without luxon (a 5,000-item
 * feed spent more on luxon objects than on its XML). Anything else, and anything luxon would refuse
 * (a day the month lacks, a weekday that is not that day's), is left to the full parser: null.
 */
function rfc2822Millis(text: string): number | null {
	const match = RFC2822.exec(text);
	if (!match) return null;
	const [, weekday, day, monthName, year, hour, minute, second, utc, sign, offHours, offMinutes] = match;
	const month = RFC_MONTHS.indexOf(monthName.toLowerCase());
	if (+hour > 23 || +minute > 59 || +(second ?? 0) > 59 || +offMinutes > 59) return null;
	const wall = Date.UTC(+year, month, +day, +hour, +minute, +(second ?? 0));
	const check = new Date(wall);
	if (check.getUTCDate() !== +day || check.getUTCMonth() !== month) return null;
	if (weekday && RFC_DAYS[check.getUTCDay()] !== weekday.toLowerCase()) return null;
	const offset = utc ? 0 : (sign === '-' ? -1 : 1) * (+offHours * 60 + +offMinutes);
	return wall - offset * 60_000;
}
