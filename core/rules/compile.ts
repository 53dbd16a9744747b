// Validated data → Rules with matchers compiled once. Any problem, or any surprise, gives no Rules:
// a broken rules file must stop sending, never fall back to letting everything through.
import { createHash } from 'node:crypto';
import type { SourceKind } from '../item';
import { t } from '../messages';
import { checkRules } from './check';
import { activeModel } from '../classifier/active';
import { activeCalendar, periodsFor, type CalendarPeriod } from '../election';
import { BUILTIN_BLOCKED, BUILTIN_LISTS, isBuiltinBlocked, type BuiltinBlocked } from './defaults';
import { compilePattern, fold, phraseMatcher } from './match';
import { fromZodIssues, locate, type Locator, type PathSegment, type Pending } from './problems';
import { rulesSchema, type BlockedData, type CategoryData, type RulesData } from './schema';
import { parseBound, parseClock } from './time';
import type { ZodIssue } from '../vendor';
import type { BlockedRule, CategoryRule, CompiledPattern, ElectionPeriod, Rules, RulesResult } from './types';

const COMPILED = new WeakSet<object>();

/** True only for rules made here: evaluate() rejects everything when handed anything else. */
export function isRules(value: unknown): value is Rules {
	return typeof value === 'object' && value !== null && COMPILED.has(value);
}

export function compileRules(input: unknown, locator: Locator): RulesResult {
	const fail = (pending: Pending[]): RulesResult => ({ ok: false, problems: locate(pending, locator) });
	try {
		if (input === null || input === undefined || input === '') {
			return fail([{ path: [], at: 'value', message: t('problem.empty'), hint: t('hint.empty') }]);
		}
		const parsed = rulesSchema.safeParse(input);
		if (!parsed.success) return fail([...fromZodIssues(parsed.error.issues, rulesSchema), ...checkPruned(input, parsed.error.issues)]);
		const pending = checkRules(parsed.data);
		if (pending.length) return fail(pending);
		const rules = build(parsed.data);
		COMPILED.add(rules);
		return { ok: true, rules };
	} catch (error) {
		const detail = error instanceof Error ? error.message : String(error);
		return fail([{ path: [], at: 'value', message: t('problem.internal', { detail }) }]);
	}
}

/**
 * One list of problems is kinder than fix-one-run-again: drop what zod refused (unknown keys, wrong
 * values outside lists), and when the rest is valid, check its meaning too. Never yields rules.
 */
function checkPruned(input: unknown, issues: ZodIssue[]): Pending[] {
	let copy: unknown;
	try {
		copy = JSON.parse(JSON.stringify(input));
	} catch {
		return [];
	}
	for (const issue of issues) {
		const path = [...issue.path];
		if (issue.code === 'unrecognized_keys') for (const key of issue.keys) removeAt(copy, [...path, key]);
		else if (!removeAt(copy, path)) return [];
	}
	const again = rulesSchema.safeParse(copy);
	return again.success ? checkRules(again.data) : [];
}

/** Deletes an object key; array items are left alone (removing one would shift the paths). */
function removeAt(root: unknown, path: PathSegment[]): boolean {
	const key = path[path.length - 1];
	let parent = root;
	for (const seg of path.slice(0, -1)) {
		if (typeof parent !== 'object' || parent === null) return false;
		parent = (parent as Record<string | number, unknown>)[seg];
	}
	if (typeof key !== 'string' || typeof parent !== 'object' || parent === null || Array.isArray(parent)) return false;
	delete (parent as Record<string, unknown>)[key];
	return true;
}

