// What zod cannot see: times, dates, regexes, words, and references between sections.
import { t, type MessageKey } from '../messages';
import { IANAZone } from '../vendor';
import { BUILTIN_BLOCKED, BUILTIN_LISTS, isBuiltinBlocked, type BuiltinBlocked } from './defaults';
import { placeholderOf, PLACEHOLDERS, staticLength } from '../whatsapp/compose';
import { compilePattern, fold, MIN_PREFIX, parseEntry } from './match';
import { didYouMean, suggestHint, type Pending, type PathSegment } from './problems';
import type { RulesData } from './schema';
import { parseBound, parseClock } from './time';
import { activeCalendar, periodsFor } from '../election';

const CATEGORY_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Room left for title and link once template and footer are counted. */
const MIN_ROOM = 100;

export function checkRules(data: RulesData): Pending[] {
	const out: Pending[] = [];
	if (!IANAZone.isValidZone(data.timezone)) {
		out.push({ path: ['timezone'], at: 'value', message: t('problem.timezone', { value: data.timezone }), hint: t('hint.timezone') });
	}
	checkQuota(data, out);
	const ids = checkCategories(data, out);
	checkBlocked(data, out);
	checkElection(data, ids, out);
	checkMessage(data, out);
	return out;
}

function checkQuota(data: RulesData, out: Pending[]): void {
	const quiet = data.quota.quietHours;
	if (!quiet) return;
	const from = parseClock(quiet.from);
	const to = parseClock(quiet.to);
	for (const [key, value, minutes] of [['from', quiet.from, from], ['to', quiet.to, to]] as const) {
		if (minutes === null) {
			out.push({ path: ['quota', 'quietHours', key], at: 'value', message: t('problem.time', { value }), hint: t('hint.time') });
		}
	}
	if (from !== null && from === to) {
		out.push({ path: ['quota', 'quietHours'], at: 'key', message: t('problem.quietSame'), hint: t('hint.quietSame') });
	}
}

function checkCategories(data: RulesData, out: Pending[]): string[] {
	const ids: string[] = [];
	data.categories.forEach((category, i) => {
		const at: PathSegment[] = ['categories', i];
		if (!CATEGORY_ID.test(category.id)) {
			out.push({ path: [...at, 'id'], at: 'value', message: t('problem.categoryId', { value: category.id }), hint: t('hint.categoryId') });
		} else if (ids.includes(category.id)) {
			out.push({ path: [...at, 'id'], at: 'value', message: t('problem.duplicateCategory', { id: category.id }), hint: t('hint.duplicate') });
		}
		ids.push(category.id);
		const m = category.match;
		checkEntries(m.words, [...at, 'match', 'words'], out);
		checkEntries(m.sourceCategories, [...at, 'match', 'sourceCategories'], out);
		checkEntries(m.unless, [...at, 'match', 'unless'], out);
		checkPatterns(m.patterns, [...at, 'match', 'patterns'], out);
		m.urlPaths.forEach((path, j) => {
			if (!path.startsWith('/') || /\s/.test(path)) {
				out.push({ path: [...at, 'match', 'urlPaths', j], at: 'value', message: t('problem.urlPath', { value: path }), hint: t('hint.urlPath') });
			}
		});
		const criteria = m.words.length + m.sourceCategories.length + m.patterns.length + m.urlPaths.length + m.sourceKinds.length;
		if (criteria === 0 && category.id !== data.fallbackCategory) {
			out.push({ path: [...at, 'id'], at: 'value', message: t('problem.noCriteria', { id: category.id }), hint: t('hint.noCriteria') });
		}
	});
	if (data.fallbackCategory !== null) checkReference(data.fallbackCategory, ['fallbackCategory'], ids, out);
	return ids;
}

