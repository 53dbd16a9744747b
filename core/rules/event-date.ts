// The date(s) of the event an item announces, read from its Italian title or summary, so expiry can
// follow the event's own last day rather than the day of publication. Pure: (text, published, zone).
//
// Read (accents and case ignored):
//   "domenica 14 dicembre", "14 dicembre 2025", "1° maggio", "venerdì 27 novembre ore 21"
//   "dal 2 al 6 dicembre", "dal 28 novembre al 3 dicembre 2025", "dall'8 all'11 gennaio", "2-6 dicembre"
//   "sabato 7 e domenica 8 giugno", "7, 8 e 9 giugno"
//   "fino al 6 gennaio" (an exhibition, a road closure: from publication to that day)
//   "14/12/2025", "14.12.25", "14-12-2025", "14/12", "14.12" (without a year: "/", or "." with a
//   two-digit month, so "versione 2.1" is no date)
// Not the event's date, so skipped:
//   deadlines: "entro il 14 dicembre", "entro e non oltre il …", "scadenza 14 dicembre", "scade il …",
//   "termine del …", "iscrizioni/domande/prenotazioni fino al …";
//   references to acts and publication: "ordinanza n. 12 del 3 marzo", "prot. 123 del …",
//   "pubblicato il …", "aggiornato il …", "approvato il …", "in data …";
//   clock times that look like dates: "ore 21.12", "alle 10.11", "h 9.12".
// A date without a year is the next one on or after GRACE_DAYS before publication (announced in
// December, "6 gennaio" is next year's; reported on the 16th, "domenica 14 dicembre" is this year's).
// When a text gives several dates, the result spans them all, first day to last: expiry must not
// come before the last day the item speaks of.
import { DateTime } from '../vendor';
import { fold } from './match';

export interface EventDates {
	/** First day of the event, local date yyyy-MM-dd in the zone given. */
	start: string;
	/** Last day of the event: it is over at the next local midnight (see eventExpiresAt). */
	end: string;
}

/** How far before publication a date without a year may still be: reports come a few days later. */
export const GRACE_DAYS = 7;

const WEEKDAY = '(?:(?:lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica)\\s+)?';
const DAY = '(\\d{1,2}|primo)(?:°|º)?';
const MONTH =
	'(gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre|' +
	'gen|feb|mar|apr|mag|giu|lug|ago|sett|set|ott|nov|dic)\\b\\.?';
const YEAR = '(?:\\s+(\\d{4})\\b)?';
const FROM = "(?:dal|da|dall['’]\\s*)";
const TO = "(?:al|a|all['’]\\s*|fino\\s+al|fino\\s+a|fino\\s+all['’]\\s*)";

type Kind = 'range' | 'dash' | 'list' | 'until' | 'numeric' | 'single';

const PATTERNS: Array<[Kind, RegExp]> = [
	['range', new RegExp(`\\b${FROM}\\s*${WEEKDAY}${DAY}(?:\\s+${MONTH}${YEAR})?\\s+${TO}\\s*${WEEKDAY}${DAY}\\s+${MONTH}${YEAR}`, 'g')],
	['dash', new RegExp(`\\b${DAY}\\s*[-–]\\s*${DAY}\\s+${MONTH}${YEAR}`, 'g')],
	['list', new RegExp(`\\b${WEEKDAY}${DAY}((?:\\s*,\\s*${WEEKDAY}\\d{1,2})*)\\s+e\\s+${WEEKDAY}${DAY}\\s+${MONTH}${YEAR}`, 'g')],
	['until', new RegExp(`\\bfino\\s+a(?:l|ll['’])?\\s*${WEEKDAY}${DAY}\\s+${MONTH}${YEAR}`, 'g')],
	['numeric', /(?<![\d/.,-])(\d{1,2})([./-])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\d/.-]?\d)/g],
	['single', new RegExp(`\\b${WEEKDAY}${DAY}\\s+${MONTH}${YEAR}`, 'g')],
];

const MONTHS: Record<string, number> = {
	gen: 1, feb: 2, mar: 3, apr: 4, mag: 5, giu: 6, lug: 7, ago: 8, set: 9, sett: 9, ott: 10, nov: 11, dic: 12,
	gennaio: 1, febbraio: 2, marzo: 3, aprile: 4, maggio: 5, giugno: 6,
	luglio: 7, agosto: 8, settembre: 9, ottobre: 10, novembre: 11, dicembre: 12,
};

