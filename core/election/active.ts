// The calendar in force in this process: the one shipped with the package, with the update a
// maintainer published merged in when the operator installed one (`banditore election update`).
import { builtinCalendar, mergeCalendars } from './calendar';
import type { ElectionCalendar } from './schema';

let update: ElectionCalendar | null = null;
let merged: ElectionCalendar | null = null;

export function activeCalendar(): ElectionCalendar {
	merged ??= update ? mergeCalendars(builtinCalendar(), update) : builtinCalendar();
	return merged;
}

/** A validated update (loadCalendar) for every rules compiled from now on; null goes back to the shipped one. */
export function useCalendarUpdate(next: ElectionCalendar | null): void {
	update = next;
	merged = null;
}
