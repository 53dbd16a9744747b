// YAML text → Rules, or problems that point at a line and column of the file.
import { t, hasMessage } from '../messages';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type YamlDocument, type YamlNode } from '../vendor';
import { compileRules } from './compile';
import { noLocation, type Locator, type PathSegment } from './problems';
import type { RuleProblem, RulesResult } from './types';

/** Alias expansions a rules file may make: plenty for `<<: *base` reuse, far from an alias bomb. */
export const MAX_ALIASES = 100;

export function loadRules(yamlText: string): RulesResult {
	const lineCounter = new LineCounter();
	let doc: YamlDocument;
	try {
		// YAML 1.2 core schema: dates and times like 2026-05-25 or 21:00 stay text, checked by us.
		doc = parseDocument(yamlText, { lineCounter, uniqueKeys: true, prettyErrors: true, version: '1.2' });
	} catch (error) {
		return { ok: false, problems: [syntaxProblem(error, lineCounter)] };
	}
	if (doc.errors.length) {
		// Later errors are mostly echoes of the first one: report where the file first goes wrong.
		return { ok: false, problems: [syntaxProblem(doc.errors[0], lineCounter)] };
	}
	let data: unknown;
	try {
		data = doc.toJS({ maxAliasCount: MAX_ALIASES });
	} catch (error) {
		// Aliases of aliases (a "billion laughs" file) would expand to gigabytes: refused by name.
		const aliases = error instanceof ReferenceError && /alias/i.test(error.message);
		return { ok: false, problems: [syntaxProblem(aliases ? { code: 'TOO_MANY_ALIASES', message: error.message } : error, lineCounter)] };
	}
	return compileRules(data, documentLocator(doc, lineCounter));
}

/** Rules written somewhere else than a file (n8n node parameters): same checks, no line numbers. */
export function rulesFromObject(obj: unknown): RulesResult {
	return compileRules(obj, noLocation);
}

/** `meda.yaml:12:5 categories[0].id: message. hint` — one line per problem, for a terminal. */
export function formatProblems(problems: RuleProblem[], fileName = ''): string[] {
	return problems.map((p) => {
		const where = p.line ? `${fileName}:${p.line}:${p.column}` : fileName;
		const head = [where, p.path].filter(Boolean).join(' ');
		const text = p.hint ? `${p.message}. ${p.hint}` : `${p.message}.`;
		return head ? `${head}: ${text}` : text;
	});
}

interface YamlErrorLike {
	code?: string;
	message?: string;
	linePos?: Array<{ line: number; col: number }>;
	pos?: [number, number];
}

function syntaxProblem(error: unknown, lineCounter: LineCounter): RuleProblem {
	const e = (error ?? {}) as YamlErrorLike;
	let pos = e.linePos?.[0];
	if (!pos && e.pos) pos = lineCounter.linePos(e.pos[0]);
	// The library's own first line is the useful part; the code frame below it is ours to print.
	const english = String(e.message ?? error).split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
	const detailKey = `yaml.${e.code ?? ''}`;
	const detail = hasMessage(detailKey) ? t(detailKey) : english;
	const hintKey = `hint.yaml.${e.code ?? ''}`;
	return {
		path: '',
		line: pos?.line ?? 0,
		column: pos?.col ?? 0,
		message: t('problem.yaml', { detail }),
		hint: hasMessage(hintKey) ? t(hintKey) : t('hint.yaml'),
	};
}

function documentLocator(doc: YamlDocument, lineCounter: LineCounter): Locator {
	return (path, at) => {
		const offset = offsetOf(doc.contents as YamlNode | null, path, at);
		if (offset === null) return { line: 1, column: 1 };
		const { line, col } = lineCounter.linePos(offset);
		return { line, column: col };
	};
}

/** Walks the document along `path`; a missing step points at the nearest node that exists. */
function offsetOf(root: YamlNode | null, path: PathSegment[], at: 'key' | 'value'): number | null {
	let node: unknown = root;
	let best = rangeStart(root);
	for (let i = 0; i < path.length; i++) {
		const seg = path[i];
		const last = i === path.length - 1;
		if (isMap(node)) {
			const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
			if (!pair) return best;
			const keyStart = rangeStart(pair.key);
			if (last && at === 'key') return keyStart ?? best;
			best = rangeStart(pair.value) ?? keyStart ?? best;
			node = pair.value;
		} else if (isSeq(node) && typeof seg === 'number') {
			const item = node.items[seg];
			if (item === undefined) return best;
			best = rangeStart(item) ?? best;
			node = item;
		} else {
			return best;
		}
	}
	return best;
}

function rangeStart(node: unknown): number | null {
	const range = (node as { range?: [number, number, number] } | null)?.range;
	return range ? range[0] : null;
}
