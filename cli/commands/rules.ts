import { basename } from 'node:path';
import { t } from '../../core/messages';
import { describePeriods, formatProblems, loadRules, readRulesFile, type Rules } from '../../core/rules';
import { parseCommandArgs, UsageError } from '../usage';

export const RULES_HELP = `Usage: banditore rules check <file>... [--at TIME]

Checks rules files (see rules/README.md) and exits 0 when every file is valid; otherwise prints
each problem as file:line:column path: message (in Italian, for the communications office) and
exits 1. For a valid file it prints one line that says so, then which election periods apply to its
comune (the rules' istat code and the built-in election calendar): the one in force, the next one,
and the votes to confirm.

Options:
  --at TIME   Say which periods apply at this time (ISO 8601) instead of now`;

export async function rulesCommand(args: string[]): Promise<number> {
	const { values, positionals } = parse(args);
	const [action, ...files] = positionals;
	if (values.help) {
		process.stdout.write(`${RULES_HELP}\n`);
		return 0;
	}
	if (action !== 'check') throw new UsageError(`${action ? `unknown action "${action}"` : 'missing action'}: the only one is "check".\n${RULES_HELP}`);
	if (files.length === 0) throw new UsageError(`give at least one rules file.\n${RULES_HELP}`);
	let code = 0;
	const at = values.at ? parseAt(values.at) : new Date();
	for (const file of files) {
		const rules = await loadRulesOrReport(file);
		if (!rules) code = 1;
		else {
			const valid = t('rulesCheck.valid', { categories: rules.categories.length, limit: rules.quota.perWeek });
			for (const line of [valid, ...describePeriods(rules, at)]) process.stdout.write(`${basename(file)}: ${line}\n`);
		}
	}
	return code;
}

/** For commands that need valid rules: problems go to stderr and the command stops with exit 1. */
export async function loadRulesOrReport(file: string): Promise<Rules | null> {
	const result = loadRules(await readRulesFile(file));
	if (result.ok) return result.rules;
	for (const line of formatProblems(result.problems, basename(file))) process.stderr.write(`${line}\n`);
	return null;
}

function parse(args: string[]) {
	return parseCommandArgs(
		{ args, allowPositionals: true, options: { at: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } },
		RULES_HELP,
	);
}

function parseAt(text: string): Date {
	const at = new Date(text);
	if (!Number.isFinite(at.getTime())) throw new UsageError(`--at "${text}" is not an ISO 8601 time, e.g. 2026-05-25T10:00:00+02:00.`);
	return at;
}