function build(data: RulesData): Rules {
	const quiet = data.quota.quietHours;
	const categories = data.categories.map(compileCategory);
	// The built-in lists are never dropped by leaving them out ("never posted", Magenta §3): a file
	// that lists only its own words still blocks electoral, political and advertising content.
	// Only `defaults: false` on a built-in list turns its default words off.
	const given = data.blocked ?? [];
	const missing = BUILTIN_BLOCKED.filter((id) => !given.some((list) => list.id === id));
	const lists: BlockedData[] = [...given, ...missing.map((id) => ({ id, words: [], review: [], patterns: [], exclude: [], unless: [] }))];
	const pass = data.election.pass ?? categories.filter((c) => c.emergency).map((c) => c.id);
	return Object.freeze({
		version: 1 as const,
		comune: data.comune,
		channel: data.channel ?? data.comune,
		timezone: data.timezone,
		quota: {
			...data.quota,
			quietHours: quiet
				? { from: quiet.from, to: quiet.to, fromMinute: parseClock(quiet.from) as number, toMinute: parseClock(quiet.to) as number }
				: null,
		},
		categories,
		fallbackCategory: data.fallbackCategory,
		maxAgeHours: data.expiry.maxAgeHours,
		blocked: lists.map(compileBlocked),
		election: {
			pass: new Set(pass),
			reject: new Set(data.election.reject),
			persons: phraseMatcher(data.election.persons),
			dropImages: data.election.dropImages,
			...compilePeriods(data),
		},
		message: { ...data.message },
		classifier: data.classifier.enabled ? { model: activeModel(), threshold: data.classifier.threshold } : null,
		digest: createHash('sha256').update(JSON.stringify(data)).digest('hex'),
		data,
	});
}

function compileCategory(category: CategoryData, order: number): CategoryRule {
	const m = category.match;
	return {
		id: category.id,
		label: category.label,
		emoji: category.emoji,
		priority: category.priority,
		emergency: category.emergency,
		approval: category.approval,
		afterEvent: category.expires.afterEvent,
		maxAgeHours: category.expires.maxAgeHours,
		order,
		match: {
			sourceKinds: m.sourceKinds.length ? new Set<SourceKind>(m.sourceKinds) : null,
			sourceCategories: phraseMatcher(m.sourceCategories),
			urlPaths: m.urlPaths.map((p) => p.toLowerCase()),
			words: phraseMatcher(m.words),
			patterns: compilePatterns(m.patterns),
			unless: phraseMatcher(m.unless),
		},
	};
}

function compileBlocked(list: BlockedData): BlockedRule {
	const builtin = isBuiltinBlocked(list.id);
	const excluded = new Set(list.exclude.map(fold));
	const defaults = builtin && list.defaults !== false ? BUILTIN_LISTS[list.id as BuiltinBlocked] : { words: [], review: [], unless: [] };
	const kept = (words: readonly string[]): string[] => words.filter((w) => !excluded.has(fold(w)));
	return {
		id: list.id,
		label: list.reason ?? (builtin ? t(`blocked.${list.id as BuiltinBlocked}`) : list.id),
		words: phraseMatcher([...kept(defaults.words), ...list.words]),
		review: phraseMatcher([...kept(defaults.review), ...list.review]),
		patterns: compilePatterns(list.patterns),
		unless: phraseMatcher([...defaults.unless, ...list.unless]),
	};
}

function compilePatterns(sources: string[]): CompiledPattern[] {
	return sources.map((source) => ({ source, regex: compilePattern(source) }));
}

function compilePeriods(data: RulesData): { periods: ElectionPeriod[]; possible: ElectionPeriod[] } {
	const local: ElectionPeriod[] = data.election.periods.map((p) => {
		const start = parseBound(p.start, data.timezone, 'start');
		const end = parseBound(p.end, data.timezone, 'end');
		if (!start || !end) throw new Error(`period ${p.name}`);
		return { name: p.name, origin: 'local', start: start.toUTC().toISO() as string, end: end.toUTC().toISO() as string, startMs: start.toMillis(), endMs: end.toMillis() };
	});
	const fromCalendar = calendarPeriods(data);
	const confirmed = new Set(data.election.votes);
	const bound = fromCalendar.filter((p) => p.certain || confirmed.has(p.id)).map(toPeriod);
	const possible = fromCalendar.filter((p) => !p.certain && !confirmed.has(p.id)).map(toPeriod);
	const byStart = (a: ElectionPeriod, b: ElectionPeriod): number => a.startMs - b.startMs;
	return { periods: [...local, ...bound].sort(byStart), possible: possible.sort(byStart) };
}

/** The calendar's periods for the comune; check.ts has reported an unknown code before this runs. */
function calendarPeriods(data: RulesData): CalendarPeriod[] {
	if (data.istat === undefined || !data.election.calendar) return [];
	const result = periodsFor(activeCalendar(), data.istat);
	if (!result.ok) throw new Error(result.problems.map((p) => p.english).join('; '));
	return result.periods;
}

function toPeriod(p: CalendarPeriod): ElectionPeriod {
	return { name: p.name, origin: 'calendar', id: p.id, source: p.source, start: p.start, end: p.end, startMs: Date.parse(p.start), endMs: Date.parse(p.end) };
}
