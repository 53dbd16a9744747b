// banditore demo: a week of the channel, simulated on the comune's site with the real scheduler.
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { NewsItem } from '../../core/item';
import { readSource } from '../../core/read';
import { fetchWithFiles, resolveTarget } from '../target';
import { parseCommandArgs, UsageError } from '../usage';

const ROOT = join(__dirname, '..', '..', '..');
/** The demo comune's pages are a snapshot of mid-November 2026: its week starts the morning after its alert. */
const DEMO_SITE_AT = '2026-11-20T07:00:00Z';

const DEMO_HELP = `Usage: banditore demo [<url-or-file>…] [--rules FILE] [--at DATE] [--dir FOLDER]

Reads the comune's site: its home page, listings or feeds (default: the demo comune in demo/sito,
its home page and its RSS of notices), puts every item through the rules
(default: rules/valmorena.yaml, the demo comune's) into a scheduler of its own, runs that scheduler over this week, and prints
what would be posted and why the rest was held, deferred or rejected. Nothing is sent.

Options:
  --rules FILE     The channel's rules file
  --at DATE        Simulate from this moment (ISO 8601; default: now, or for the demo comune
                   the morning its pages were written for)
  --dir FOLDER     Where to keep the demo's database and outbox file (default: data/demo)`;

interface DemoModule {
	simulateWeek(options: { items: unknown[]; rules: string; dir: string; now: Date }): Promise<unknown>;
	formatDemoReport(report: unknown, source: string, rulesName: string): string;
}

export async function demoCommand(args: string[]): Promise<number> {
	const { values, positionals } = parseCommandArgs(
		{ args, allowPositionals: true, options: { rules: { type: 'string' }, at: { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } },
		DEMO_HELP,
	);
	if (values.help) {
		process.stdout.write(`${DEMO_HELP}\n`);
		return 0;
	}
	const rules = resolve(values.rules ?? join(ROOT, 'rules', 'valmorena.yaml'));
	if (!existsSync(rules)) throw new UsageError(`the rules file ${rules} does not exist.`);
	const module = join(ROOT, 'scheduler', 'dist', 'scheduler', 'src', 'demo.js');
	if (!existsSync(module)) throw new UsageError('the scheduler is not built. Run "npm run build" first.');
	const sources = positionals.length ? positionals : ['index.html', 'avvisi.xml'].map((file) => join(ROOT, 'demo', 'sito', file));
	const at = new Date(values.at ?? (positionals.length ? Date.now() : DEMO_SITE_AT));
	if (Number.isNaN(at.getTime())) throw new UsageError(`--at must be a date and time like 2026-11-20T09:00:00+01:00, not "${values.at}".`);
	const items: NewsItem[] = [];
	for (const source of sources) {
		const target = await resolveTarget(source);
		const read = await readSource({ url: target.url }, { fetch: target.fetch ?? fetchWithFiles, now: at });
		for (const warning of read.warnings) process.stderr.write(`warning: ${warning}\n`);
		items.push(...read.items);
	}
	const dir = resolve(values.dir ?? join('data', 'demo'));
	mkdirSync(dir, { recursive: true });
	const demo = (await import(module)) as DemoModule;
	const report = await demo.simulateWeek({ items, rules, dir, now: at });
	process.stdout.write(demo.formatDemoReport(report, sources.map((source) => basename(source)).join(', '), basename(rules)));
	return 0;
}
