import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BanditoreError } from '../../core/errors';
import { activeCalendar, builtinCalendar, INSTALLED_CALENDAR, parseCalendar, periodsFor } from '../../core/election';
import { fetchUrl } from '../../core/http/fetch';
import { localDateTime } from '../../core/rules/time';
import { parseCommandArgs, UsageError } from '../usage';

/** Where the scheduler and the CLI look for an installed update (BANDITORE_ELECTION_CALENDAR overrides it). */
const DEFAULT_UPDATE_FILE = INSTALLED_CALENDAR;

export const ELECTION_HELP = `Usage: banditore election show --istat CODE [--at TIME] [--calendar FILE]
       banditore election update <file-or-url> [--out FILE]

The election calendar (L. 28/2000 art. 9) shipped with Banditore: which votes bind a comune, from
the convocation decree to the close of the polls.

  show     The periods that bind the comune with that ISTAT code (6 digits; Meda: 108030):
           past, in force and next; "da confermare" for rounds of comunali whose list of
           comuni the calendar does not have (confirm them in the rules' election.votes).
  update   Checks a calendar update published by the maintainers (a JSON file, or its https
           address) and installs it where the scheduler reads it; restart the scheduler after.
           A file with problems is not installed: each problem is printed.

Options:
  --istat CODE      The comune's ISTAT code
  --at TIME         Judge "in force" and "next" at this time (ISO 8601) instead of now
  --out FILE        Where update installs the file (default: ${DEFAULT_UPDATE_FILE})`;

export async function electionCommand(args: string[]): Promise<number> {
	const { values, positionals } = parseCommandArgs(
		{
			args,
			allowPositionals: true,
			options: {
				istat: { type: 'string' },
				at: { type: 'string' },
				out: { type: 'string' },
				help: { type: 'boolean', short: 'h', default: false },
			},
		},
		ELECTION_HELP,
	);
	if (values.help) {
		process.stdout.write(`${ELECTION_HELP}\n`);
		return 0;
	}
	const [action, ...rest] = positionals;
	if (action === 'update') {
		if (rest.length !== 1) throw new UsageError(`give one file or https address.\n${ELECTION_HELP}`);
		return update(rest[0], values.out ?? DEFAULT_UPDATE_FILE);
	}
	if (action === 'show') {
		if (!values.istat) throw new UsageError(`--istat is required.\n${ELECTION_HELP}`);
		return show(values.istat, values.at);
	}
	throw new UsageError(`${action ? `unknown action "${action}"` : 'missing action'}: use "show" or "update".\n${ELECTION_HELP}`);
}

async function update(source: string, out: string): Promise<number> {
	const text = /^https?:\/\//i.test(source) ? await download(source) : readText(source);
	const result = parseCalendar(text);
	if (!result.ok) {
		for (const p of result.problems) process.stderr.write(`${source}${p.path ? ` ${p.path}` : ''}: ${p.message}\n`);
		process.stderr.write('banditore: the update was not installed; the calendar in use is unchanged.\n');
		return 1;
	}
	const shipped = new Set(builtinCalendar().votes.map((v) => v.id));
	const replaced = result.calendar.votes.filter((v) => shipped.has(v.id)).length;
	mkdirSync(dirname(out), { recursive: true });
	writeFileSync(out, `${JSON.stringify(result.calendar, null, '\t')}\n`);
	process.stdout.write(
		`Installed ${out}: ${result.calendar.votes.length} votes (${result.calendar.votes.length - replaced} new, ${replaced} replacing shipped ones). Restart the scheduler to use it.\n`,
	);
	return 0;
}

async function download(url: string): Promise<string> {
	const response = await fetchUrl(url, { timeoutMs: 20_000 });
	if (response.status !== 200) throw new BanditoreError('http_status', `${url} answered HTTP ${response.status}.`, 'Check the address the maintainers published.');
	return response.body.toString('utf8');
}

function readText(file: string): string {
	try {
		return readFileSync(file, 'utf8');
	} catch (error) {
		throw new BanditoreError('unreadable', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, 'Check the path.');
	}
}

function show(istat: string, atText: string | undefined): number {
	const at = atText ? new Date(atText) : new Date();
	if (!Number.isFinite(at.getTime())) throw new UsageError(`--at "${atText}" is not an ISO 8601 time.`);
	const result = periodsFor(activeCalendar(), istat);
	if (!result.ok) {
		for (const p of result.problems) process.stderr.write(`banditore: ${p.message}\n`);
		return 1;
	}
	const { comune, periods } = result;
	process.stdout.write(`${comune.name} (${comune.province.sigla}, ${comune.region.name}), ISTAT ${comune.code}\n`);
	const when = (iso: string): string => localDateTime(iso, 'Europe/Rome');
	for (const p of periods) {
		const ms = at.getTime();
		const state = Date.parse(p.end) <= ms ? 'concluso' : Date.parse(p.start) <= ms ? 'IN CORSO' : 'futuro';
		const confirm = p.certain ? '' : ` — da confermare: aggiungere «${p.id}» a election.votes se il comune vota`;
		process.stdout.write(`  ${when(p.start)} → ${when(p.end)}  ${state.padEnd(8)} ${p.name}${confirm}\n    fonte: ${p.source}\n`);
	}
	if (!periods.length) process.stdout.write('  nessun periodo nel calendario\n');
	return 0;
}