function checkBlocked(data: RulesData, out: Pending[]): void {
	const seen = new Set<string>();
	(data.blocked ?? []).forEach((list, i) => {
		const at: PathSegment[] = ['blocked', i];
		if (seen.has(list.id)) {
			out.push({ path: [...at, 'id'], at: 'value', message: t('problem.duplicateBlocked', { id: list.id }), hint: t('hint.duplicate') });
		}
		seen.add(list.id);
		const builtin = isBuiltinBlocked(list.id);
		if (list.defaults === true && !builtin) {
			out.push({
				path: [...at, 'defaults'],
				at: 'value',
				message: t('problem.blockedDefaults', { id: list.id }),
				hint: t('hint.blockedDefaults', { ids: BUILTIN_BLOCKED.join(', ') }),
			});
		}
		if (!builtin && !list.reason) {
			out.push({ path: [...at, 'id'], at: 'value', message: t('problem.blockedReason', { id: list.id }), hint: t('hint.blockedReason') });
		}
		checkEntries(list.words, [...at, 'words'], out);
		checkEntries(list.review, [...at, 'review'], out);
		checkEntries(list.unless, [...at, 'unless'], out);
		checkPatterns(list.patterns, [...at, 'patterns'], out);
		const builtinList = builtin ? BUILTIN_LISTS[list.id as BuiltinBlocked] : null;
		const defaults = builtinList ? [...builtinList.words, ...builtinList.review] : [];
		const folded = new Set(defaults.map(fold));
		list.exclude.forEach((word, j) => {
			if (!folded.has(fold(word))) {
				const suggestion = didYouMean(word, defaults);
				out.push({
					path: [...at, 'exclude', j],
					at: 'value',
					message: t('problem.exclude', { value: word, id: list.id }),
					hint: suggestion ? t('hint.didYouMean', { suggestion }) : undefined,
				});
			}
		});
	});
}

function checkElection(data: RulesData, ids: string[], out: Pending[]): void {
	const election = data.election;
	const pass = election.pass ?? [];
	pass.forEach((id, i) => checkReference(id, ['election', 'pass', i], ids, out));
	election.reject.forEach((id, i) => {
		checkReference(id, ['election', 'reject', i], ids, out);
		if (pass.includes(id)) {
			out.push({ path: ['election', 'reject', i], at: 'value', message: t('problem.electionBoth', { id }), hint: t('hint.electionBoth') });
		}
	});
	checkEntries(election.persons, ['election', 'persons'], out);
	checkCalendar(data, out);
	if (!IANAZone.isValidZone(data.timezone)) return;
	const spans: Array<{ name: string; start: number; end: number; i: number }> = [];
	election.periods.forEach((period, i) => {
		const at: PathSegment[] = ['election', 'periods', i];
		const start = parseBound(period.start, data.timezone, 'start');
		const end = parseBound(period.end, data.timezone, 'end');
		for (const [key, value, parsed] of [['start', period.start, start], ['end', period.end, end]] as const) {
			if (!parsed) {
				out.push({ path: [...at, key], at: 'value', message: t('problem.date', { value }), hint: t('hint.date', { zone: data.timezone }) });
			}
		}
		if (!start || !end) return;
		if (end.toMillis() <= start.toMillis()) {
			out.push({ path: [...at, 'end'], at: 'value', message: t('problem.endBeforeStart', { name: period.name }), hint: t('hint.endBeforeStart') });
			return;
		}
		spans.push({ name: period.name, start: start.toMillis(), end: end.toMillis(), i });
	});
	spans.sort((a, b) => a.start - b.start || a.i - b.i);
	for (let k = 1; k < spans.length; k++) {
		const prev = spans[k - 1];
		const cur = spans[k];
		if (cur.start < prev.end) {
			const later = Math.max(prev.i, cur.i);
			out.push({
				path: ['election', 'periods', later, 'start'],
				at: 'value',
				message: t('problem.overlap', { name: later === cur.i ? cur.name : prev.name, other: later === cur.i ? prev.name : cur.name }),
				hint: t('hint.overlap'),
			});
		}
	}
}

