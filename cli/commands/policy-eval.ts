// banditore policy eval: how well a rules file judges a labelled set (issue #13). The figures are the
// result, so the command exits 0 whatever they are; 1 only when the set or the rules cannot be read.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { missingNewsFields } from '../../core/item';
import { BanditoreError } from '../../core/errors';
import {
	evaluateSet,
	LABEL_DECISIONS,
	LABEL_KINDS,
	publishedAt,
	VERDICTS,
	type EvalMetrics,
	type LabelledEntry,
	type Ratio,
} from '../../core/rules/eval';
import { readJsonLines } from '../json-lines';
import { parseCommandArgs, UsageError } from '../usage';
import { loadRulesOrReport } from './rules';

/** The package root, from dist/cli/commands: the bundled rules files live in rules/. */
const ROOT = join(__dirname, '..', '..', '..');
const DEFAULT_ERRORS = 30;
/** At most this many bad lines are listed: a wrong file would otherwise flood the terminal. */
const MAX_LISTED = 10;

export const POLICY_EVAL_HELP = `Usage: banditore policy eval <set.jsonl> [--rules FILE] [--json] [--errors N]

Measures the rules against a labelled set: JSON lines of
  {"id", "item": <news item>, "label": {"decision": accept|reject|review,
   "kind": institutional|electoral|political|commercial, "category": <id>|null,
   "emergency": bool, "electionAllowed": bool}, "provenance", "note"}
Each item is judged at its own publication time (undated items at the latest date in the set),
and once more as if an election period were in force then. Prints how many bad items are caught,
how many good ones are blocked or held, category, emergency and election-period accuracy, the
confusion matrix and the items judged wrong. Exits 0 when it ran, whatever the figures; 1 when
the set or the rules cannot be read.

Options:
  --rules FILE   The rules file (default: the bundled rules/meda.yaml)
  --json         Print the figures as one JSON object, with every error
  --errors N     How many wrong items to list (default: ${DEFAULT_ERRORS}; 0 for none)`;

export async function policyEvalCommand(args: string[]): Promise<number> {
	const { values, positionals } = parseCommandArgs(
		{
			args,
			allowPositionals: true,
			options: {
				rules: { type: 'string' },
				json: { type: 'boolean', default: false },
				errors: { type: 'string' },
				help: { type: 'boolean', short: 'h', default: false },
			},
		},
		POLICY_EVAL_HELP,
	);
	if (values.help) {
		process.stdout.write(`${POLICY_EVAL_HELP}\n`);
		return 0;
	}
	if (positionals.length !== 1) throw new UsageError(`${positionals.length ? 'give one labelled set' : 'which labelled set?'}\n${POLICY_EVAL_HELP}`);
	const maxErrors = values.errors === undefined ? DEFAULT_ERRORS : Number(values.errors);
	if (!Number.isInteger(maxErrors) || maxErrors < 0) throw new UsageError(`--errors takes a whole number, 0 or more, not "${values.errors}".`);

	const [file] = positionals;
	const entries = await loadSetOrReport(file);
	if (!entries) return 1;
	if (!entries.length) {
		process.stderr.write(`banditore: ${file} has no items.\n`);
		return 1;
	}
	const rulesFile = values.rules ?? join(ROOT, 'rules', 'meda.yaml');
	const rules = await loadRulesOrReport(rulesFile);
	if (!rules) return 1;

	const fallbackNow = latest(entries) ?? new Date();
	const metrics = evaluateSet(entries, rules, { fallbackNow });
	if (values.json) process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
	else process.stdout.write(report(metrics, { set: basename(file), rules: basename(rulesFile), fallbackNow, maxErrors }));
	return 0;
}