/** The words before a date that make it a deadline or a reference, not the event's day. */
const NOT_EVENT = new RegExp(
	'(?:\\bentro|\\boltre|\\bscadenza|\\bscade|\\btermine|\\bpubblicat[aoie]|\\baggiornat[aoie]|\\bapprovat[aoie]' +
		'|\\bin data|\\bn\\.?\\s*\\d+(?:\\s*/\\s*\\d+)?\\s+del|\\bprot(?:ocollo|\\.)?\\s*(?:n\\.?)?\\s*\\d+\\s+del)' +
		`\\s*(?:il\\s+|l['’]\\s*|del(?:l['’])?\\s*|al(?:l['’])?\\s*|:\\s*)?${WEEKDAY}$`,
);
/** "iscrizioni fino al 30 novembre" is when sign-up closes. */
const SIGNUP = /\b(?:iscrizion|domand|candidatur|adesion|prenotazion|richiest)\w*\s+(?:aperte\s+|accolte\s+|possibili\s+)?$/;
/** "ore 21.12": a time. */
const CLOCK = /(?:\bore|\balle|\bdalle|\bh)\s*$/;

interface Found {
	kind: Kind;
	at: number;
	to: number;
	m: RegExpExecArray;
}

type MonthDay = { day: number; month: number; year: number | null };

/**
 * The first and last local day of the event the text announces, or null when it names no date.
 * `publishedAt` decides the year of dates written without one; `zone` is the comune's.
 */
export function eventDates(text: string, publishedAt: Date, zone = 'Europe/Rome'): EventDates | null {
	if (!text || !(publishedAt instanceof Date) || !Number.isFinite(publishedAt.getTime())) return null;
	const plain = fold(text);
	const published = DateTime.fromJSDate(publishedAt, { zone }).startOf('day');
	if (!published.isValid) return null;
	const notBefore = published.minus({ days: GRACE_DAYS });

	let first: DateTime | null = null;
	let last: DateTime | null = null;
	for (const found of scan(plain)) {
		const span = resolve(found, notBefore, published, zone);
		// A day long past when published is a reference (a law "del 10 dicembre 1993", a memory), not the event's.
		if (!span || span[1] < notBefore) continue;
		if (!first || span[0] < first) first = span[0];
		if (!last || span[1] > last) last = span[1];
	}
	if (!first || !last) return null;
	return { start: first.toISODate() as string, end: last.toISODate() as string };
}

/** The first instant after the event: the local midnight after its last day (23 or 25 hours on DST days). */
export function eventExpiresAt(end: string, zone = 'Europe/Rome'): Date | null {
	const day = DateTime.fromISO(end, { zone });
	return day.isValid ? day.startOf('day').plus({ days: 1 }).toJSDate() : null;
}

/** Every date expression, widest kinds first; a narrower one inside a wider one is the same date. */
function scan(plain: string): Found[] {
	const taken: Array<[number, number]> = [];
	const out: Found[] = [];
	for (const [kind, pattern] of PATTERNS) {
		pattern.lastIndex = 0;
		for (let m = pattern.exec(plain); m; m = pattern.exec(plain)) {
			const at = m.index;
			const to = at + m[0].length;
			if (taken.some(([a, b]) => at < b && to > a)) continue;
			taken.push([at, to]);
			const before = plain.slice(Math.max(0, at - 60), at);
			if (NOT_EVENT.test(before)) continue;
			if (kind === 'until' && SIGNUP.test(before)) continue;
			if (kind === 'numeric' && CLOCK.test(before)) continue;
			out.push({ kind, at, to, m });
		}
	}
	return out.sort((a, b) => a.at - b.at);
}

function dayOf(text: string): number {
	return text === 'primo' ? 1 : Number(text);
}

function yearOf(text: string | undefined): number | null {
	if (!text) return null;
	const n = Number(text);
	return text.length === 2 ? 2000 + n : n;
}

