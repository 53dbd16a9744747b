// The election calendar (L. 28/2000, art. 9): which votes bind a comune, and from when to when.
// The period runs from the convocation of the comizi (local midnight, Europe/Rome, of the day the
// decree is published; for comunali the 45th day before the first voting day) until the polls
// close, runoff included. Start inclusive, end exclusive. Pure: the calendar and the instant are
// passed in; the only data read is the shipped ISTAT list (comuni.json) and calendar.json.
import { DateTime } from '../vendor';
import builtinData from './calendar.json';
import { comuneByIstat, isRegionCode, normaliseIstat, COMUNI_SOURCE, type Comune } from './comuni';
import {
	calendarSchema,
	fromZodIssues,
	parseDay,
	parseLocal,
	problem,
	type ElectionCalendar,
	type ElectionProblem,
	type Vote,
	type VoteKind,
} from './schema';

/** Days between the convocation of the comizi and the first voting day of a comunali round. */
export const COMUNALI_CONVOCATION_DAYS = 45;

export interface CalendarPeriod {
	id: string;
	name: string;
	kind: VoteKind;
	/** ISO instants (UTC): start inclusive, end exclusive. */
	start: string;
	end: string;
	source: string;
	/**
	 * false: the round does not list the comuni that vote and this comune's region takes part,
	 * so the period possibly applies: confirm with the comune's electoral office.
	 */
	certain: boolean;
}

export type LoadResult = { ok: true; calendar: ElectionCalendar } | { ok: false; problems: ElectionProblem[] };

export type PeriodsResult =
	| { ok: true; comune: Comune; periods: CalendarPeriod[] }
	| { ok: false; problems: ElectionProblem[] };

export interface PeriodsOptions {
	/** Leave out the periods that only possibly apply (certain: false). Default false: keep them. */
	certainOnly?: boolean;
}

/** Validates a calendar file (already parsed from JSON). Nothing applies from a file with problems. */
export function loadCalendar(json: unknown): LoadResult {
	if (json === null || typeof json !== 'object' || Array.isArray(json)) {
		return { ok: false, problems: [problem([], 'election.notAnObject')] };
	}
	const parsed = calendarSchema.safeParse(json);
	if (!parsed.success) return { ok: false, problems: fromZodIssues(parsed.error.issues, json) };
	const problems = checkMeaning(parsed.data);
	if (problems.length > 0) return { ok: false, problems };
	return { ok: true, calendar: sortVotes(parsed.data) };
}

function checkMeaning(calendar: ElectionCalendar): ElectionProblem[] {
	const problems: ElectionProblem[] = [];
	const seen = new Set<string>();
	calendar.votes.forEach((vote, i) => {
		const at = (...rest: Array<string | number>) => ['votes', i, ...rest];
		if (seen.has(vote.id)) problems.push(problem(at('id'), 'election.duplicateId', { id: vote.id }));
		seen.add(vote.id);

		const close = parseLocal(vote.pollsClose)!;
		if (vote.decreeDate === undefined && !(vote.kind === 'comunali' && vote.firstVoteDay !== undefined)) {
			problems.push(problem(at('decreeDate'), vote.kind === 'comunali' ? 'election.missingDecreeComunali' : 'election.missingDecree'));
		}
		if (vote.decreeDate !== undefined && parseDay(vote.decreeDate)! >= close.startOf('day')) {
			problems.push(problem(at('decreeDate'), 'election.decreeAfterVote', { decree: vote.decreeDate, close: vote.pollsClose }));
		}
		if (vote.firstVoteDay !== undefined && parseDay(vote.firstVoteDay)! > close.startOf('day')) {
			problems.push(problem(at('firstVoteDay'), 'election.firstVoteAfterClose', { first: vote.firstVoteDay, close: vote.pollsClose }));
		}
		if (vote.runoffClose !== undefined && parseLocal(vote.runoffClose)! <= close) {
			problems.push(problem(at('runoffClose'), 'election.runoffBeforeClose', { runoff: vote.runoffClose, close: vote.pollsClose }));
		}

		const scope = vote.scope;
		if ((vote.kind === 'politiche' || vote.kind === 'europee') && scope.kind !== 'national') {
			problems.push(problem(at('scope'), 'election.scopeNational', { kind: vote.kind }));
		}
		if (vote.kind === 'regionali' && (scope.kind !== 'regions' || scope.comuniListed === false)) {
			problems.push(problem(at('scope'), 'election.scopeRegional'));
		}
		// A comunali round that named regions without saying its comuni are unknown would silently
		// bind every comune of those regions: the file must say which it means.
		if (vote.kind === 'comunali' && !(scope.kind === 'comuni' || (scope.kind === 'regions' && scope.comuniListed === false))) {
			problems.push(problem(at('scope'), 'election.scopeComunali'));
		}
		if (scope.kind === 'regions') {
			scope.regions.forEach((code, j) => {
				if (!isRegionCode(code)) problems.push(problem(at('scope', 'regions', j), 'election.region', { value: code }));
			});
		}
		if (scope.kind === 'comuni') {
			scope.comuni.forEach((code, j) => {
				if (!comuneByIstat(code)) problems.push(problem(at('scope', 'comuni', j), 'election.comune', { value: code }));
			});
		}
	});
	return problems;
}

