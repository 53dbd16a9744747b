// An update installed on this machine (`banditore election update` writes it): read once at start
// by the scheduler and the CLI, so rules everywhere see the same calendar. A broken file stops the
// start with a sentence: a calendar silently missing votes would let events out in a period.
import { readFileSync } from 'node:fs';
import { BanditoreError } from '../errors';
import { useCalendarUpdate } from './active';
import { parseCalendar } from './update';

export const INSTALLED_CALENDAR = 'data/election-calendar.json';

/** Uses the update at `path`; a missing file is fine unless `required` (the operator named it). */
export function useInstalledCalendar(path: string, required: boolean): boolean {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return false;
		throw new BanditoreError('calendar_unreadable', `cannot read the election calendar update ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, 'Check BANDITORE_ELECTION_CALENDAR, or install an update with "banditore election update".');
	}
	const result = parseCalendar(text);
	if (!result.ok) {
		const problems = result.problems.map((p) => `${p.path ? `${p.path}: ` : ''}${p.english}`).join('; ');
		throw new BanditoreError('calendar_invalid', `the election calendar update ${path} is not valid: ${problems}.`, 'Install a valid one with "banditore election update", or remove the file to use the calendar shipped with Banditore.');
	}
	useCalendarUpdate(result.calendar);
	return true;
}