async function readSet(file: string): Promise<string> {
	try {
		return await readFile(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? String(error)})`;
		throw new BanditoreError('set_unreadable', `The labelled set ${file} ${why}.`, undefined, { cause: error });
	}
}

/** Every line checked before anything is judged: one bad label would skew every figure. */
/** A labelled set for the policy commands: its bad lines go to stderr (the first few) and give null. */
export async function loadSetOrReport(file: string): Promise<LabelledEntry[] | null> {
	const { entries, problems } = parseSet(await readSet(file));
	if (!problems.length) return entries;
	for (const problem of problems.slice(0, MAX_LISTED)) process.stderr.write(`banditore: ${basename(file)} ${problem}\n`);
	if (problems.length > MAX_LISTED) process.stderr.write(`banditore: … and ${problems.length - MAX_LISTED} more bad lines.\n`);
	return null;
}

export function parseSet(text: string): { entries: LabelledEntry[]; problems: string[] } {
	const lines = new Map<string, number>();
	const { values, problems } = readJsonLines<LabelledEntry>(text, (value, line) => {
		const problem = entryProblem(value);
		if (problem) return { problem: `${problem}.` };
		const entry = value as LabelledEntry;
		const first = lines.get(entry.id);
		if (first !== undefined) return { problem: `id "${entry.id}" is already on line ${first}.` };
		lines.set(entry.id, line);
		return { value: entry };
	});
	return { entries: values, problems };
}

function entryProblem(value: unknown): string | null {
	if (!isObject(value)) return 'not a JSON object; each line must be one labelled item';
	if (typeof value.id !== 'string' || !value.id) return 'no "id" text';
	const id = `"${value.id}"`;
	if (!isObject(value.item)) return `${id} has no "item" object`;
	const missing = missingNewsFields(value.item);
	if (missing.length) return `${id}: the item is not a news item, it has no ${missing.map((f) => `"${f}"`).join(' and no ')} text`;
	const label = value.label;
	if (!isObject(label)) return `${id} has no "label" object`;
	const oneOf = (key: string, allowed: readonly string[]): string | null =>
		allowed.includes(label[key] as string) ? null : `${id}: label.${key} is ${JSON.stringify(label[key]) ?? 'missing'}, not one of ${allowed.join(', ')}`;
	const bool = (key: string): string | null => (typeof label[key] === 'boolean' ? null : `${id}: label.${key} must be true or false, not ${JSON.stringify(label[key]) ?? 'missing'}`);
	const category = label.category === null || typeof label.category === 'string' ? null : `${id}: label.category must be a category id or null, not ${JSON.stringify(label.category) ?? 'missing'}`;
	return oneOf('decision', LABEL_DECISIONS) ?? oneOf('kind', LABEL_KINDS) ?? category ?? bool('emergency') ?? bool('electionAllowed');
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function latest(entries: LabelledEntry[]): Date | null {
	const ms = entries.map((e) => publishedAt(e.item)?.getTime() ?? -Infinity).reduce((a, b) => Math.max(a, b), -Infinity);
	return Number.isFinite(ms) ? new Date(ms) : null;
}

interface ReportContext {
	set: string;
	rules: string;
	fallbackNow: Date;
	maxErrors: number;
}

function report(m: EvalMetrics, ctx: ReportContext): string {
	const out: string[] = [];
	const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
	out.push(`${plural(m.total, 'item')} from ${ctx.set}, rules ${ctx.rules}, each judged at its publication time.`);
	if (m.undated) out.push(`${plural(m.undated, 'item')} without a date judged at ${ctx.fallbackNow.toISOString()}, the latest date in the set.`);
	out.push(`By kind: ${LABEL_KINDS.map((kind) => `${kind} ${m.byKind[kind].total}`).join(' · ')}`);
	out.push('');

	const rows: Array<[string, Ratio, string?]> = [
		['Bad items caught (rejected or held)', m.bad.caught, `rejected ${m.bad.rejected}, held ${m.bad.held}`],
		['Caught items that are bad (precision)', m.bad.precision],
		['Good items blocked (rejected)', m.good.blocked],
		['Good items held', m.good.held, m.good.stoppedByPeriod ? `besides ${m.good.stoppedByPeriod} stopped by a real election period, as labelled` : undefined],
		['Category right (good items)', m.category],
		['Emergency precision', m.emergency.precision],
		['Emergency recall', m.emergency.recall],
		['Election period: sent only if allowed', m.election],
	];
	const fractions = rows.map(([, r]) => `${r.count}/${r.total}`);
	const wide = Math.max(...fractions.map((f) => f.length));
	rows.forEach(([name, r, extra], i) => {
		const percent = r.percent === null ? '—' : `${r.percent.toFixed(1)}%`;
		out.push(`${name.padEnd(40)}${fractions[i].padStart(wide)}  ${percent.padStart(6)}${extra ? `  (${extra})` : ''}`);
	});
	out.push('');

	out.push('Confusion matrix (rows: label, columns: verdict)');
	out.push(`${''.padEnd(8)}${VERDICTS.map((v) => v.padStart(8)).join('')}`);
	for (const decision of LABEL_DECISIONS) out.push(`${decision.padEnd(8)}${VERDICTS.map((v) => String(m.confusion[decision][v]).padStart(8)).join('')}`);

	out.push('');
	if (!m.errors.length) out.push('No errors.');
	else {
		const shown = m.errors.slice(0, ctx.maxErrors);
		const items = new Set(m.errors.map((e) => e.id)).size;
		const more = shown.length < m.errors.length ? `; the first ${shown.length} (--errors N for more)` : '';
		out.push(`Errors: ${m.errors.length} in ${plural(items, 'item')}${more}`);
		shown.forEach((e, i) => {
			if (shown[i - 1]?.id !== e.id) out.push(`${e.id}  ${e.title.replace(/\s+/g, ' ').trim()}`);
			out.push(`  ${e.measure}: expected ${e.expected}, got ${e.got}`);
			for (const reason of e.reasons) out.push(`    - ${reason}`);
		});
	}
	return `${out.join('\n')}\n`;
}