function sortVotes(calendar: ElectionCalendar): ElectionCalendar {
	const votes = [...calendar.votes].sort(
		(a, b) => startOf(a).toMillis() - startOf(b).toMillis() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
	);
	return { ...calendar, votes };
}

let builtin: ElectionCalendar | null = null;

/** The calendar shipped with the package (calendar.json). Throws if the shipped file is broken. */
export function builtinCalendar(): ElectionCalendar {
	if (builtin) return builtin;
	const result = loadCalendar(builtinData);
	if (!result.ok) {
		throw new Error(`core/election/calendar.json: ${result.problems.map((p) => `${p.path}: ${p.english}`).join('; ')}`);
	}
	builtin = result.calendar;
	return builtin;
}

/**
 * The builtin calendar with a maintainer's update applied: an update vote with the id of a builtin
 * one replaces it, new ids are added. Both must be loaded (validated) calendars.
 */
export function mergeCalendars(base: ElectionCalendar, update: ElectionCalendar): ElectionCalendar {
	const byId = new Map<string, Vote>();
	for (const vote of base.votes) byId.set(vote.id, vote);
	for (const vote of update.votes) byId.set(vote.id, vote);
	const updated = [base.updated, update.updated].filter((d): d is string => d !== undefined).sort().pop();
	const merged: ElectionCalendar = { version: 1, votes: [...byId.values()] };
	if (updated !== undefined) merged.updated = updated;
	return sortVotes(merged);
}

/** Local midnight (Europe/Rome) of the day the comizi are convened. */
function startOf(vote: Vote): DateTime {
	if (vote.decreeDate !== undefined) return parseDay(vote.decreeDate)!.startOf('day');
	return parseDay(vote.firstVoteDay!)!.minus({ days: COMUNALI_CONVOCATION_DAYS }).startOf('day');
}

function endOf(vote: Vote): DateTime {
	return parseLocal(vote.runoffClose ?? vote.pollsClose)!;
}

function iso(dt: DateTime): string {
	return new Date(dt.toMillis()).toISOString();
}

/** Whether a vote binds the comune: 'yes', 'possibly' (round without its list of comuni) or 'no'. */
function applies(vote: Vote, comune: Comune): 'yes' | 'possibly' | 'no' {
	const scope = vote.scope;
	if (scope.kind === 'national') return 'yes';
	if (scope.kind === 'comuni') return scope.comuni.includes(comune.code) ? 'yes' : 'no';
	if (!scope.regions.includes(comune.region.code)) return 'no';
	return scope.comuniListed === false ? 'possibly' : 'yes';
}

/** The periods of the calendar that bind the comune with that ISTAT code, in start order. */
export function periodsFor(calendar: ElectionCalendar, istatCode: string | number, options: PeriodsOptions = {}): PeriodsResult {
	const normal = normaliseIstat(istatCode);
	if (normal === null) return { ok: false, problems: [problem([], 'election.badComuneCode', { code: String(istatCode) })] };
	const comune = comuneByIstat(normal);
	if (!comune) return { ok: false, problems: [problem([], 'election.unknownComune', { code: normal, state: COMUNI_SOURCE.state })] };
	const periods: CalendarPeriod[] = [];
	for (const vote of calendar.votes) {
		const how = applies(vote, comune);
		if (how === 'no' || (how === 'possibly' && options.certainOnly)) continue;
		periods.push({
			id: vote.id,
			name: vote.name,
			kind: vote.kind,
			start: iso(startOf(vote)),
			end: iso(endOf(vote)),
			source: vote.source,
			certain: how === 'yes',
		});
	}
	periods.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	return { ok: true, comune, periods };
}

export interface ElectionStatus {
	/**
	 * 'active': at least one period that certainly applies is running; 'possible': only periods
	 * that possibly apply are running (confirm); 'none': no period is running.
	 */
	status: 'active' | 'possible' | 'none';
	/** Periods running at the instant, in start order. */
	current: CalendarPeriod[];
	/**
	 * When communication is free again: the end of the running periods, followed through any
	 * period that starts before that end (overlapping votes). Null when none is running.
	 */
	until: string | null;
	/** The first period that starts after the instant, if any. */
	next: CalendarPeriod | null;
}

/** What holds at an instant, for periods from periodsFor. Throws on an instant that is not a date. */
export function electionStatusAt(periods: readonly CalendarPeriod[], at: Date | string): ElectionStatus {
	const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
	if (Number.isNaN(ms)) throw new RangeError(problem([], 'election.instant', { value: String(at) }).english);
	const sorted = [...periods].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
	const current = sorted.filter((p) => Date.parse(p.start) <= ms && ms < Date.parse(p.end));
	const next = sorted.find((p) => Date.parse(p.start) > ms) ?? null;
	if (current.length === 0) return { status: 'none', current, until: null, next };
	let until = Math.max(...current.map((p) => Date.parse(p.end)));
	for (const p of sorted) {
		const start = Date.parse(p.start);
		if (start > ms && start < until) until = Math.max(until, Date.parse(p.end));
	}
	return {
		status: current.some((p) => p.certain) ? 'active' : 'possible',
		current,
		until: new Date(until).toISOString(),
		next,
	};
}