/** A local date, or null when it does not exist (31 novembre, 29 febbraio 2025). */
function date(year: number, month: number, day: number, zone: string): DateTime | null {
	const d = DateTime.fromObject({ year, month, day }, { zone });
	return d.isValid && d.day === day && d.month === month ? d.startOf('day') : null;
}

/** The given year, or the next occurrence on or after `notBefore`. */
function onOrAfter(md: MonthDay, notBefore: DateTime, zone: string): DateTime | null {
	if (md.year !== null) return date(md.year, md.month, md.day, zone);
	for (let year = notBefore.year; year <= notBefore.year + 4; year++) {
		const d = date(year, md.month, md.day, zone);
		if (d && d >= notBefore) return d;
	}
	return null;
}

/** The given year, or the latest occurrence on or before `end` (the start of a range ending there). */
function onOrBefore(md: MonthDay, end: DateTime, zone: string): DateTime | null {
	if (md.year !== null) return date(md.year, md.month, md.day, zone);
	for (let year = end.year; year >= end.year - 4; year--) {
		const d = date(year, md.month, md.day, zone);
		if (d && d <= end) return d;
	}
	return null;
}

function resolve(found: Found, notBefore: DateTime, published: DateTime, zone: string): [DateTime, DateTime] | null {
	const m = found.m;
	switch (found.kind) {
		case 'single': {
			const d = onOrAfter({ day: dayOf(m[1]), month: MONTHS[m[2]], year: yearOf(m[3]) }, notBefore, zone);
			return d ? [d, d] : null;
		}
		case 'numeric': {
			const [day, month, year] = [Number(m[1]), Number(m[3]), yearOf(m[4])];
			// Without a year, "2-6" is a range of something else and "2.1" a version or a paragraph.
			if (year === null && (m[2] === '-' || (m[2] === '.' && m[3].length < 2))) return null;
			if (month < 1 || month > 12) return null;
			const d = onOrAfter({ day, month, year }, notBefore, zone);
			return d ? [d, d] : null;
		}
		case 'until': {
			const end = onOrAfter({ day: dayOf(m[1]), month: MONTHS[m[2]], year: yearOf(m[3]) }, notBefore, zone);
			if (!end) return null;
			return [published < end ? published : end, end];
		}
		case 'range': {
			// m: 1 start day, 2 start month?, 3 start year?, 4 end day, 5 end month, 6 end year?
			const endMd = { day: dayOf(m[4]), month: MONTHS[m[5]], year: yearOf(m[6]) };
			const startYear = yearOf(m[3]);
			if (startYear !== null && endMd.year === null) {
				// "dal 2 dicembre 2025 al 6 gennaio": the end is the first such day after the start.
				const start = date(startYear, MONTHS[m[2]], dayOf(m[1]), zone);
				const end = start && onOrAfter(endMd, start, zone);
				return start && end ? [start, end] : null;
			}
			return span(dayOf(m[1]), m[2] ? MONTHS[m[2]] : null, startYear, endMd, notBefore, zone);
		}
		case 'dash':
			return span(dayOf(m[1]), null, null, { day: dayOf(m[2]), month: MONTHS[m[3]], year: yearOf(m[4]) }, notBefore, zone);
		case 'list': {
			// m: 1 first day, 2 ", 8, 9" (middle days), 3 last day, 4 month, 5 year?
			return span(dayOf(m[1]), null, null, { day: dayOf(m[3]), month: MONTHS[m[4]], year: yearOf(m[5]) }, notBefore, zone);
		}
	}
}

/**
 * A range whose end is fully given: the start shares its month when none is written ("dal 2 al 6
 * dicembre"), or the previous month when its day comes later ("dal 28 al 3 dicembre").
 */
function span(
	startDay: number,
	startMonth: number | null,
	startYear: number | null,
	endMd: MonthDay,
	notBefore: DateTime,
	zone: string,
): [DateTime, DateTime] | null {
	const end = onOrAfter(endMd, notBefore, zone);
	if (!end) return null;
	let month = startMonth;
	if (month === null) month = startDay <= endMd.day ? endMd.month : ((endMd.month + 10) % 12) + 1;
	const start = onOrBefore({ day: startDay, month, year: startYear }, end, zone);
	if (!start || start > end) return null;
	return [start, end];
}
