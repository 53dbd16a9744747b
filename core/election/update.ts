// A calendar update as maintainers publish it: a JSON file with the votes announced after this
// package was built. Validated like the shipped calendar; nothing from a broken file is used.
import { loadCalendar, type LoadResult } from './calendar';
import { problem } from './schema';

export function parseCalendar(text: string): LoadResult {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (error) {
		return { ok: false, problems: [problem([], 'election.json', { detail: (error as Error).message })] };
	}
	return loadCalendar(json);
}