/** The comune's ISTAT code, and the calendar votes the office confirmed, must exist. */
function checkCalendar(data: RulesData, out: Pending[]): void {
	const votes = data.election.votes;
	if (data.istat === undefined) {
		if (votes.length) out.push({ path: ['election', 'votes'], at: 'key', message: t('problem.votesWithoutIstat') });
		return;
	}
	const result = periodsFor(activeCalendar(), data.istat);
	if (!result.ok) {
		const detail = result.problems.map((p) => p.message).join('; ');
		out.push({ path: ['istat'], at: 'value', message: t('problem.istatUnknown', { code: String(data.istat), detail }), hint: t('hint.istatUnknown') });
		return;
	}
	const possible = result.periods.filter((p) => !p.certain).map((p) => p.id);
	votes.forEach((id, i) => {
		if (!result.periods.some((p) => p.id === id)) {
			out.push({ path: ['election', 'votes', i], at: 'value', message: t('problem.voteUnknown', { id }), hint: t('hint.voteUnknown', { ids: possible.join(', ') || '—' }) });
		}
	});
}

function checkMessage(data: RulesData, out: Pending[]): void {
	const { template, footer, maxLength } = data.message;
	const names = new Set<string>();
	for (const m of template.matchAll(/\{(\w*)\}/g)) names.add(m[1]);
	for (const name of names) {
		if (!placeholderOf(name)) {
			const suggestion = didYouMean(name, PLACEHOLDERS);
			out.push({
				path: ['message', 'template'],
				at: 'value',
				message: t('problem.placeholder', { value: `{${name}}` }),
				hint: suggestion ? t('hint.didYouMean', { suggestion: `{${suggestion}}` }) : t('hint.placeholder', { names: PLACEHOLDERS.map((p) => `{${p}}`).join(' ') }),
			});
		}
	}
	if (!names.has('link')) {
		out.push({ path: ['message', 'template'], at: 'value', message: t('problem.templateLink'), hint: t('hint.templateLink') });
	}
	const length = staticLength(template, footer);
	if (length + MIN_ROOM > maxLength) {
		out.push({ path: ['message', 'maxLength'], at: 'value', message: t('problem.tooLongFixed', { length, max: maxLength }), hint: t('hint.tooLongFixed') });
	}
}

function checkReference(id: string, path: PathSegment[], ids: string[], out: Pending[]): void {
	if (ids.includes(id)) return;
	out.push({ path, at: 'value', message: t('problem.unknownCategory', { id }), hint: suggestHint(id, ids, 'hint.definedCategories', 'ids') });
}

function checkEntries(entries: string[], path: PathSegment[], out: Pending[]): void {
	entries.forEach((entry, i) => {
		const parsed = parseEntry(entry);
		if ('error' in parsed) {
			const key = parsed.error;
			out.push({
				path: [...path, i],
				at: 'value',
				message: t(`problem.entry.${key}`, { value: entry }),
				hint: t(`hint.entry.${key}`, { min: MIN_PREFIX }),
			});
		}
	});
}

function checkPatterns(patterns: string[], path: PathSegment[], out: Pending[]): void {
	patterns.forEach((source, i) => {
		try {
			compilePattern(source);
		} catch (error) {
			const detail = regexDetail(error instanceof Error ? error.message : String(error));
			out.push({ path: [...path, i], at: 'value', message: t('problem.regex', { value: source }), hint: t('hint.regex', { detail }) });
		}
	});
}

const REGEX_ERRORS: Array<[RegExp, MessageKey]> = [
	[/Unterminated group/, 'regex.unterminatedGroup'],
	[/Unmatched '\)'/, 'regex.unmatchedParen'],
	[/Unterminated character class/, 'regex.unterminatedClass'],
	[/Nothing to repeat/, 'regex.nothingToRepeat'],
	[/Lone quantifier brackets|Incomplete quantifier/, 'regex.loneBrace'],
	[/\\ at end of pattern/, 'regex.trailingBackslash'],
	[/Invalid (escape|Unicode escape|class escape)/, 'regex.invalidEscape'],
	[/Invalid group/, 'regex.invalidGroup'],
];

/** V8 says "Invalid regular expression: /(a/iu: Unterminated group": keep the last part, in Italian when known. */
function regexDetail(message: string): string {
	const known = REGEX_ERRORS.find(([re]) => re.test(message));
	return known ? t(known[1]) : message.replace(/^Invalid regular expression: \/.*\/\w*: /s, '');
}
