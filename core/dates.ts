// Dates as sites write them, turned into ISO instants. Dates without a zone are read in the
// comune's zone (Europe/Rome), which makes midnight and the DST weekends come out right.
import { DateTime } from './vendor';

export interface DateOptions {
	zone?: string;
	/** Reference for dates written without a year ("26 agosto" on an event card). */
	now?: Date;
}

const MONTHS: Record<string, number> = {
	gennaio: 1, febbraio: 2, marzo: 3, aprile: 4, maggio: 5, giugno: 6,
	luglio: 7, agosto: 8, settembre: 9, ottobre: 10, novembre: 11, dicembre: 12,
	gen: 1, feb: 2, mar: 3, apr: 4, mag: 5, giu: 6, lug: 7, ago: 8, set: 9, sett: 9, ott: 10, nov: 11, dic: 12,
};

const ITALIAN_TEXTUAL =
	/(\d{1,2})\s*(?:°|º)?\s+([a-zà]{3,9})\.?(?:\s+(\d{4}|\d{2})(?!\d))?(?:[\s,]+(?:ore\s+)?(\d{1,2})[:.](\d{2}))?/i;
const NUMERIC = /\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b(?:[\s,]+(?:ore\s+)?(\d{1,2})[:.](\d{2}))?/;
const HAS_ZONE = /(?:[zZ]|[+-]\d{2}:?\d{2}|\b(?:GMT|UT|UTC|[ECMP][SD]T|CET|CEST)\b)\s*$/;

/** An ISO instant in UTC, or null when the text holds no date we can trust. */
export function toInstant(value: string | Date | null | undefined, options: DateOptions = {}): string | null {
	const dt = parseDate(value, options);
	return dt ? (dt.toUTC().toISO() as string) : null;
}

export function parseDate(value: string | Date | null | undefined, options: DateOptions = {}): DateTime | null {
	if (value === null || value === undefined) return null;
	if (value instanceof Date) return valid(DateTime.fromJSDate(value));
	const text = value.trim();
	if (!text) return null;
	const zone = options.zone ?? 'Europe/Rome';
	return (
		valid(DateTime.fromISO(text, { zone, setZone: true })) ??
		valid(DateTime.fromRFC2822(text, { zone, setZone: true })) ??
		valid(DateTime.fromSQL(text, { zone, setZone: true })) ??
		parseItalianDate(text, options) ??
		parseWithZone(text)
	);
}

/**
 * Italian dates as the comuni templates print them: "31 gennaio 2023", "28 FEB 2023", "19 Set 22",
 * "10/06/2019, 16:00", "lunedì 3 marzo 2025 ore 9.30", "26 agosto" (no year).
 */
export function parseItalianDate(text: string, options: DateOptions = {}): DateTime | null {
	const zone = options.zone ?? 'Europe/Rome';
	const lower = text.toLocaleLowerCase('it');
	const textual = ITALIAN_TEXTUAL.exec(lower);
	if (textual) {
		const month = MONTHS[textual[2]] ?? MONTHS[textual[2].slice(0, 3)];
		if (month && (MONTHS[textual[2]] || textual[2].length <= 4)) {
			return build(zone, options.now, textual[3], month, +textual[1], textual[4], textual[5]);
		}
	}
	const numeric = NUMERIC.exec(lower);
	if (numeric) return build(zone, options.now, numeric[3], +numeric[2], +numeric[1], numeric[4], numeric[5]);
	return null;
}

function build(
	zone: string,
	now: Date | undefined,
	yearText: string | undefined,
	month: number,
	day: number,
	hour?: string,
	minute?: string,
): DateTime | null {
	const time = { hour: hour ? +hour : 0, minute: minute ? +minute : 0 };
	if (yearText) {
		const year = yearText.length === 2 ? 2000 + +yearText : +yearText;
		return valid(DateTime.fromObject({ year, month, day, ...time }, { zone }));
	}
	// No year: the candidate nearest to now (an event card in December showing "3 gennaio" is next year).
	const ref = now ? DateTime.fromJSDate(now, { zone }) : DateTime.now().setZone(zone);
	const candidates = [ref.year - 1, ref.year, ref.year + 1]
		.map((year) => valid(DateTime.fromObject({ year, month, day, ...time }, { zone })))
		.filter((dt): dt is DateTime => dt !== null);
	candidates.sort((a, b) => Math.abs(a.diff(ref).toMillis()) - Math.abs(b.diff(ref).toMillis()));
	return candidates[0] ?? null;
}

function parseWithZone(text: string): DateTime | null {
	if (!HAS_ZONE.test(text)) return null;
	const ms = Date.parse(text);
	return Number.isNaN(ms) ? null : valid(DateTime.fromMillis(ms));
}

function valid(dt: DateTime): DateTime | null {
	return dt.isValid ? dt : null;
}
