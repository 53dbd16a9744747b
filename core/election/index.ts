// Election calendar (issue #12): the periods of L. 28/2000 art. 9 that bind a comune.
export {
	builtinCalendar,
	COMUNALI_CONVOCATION_DAYS,
	electionStatusAt,
	loadCalendar,
	mergeCalendars,
	periodsFor,
	type CalendarPeriod,
	type ElectionStatus,
	type LoadResult,
	type PeriodsOptions,
	type PeriodsResult,
} from './calendar';
export { COMUNI_SOURCE, comuneByIstat, normaliseIstat, regionName, type Comune } from './comuni';
export {
	VOTE_KINDS,
	ZONE,
	type ElectionCalendar,
	type ElectionProblem,
	type Scope,
	type Vote,
	type VoteKind,
} from './schema';
export { activeCalendar, useCalendarUpdate } from './active';
export { parseCalendar } from './update';
export { INSTALLED_CALENDAR, useInstalledCalendar } from './installed';
