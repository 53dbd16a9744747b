import { basename } from 'node:path';
import { missingNewsFields, type NewsItem } from '../../core/item';
import { evaluate, type Decision, type Rules, type Verdict } from '../../core/rules';
import { publishedAt } from '../../core/rules/eval';
import { localDateTime } from '../../core/rules/time';
import { DateTime } from '../../core/vendor';
import { readJsonLines } from '../json-lines';
import { parseCommandArgs, readStdin, UsageError } from '../usage';
import { policyEvalCommand } from './policy-eval';
import { policyTrainCommand } from './policy-train';
import { loadRulesOrReport } from './rules';

export const POLICY_HELP = `Usage: banditore policy --rules <file> [--at <time>|published] [--json]
       banditore policy eval <set.jsonl> [--rules FILE] [--json] [--errors N]
       banditore policy train <set.jsonl> [--out FILE] [--holdout F] [--json]

Reads news items as JSON lines on stdin (what "banditore feed --json" prints) and prints the
decision of the rules for each one: accept, hold (needs approval) or reject, with the reasons.

Options:
  --rules FILE   The rules file (required); invalid rules print their problems and exit 1
  --at TIME      Judge as if it were this time (election periods, expiry), ISO 8601:
                 2026-05-25T10:00 is read in the comune's time zone, unless it has an offset
  --at published Judge each item at its own publication time (items without one: now)
  --json         One JSON object per line: id, title, verdict, codes, reasons, category,
                 priority, emergency, expiresAt, text

Example:
  banditore feed https://www.comune.example.it/feed --json | banditore policy --rules rules/meda.yaml

"banditore policy eval" measures the rules against a labelled set instead: see
"banditore policy eval --help".`;

/** At most this many malformed lines are listed: a wrong file would otherwise flood the terminal. */
const MAX_LISTED = 10;

export async function policyCommand(args: string[]): Promise<number> {
	if (args[0] === 'eval') return await policyEvalCommand(args.slice(1));
	if (args[0] === 'train') return await policyTrainCommand(args.slice(1));
	const { values, positionals } = parse(args);
	if (values.help) {
		process.stdout.write(`${POLICY_HELP}\n`);
		return 0;
	}
	if (positionals.length) throw new UsageError(`unexpected "${positionals[0]}": items come on stdin.\n${POLICY_HELP}`);
	if (!values.rules) throw new UsageError(`--rules is required.\n${POLICY_HELP}`);
	if (process.stdin.isTTY) throw new UsageError(`pipe news items in as JSON lines, e.g. banditore feed <url> --json | banditore policy --rules ${values.rules}`);
	const rules = await loadRulesOrReport(values.rules);
	if (!rules) return 1;
	const atPublished = values.at?.trim() === 'published';
	const now = values.at && !atPublished ? parseTime(values.at, rules.timezone) : new Date();

	// Read everything before judging anything: a bad line stops the run with no decision printed.
	const { items, problems } = parseLines(await readStdin());
	if (problems.length) {
		for (const problem of problems.slice(0, MAX_LISTED)) process.stderr.write(`banditore: ${problem}\n`);
		if (problems.length > MAX_LISTED) process.stderr.write(`banditore: … and ${problems.length - MAX_LISTED} more malformed lines.\n`);
		return 1;
	}
	const decisions = items.map((item) => ({ item, decision: evaluate(item, rules, { now: atPublished ? (publishedAt(item) ?? now) : now }) }));
	if (values.json) {
		for (const { item, decision } of decisions) process.stdout.write(`${JSON.stringify(decisionLine(item, decision))}\n`);
	} else {
		process.stdout.write(summary(decisions, rules, basename(values.rules), atPublished ? 'published' : now));
	}
	return 0;
}

function parse(args: string[]) {
	return parseCommandArgs({
		args,
		allowPositionals: true,
		options: {
			rules: { type: 'string' },
			at: { type: 'string' },
			json: { type: 'boolean', default: false },
			help: { type: 'boolean', short: 'h', default: false },
		},
	}, POLICY_HELP);
}

function parseTime(text: string, zone: string): Date {
	const at = DateTime.fromISO(text.trim(), { zone });
	if (!at.isValid) throw new UsageError(`--at "${text}" is not an ISO 8601 time; write it as 2026-05-25T10:00 or 2026-05-25T08:00Z, or "published".`);
	return at.toJSDate();
}

export function parseLines(text: string): { items: NewsItem[]; problems: string[] } {
	const { values, problems } = readJsonLines<NewsItem>(text, (value) => {
		if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'not a JSON object; each line must be one news item.' };
		const missing = missingNewsFields(value);
		if (missing.length) return { problem: `not a news item, it has no ${missing.map((field) => `"${field}"`).join(' and no ')} text.` };
		return { value: value as NewsItem };
	});
	return { items: values, problems };
}

function decisionLine(item: NewsItem, d: Decision) {
	return {
		id: item.id ?? null,
		title: item.title,
		verdict: d.verdict,
		codes: d.codes,
		reasons: d.reasons,
		category: d.category,
		priority: d.priority,
		emergency: d.emergency,
		expiresAt: d.expiresAt,
		text: d.text,
	};
}

// The decisions are for the communications office, like the reasons: in Italian.
const VERDICT: Record<Verdict, [string, string]> = {
	accept: ['accettata', 'accettate'],
	hold: ['in attesa', 'in attesa'],
	reject: ['respinta', 'respinte'],
};

function summary(decisions: Array<{ item: NewsItem; decision: Decision }>, rules: Rules, file: string, now: Date | 'published'): string {
	const lines: string[] = [];
	for (const { item, decision: d } of decisions) {
		lines.push(`${VERDICT[d.verdict][0].toUpperCase()}: ${item.title}`);
		const facts = [d.categoryLabel ? `categoria ${d.categoryLabel}` : 'nessuna categoria', `priorità ${d.priority}`];
		if (d.emergency) facts.push('emergenza');
		if (d.expiresAt) facts.push(`scade il ${localDateTime(d.expiresAt, rules.timezone)}`);
		lines.push(`  ${facts.join(' · ')}`);
		for (const reason of d.reasons) lines.push(`  - ${reason}`);
		lines.push('');
	}
	const count = (verdict: Verdict): string => {
		const n = decisions.filter((x) => x.decision.verdict === verdict).length;
		return `${n} ${VERDICT[verdict][n === 1 ? 0 : 1]}`;
	};
	const total = decisions.length;
	lines.push(
		`${total} ${total === 1 ? 'notizia' : 'notizie'}: ${count('accept')}, ${count('hold')}, ${count('reject')} ` +
			`(regole ${file}, ${now === 'published' ? 'ciascuna valutata alla sua data di pubblicazione' : `valutate al ${localDateTime(now.toISOString(), rules.timezone)}`}).`,
	);
	return `${lines.join('\n')}\n`;
}
