// Problems before they get a line and column: zod issues turned into Italian, with did-you-mean hints.
import { t, hasMessage, type MessageKey } from '../messages';
import type { ZodIssue, ZodTypeAny } from '../vendor';
import type { RuleProblem } from './types';

export type PathSegment = string | number;

export interface Pending {
	path: PathSegment[];
	/** Point at the key itself (unknown or duplicate keys) rather than its value. */
	at: 'key' | 'value';
	message: string;
	hint?: string;
}

/** Finds where a path is in the source; rules from node parameters have no source (0, 0). */
export type Locator = (path: PathSegment[], at: 'key' | 'value') => { line: number; column: number };

export const noLocation: Locator = () => ({ line: 0, column: 0 });

export function formatPath(path: PathSegment[]): string {
	let out = '';
	for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
	return out;
}

export function locate(pending: Pending[], locator: Locator): RuleProblem[] {
	const problems = pending.map((p) => {
		const { line, column } = locator(p.path, p.at);
		const problem: RuleProblem = { path: formatPath(p.path), line, column, message: p.message };
		if (p.hint) problem.hint = p.hint;
		return problem;
	});
	// Stable: without positions (node parameters) structure problems stay before meaning problems.
	return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The closest candidate, when it is close enough to be a typo. */
export function didYouMean(value: string, candidates: Iterable<string>): string | null {
	const lower = value.toLowerCase();
	let best: string | null = null;
	let bestDistance = Infinity;
	for (const candidate of candidates) {
		const d = distance(lower, candidate.toLowerCase());
		if (d < bestDistance) {
			best = candidate;
			bestDistance = d;
		}
	}
	const limit = Math.max(1, Math.floor(value.length / 3));
	return best !== null && bestDistance <= limit ? best : null;
}

/** Levenshtein distance with adjacent swaps counted as one edit ("perWeke"). */
function distance(a: string, b: string): number {
	const rows: number[][] = [];
	for (let i = 0; i <= a.length; i++) {
		rows.push([i]);
		for (let j = 1; j <= b.length; j++) {
			if (i === 0) {
				rows[0].push(j);
				continue;
			}
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
			rows[i].push(d);
		}
	}
	return rows[a.length][b.length];
}

export function suggestHint(value: string, candidates: readonly string[], fallback: MessageKey, key: string): string {
	const suggestion = didYouMean(value, candidates);
	return suggestion ? t('hint.didYouMean', { suggestion }) : t(fallback, { [key]: candidates.join(', ') });
}

/** zod issues in Italian; `schema` is walked to list the keys allowed where an unknown one was found. */
export function fromZodIssues(issues: ZodIssue[], schema: ZodTypeAny): Pending[] {
	const out: Pending[] = [];
	for (const issue of issues) {
		const path = issue.path;
		switch (issue.code) {
			case 'unrecognized_keys': {
				const allowed = keysAt(schema, path);
				for (const key of issue.keys) {
					out.push({
						path: [...path, key],
						at: 'key',
						message: t('problem.unknownKey', { key }),
						hint: suggestHint(key, allowed, 'hint.allowedKeys', 'keys'),
					});
				}
				break;
			}
			case 'invalid_type': {
				const last = path[path.length - 1];
				if (issue.received === 'undefined' && typeof last === 'string') {
					out.push({ path, at: 'key', message: t('problem.missingKey', { key: last }) });
				} else if (issue.received === 'null' && typeof last === 'string') {
					out.push({ path, at: 'key', message: t('problem.missingValue', { key: last }) });
				} else if (path.length === 0) {
					out.push({ path, at: 'value', message: t('problem.notMap'), hint: t('hint.notMap') });
				} else {
					out.push({
						path,
						at: 'value',
						message: t('problem.type', { expected: typeName(issue.expected), received: typeName(issue.received) }),
						hint: issue.expected === 'string' ? t('hint.type.string') : undefined,
					});
				}
				break;
			}
			case 'invalid_enum_value': {
				const options = issue.options.map(String);
				out.push({
					path,
					at: 'value',
					message: t('problem.enum', { value: String(issue.received) }),
					hint: suggestHint(String(issue.received), options, 'hint.allowedValues', 'values'),
				});
				break;
			}
			case 'invalid_literal':
				out.push({ path, at: 'value', message: t('problem.literal', { expected: String(issue.expected) }) });
				break;
			case 'too_small':
				out.push({ path, at: 'value', message: tooSmall(issue.type, Number(issue.minimum), issue.inclusive) });
				break;
			case 'too_big':
				out.push({ path, at: 'value', message: t('problem.maxNumber', { max: Number(issue.maximum) }) });
				break;
			default:
				out.push({ path, at: 'value', message: t('problem.invalid') });
		}
	}
	return out;
}

function tooSmall(type: string, min: number, inclusive: boolean): string {
	if (type === 'string') return t('problem.emptyText');
	if (type === 'array') return min === 1 ? t('problem.emptyList') : t('problem.minItems', { min });
	return inclusive ? t('problem.minNumber', { min }) : t('problem.moreThan', { min });
}

function typeName(zodType: string): string {
	const key = `type.${zodType}`;
	return hasMessage(key) ? t(key) : t('type.other');
}

/** The keys an object schema accepts at `path` (through optional, default, nullable and arrays). */
export function keysAt(schema: ZodTypeAny, path: PathSegment[]): string[] {
	let at: ZodTypeAny | undefined = unwrap(schema);
	for (const seg of path) {
		if (!at) return [];
		const def = at._def as { typeName?: string; type?: ZodTypeAny; shape?: () => Record<string, ZodTypeAny> };
		if (def.typeName === 'ZodArray' && typeof seg === 'number') at = unwrap(def.type as ZodTypeAny);
		else if (def.typeName === 'ZodObject' && typeof seg === 'string') {
			const child = def.shape?.()[seg];
			at = child ? unwrap(child) : undefined;
		} else return [];
	}
	const def = at?._def as { typeName?: string; shape?: () => Record<string, ZodTypeAny> } | undefined;
	return def?.typeName === 'ZodObject' && def.shape ? Object.keys(def.shape()) : [];
}

function unwrap(schema: ZodTypeAny): ZodTypeAny {
	let at = schema;
	for (;;) {
		const def = at._def as { typeName?: string; innerType?: ZodTypeAny; schema?: ZodTypeAny };
		if ((def.typeName === 'ZodOptional' || def.typeName === 'ZodNullable' || def.typeName === 'ZodDefault') && def.innerType) {
			at = def.innerType;
		} else if (def.typeName === 'ZodEffects' && def.schema) at = def.schema;
		else return at;
	}
}
