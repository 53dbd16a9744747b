import { italianMonth, parseDate, parseItalianDate, toInstant } from '../../core/dates';
import { DateTime } from '../../core/vendor';

const DECEMBER = new Date('2023-12-20T10:00:00Z');
const iso = (text: string, now?: Date) => toInstant(text, { now });

describe('toInstant with Italian dates', () => {
	it('reads a day at midnight in Europe/Rome, winter (+01:00) and summer (+02:00)', () => {
		expect(iso('28 FEB 2023')).toBe('2023-02-27T23:00:00.000Z');
		expect(iso('14 luglio 2023')).toBe('2023-07-13T22:00:00.000Z');
		expect(iso('31 gennaio 2023')).toBe('2023-01-30T23:00:00.000Z');
	});

	it('gets the DST weekends right: last Sunday of March and of October', () => {
		// 26 March 2023: clocks go forward at 02:00, midnight is still +01:00.
		expect(iso('26 marzo 2023')).toBe('2023-03-25T23:00:00.000Z');
		expect(iso('26 marzo 2023 ore 10:00')).toBe('2023-03-26T08:00:00.000Z');
		expect(iso('27 marzo 2023')).toBe('2023-03-26T22:00:00.000Z');
		// 29 October 2023: clocks go back at 03:00, midnight is still +02:00.
		expect(iso('29 ottobre 2023')).toBe('2023-10-28T22:00:00.000Z');
		expect(iso('29/10/2023, 12:00')).toBe('2023-10-29T11:00:00.000Z');
	});

	it('accepts month abbreviations in any case, with or without a dot', () => {
		expect(iso('19 Set 22')).toBe('2022-09-18T22:00:00.000Z');
		expect(iso('19 SETT. 2022')).toBe('2022-09-18T22:00:00.000Z');
		expect(iso('19 settembre 2022')).toBe('2022-09-18T22:00:00.000Z');
		expect(iso('3 gen. 2024')).toBe('2024-01-02T23:00:00.000Z');
		expect(iso('03 Dic 2023')).toBe('2023-12-02T23:00:00.000Z');
		expect(iso('1° maggio 2024')).toBe('2024-04-30T22:00:00.000Z');
	});

	it('reads two-digit years as this century unless that is far in the future', () => {
		expect(iso('30 OTT 22', DECEMBER)).toBe('2022-10-29T22:00:00.000Z');
		expect(iso('10/06/19', DECEMBER)).toBe('2019-06-09T22:00:00.000Z');
		expect(iso('15 mar 99', DECEMBER)).toBe('1999-03-14T23:00:00.000Z');
	});

	it('reads numeric dates with a time', () => {
		expect(iso('10/06/2019, 16:00')).toBe('2019-06-10T14:00:00.000Z');
		expect(iso('27.02.2023')).toBe('2023-02-26T23:00:00.000Z');
		expect(iso('27/10/2024 ore 10.30')).toBe('2024-10-27T09:30:00.000Z');
		expect(iso('Ultimo aggiornamento: 02/12/2023, 11:20')).toBe('2023-12-02T10:20:00.000Z');
	});

	it('takes a time after a textual date, and never mistakes the hour for a year', () => {
		expect(iso('lunedì 3 marzo 2025 ore 9.30')).toBe('2025-03-03T08:30:00.000Z');
		expect(iso('26 agosto 10:30', new Date('2024-08-01T00:00:00Z'))).toBe('2024-08-26T08:30:00.000Z');
	});

	it('takes the first date of a range and skips numbers that are not days', () => {
		expect(iso('Festival - dal 01 maggio 2019 al 04 maggio 2019')).toBe('2019-04-30T22:00:00.000Z');
		expect(iso('Delibera n. 15/2023 adottata il 30 gennaio 2023')).toBe('2023-01-29T23:00:00.000Z');
		expect(iso('15 lun 3 marzo 2025')).toBe('2025-03-02T23:00:00.000Z');
	});

	it('picks the year nearest to now for dates without one', () => {
		// In December, "3 gennaio" is next month and "28 dicembre" this month.
		expect(iso('3 gennaio', DECEMBER)).toBe('2024-01-02T23:00:00.000Z');
		expect(iso('28 Dicembre', DECEMBER)).toBe('2023-12-27T23:00:00.000Z');
		// In January, "28 dicembre" was last month.
		expect(iso('28 dicembre', new Date('2024-01-05T10:00:00Z'))).toBe('2023-12-27T23:00:00.000Z');
		expect(iso('15 Luglio', DECEMBER)).toBe('2023-07-14T22:00:00.000Z');
	});

	it('returns null for text without a date or with an impossible one', () => {
		expect(iso('data da definire')).toBeNull();
		expect(iso('5 min di lettura')).toBeNull();
		expect(iso('31 febbraio 2023')).toBeNull();
		expect(iso('32/01/2023')).toBeNull();
		expect(iso('')).toBeNull();
		expect(toInstant(null)).toBeNull();
	});

	it('still reads ISO, RFC 2822 and SQL dates from feeds', () => {
		expect(iso('2023-02-28')).toBe('2023-02-27T23:00:00.000Z');
		expect(iso('2022-09-18T16:12:40+00:00')).toBe('2022-09-18T16:12:40.000Z');
		expect(iso('Mon, 06 Mar 2023 10:00:00 +0100')).toBe('2023-03-06T09:00:00.000Z');
		expect(iso('2023-03-06 10:00:00')).toBe('2023-03-06T09:00:00.000Z');
		expect(toInstant(new Date('2023-03-06T09:00:00Z'))).toBe('2023-03-06T09:00:00.000Z');
	});

	it('honours another zone when asked', () => {
		expect(toInstant('28 FEB 2023', { zone: 'UTC' })).toBe('2023-02-28T00:00:00.000Z');
	});
});

