import { basename } from 'node:path';
import { formatProblems, loadRules, readRulesFile, type Rules } from '../../core/rules';
import { parseCommandArgs, UsageError } from '../usage';

export const RULES_HELP = `Usage: banditore rules check <file>...

Checks rules files (see rules/README.md). Prints nothing and exits 0 when every file is valid;
otherwise prints each problem as file:line:column path: message (in Italian, for the
communications office) and exits 1.`;

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
	for (const file of files) if (!(await loadRulesOrReport(file))) code = 1;
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
		{ args, allowPositionals: true, options: { help: { type: 'boolean', short: 'h', default: false } } },
		RULES_HELP,
	);
}
