// Dates as the office reads them, in the channel's time zone; date inputs of the audit filters.
import { DateTime } from '../../../core/vendor';
import { localDate } from '../model';

export const when = (at: string | number | Date, zone = 'Europe/Rome'): string => localDate(typeof at === 'string' ? Date.parse(at) : at, zone);

export const day = (at: string | number, zone = 'Europe/Rome'): string =>
	DateTime.fromMillis(typeof at === 'string' ? Date.parse(at) : at, { zone }).toFormat('dd/LL/yyyy');

/** `2026-06-10` (a date input) → the instant its day starts in `zone`; null when not a date. */
export function dayStart(value: string, zone = 'Europe/Rome'): number | null {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
	const d = DateTime.fromISO(value, { zone });
	return d.isValid ? d.toMillis() : null;
}

export const nextDayStart = (value: string, zone = 'Europe/Rome'): number | null => {
	const start = dayStart(value, zone);
	return start === null ? null : DateTime.fromMillis(start, { zone }).plus({ days: 1 }).toMillis();
};