describe('parseItalianDate and parseDate', () => {
	it('return luxon DateTimes in the comune zone', () => {
		const dt = parseItalianDate('14 luglio 2023');
		expect(dt?.zoneName).toBe('Europe/Rome');
		expect(dt?.offset).toBe(120);
		expect(parseDate('28 FEB 2023')?.offset).toBe(60);
	});

	it('know the month words', () => {
		expect(italianMonth('SETT.')).toBe(9);
		expect(italianMonth('Agosto')).toBe(8);
		expect(italianMonth('lun')).toBeNull();
		expect(italianMonth('settimane')).toBeNull();
	});
});

describe('wall-clock to instant', () => {
	it('agrees with luxon for every day of 2023-2024 at midnight, 02:30 and 23:59, in Rome and New York', () => {
		// Covers both DST weekends, the skipped hour (02:30 on the March Sunday) and leap day.
		for (const zone of ['Europe/Rome', 'America/New_York']) {
			const mismatches: string[] = [];
			for (let dt = DateTime.fromObject({ year: 2023, month: 1, day: 1 }, { zone: 'UTC' }); dt.year < 2025; dt = dt.plus({ days: 1 })) {
				for (const [hour, minute] of [[0, 0], [2, 30], [23, 59]]) {
					const text = `${dt.day}/${dt.month}/${dt.year} ${hour}:${String(minute).padStart(2, '0')}`;
					const expected = DateTime.fromObject({ year: dt.year, month: dt.month, day: dt.day, hour, minute }, { zone }).toUTC().toISO();
					const actual = toInstant(text, { zone });
					if (actual !== expected) mismatches.push(`${zone} ${text}: ${actual} != ${expected}`);
				}
			}
			expect(mismatches).toEqual([]);
		}
	});

	it('falls back to luxon for zones that are not IANA names', () => {
		expect(toInstant('28 FEB 2023', { zone: 'UTC+2' })).toBe('2023-02-27T22:00:00.000Z');
		expect(toInstant('28 FEB 2023', { zone: 'Nowhere/Atlantis' })).toBeNull();
	});
});
