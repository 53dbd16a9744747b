// `banditore policy eval` and `banditore policy --at published`, run as the built CLI. The figures of
// test/fixtures/policy-eval/mini.jsonl, judged by the shipped rules/meda.yaml, counted by hand:
//   13 items (1 undated): institutional 9, electoral 2, political 1, commercial 1
//   bad caught 4/4 (m09 held by the classifier, labelled reject); caught 5, of which bad 4 (m12 is institutional)
//   good blocked 1/9 (m12), held 0/9; category 7/9 (m07 notizia → avviso: school registrations are
//   a public-utility notice; m12 notizia → evento: "Giornata della memoria"); emergency 1/1 both ways
//   election 12/13 (m07 is sent as an avviso, labelled not allowed)
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCliSync } from '../cli-runner';

const MINI = 'test/fixtures/policy-eval/mini.jsonl';
const banditore = (args: string[], input = '') => runCliSync(args, { input });

function tempSet(lines: string[]): string {
	const path = join(mkdtempSync(join(tmpdir(), 'banditore-eval-')), 'set.jsonl');
	writeFileSync(path, `${lines.join('\n')}\n`);
	return path;
}

const miniLines = (): string[] => readFileSync(join(ROOT, MINI), 'utf8').split('\n').filter(Boolean);

describe('banditore policy eval', () => {
	it('prints the figures, the confusion matrix and the errors with their reasons', () => {
		const run = banditore(['policy', 'eval', MINI]);
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		const lines = run.stdout.split('\n');
		expect(lines.slice(0, 3)).toEqual([
			'13 items from mini.jsonl, rules meda.yaml, each judged at its publication time.',
			'1 item without a date judged at 2025-10-13T10:00:00.000Z, the latest date in the set.',
			'By kind: institutional 9 · electoral 2 · political 1 · commercial 1',
		]);
		expect(run.stdout).toContain(
			[
				'Bad items caught (rejected or held)       4/4  100.0%  (rejected 3, held 1)',
				'Caught items that are bad (precision)     4/5   80.0%',
				'Good items blocked (rejected)             1/9   11.1%',
				'Good items held                           0/9    0.0%',
				'Category right (good items)               7/9   77.8%',
				'Emergency precision                       1/1  100.0%',
				'Emergency recall                          1/1  100.0%',
				'Election period: sent only if allowed   12/13   92.3%',
			].join('\n'),
		);
		expect(run.stdout).toContain(
			[
				'Confusion matrix (rows: label, columns: verdict)',
				'          accept    hold  reject',
				'accept         7       0       1',
				'reject         0       1       3',
				'review         1       0       0',
			].join('\n'),
		);
		expect(run.stdout).toContain(
			[
				'Errors: 6 in 4 items',
				'm07  Iscrizioni al servizio di pre-scuola',
				'  category: expected notizia, got avviso',
				'    - Categoria «Avviso»: contiene «Iscrizioni al servizio di pre-scuola»',
				'  election: expected not sent, got sent (accept)',
			].join('\n'),
		);
		expect(run.stdout).toContain(
			[
				'm12  Giornata della memoria: incontro con i militanti della Resistenza',
				'  decision: expected accept, got reject',
				'    - Categoria «Evento»: contiene «Giornata della memoria»',
				'    - Contenuto politico: contiene «militanti»',
			].join('\n'),
		);
	});

	it('--json prints the metrics object, every error included', () => {
		const run = banditore(['policy', 'eval', MINI, '--json', '--errors', '1']);
		expect(run.code).toBe(0);
		const m = JSON.parse(run.stdout);
		expect(m.total).toBe(13);
		expect(m.undated).toBe(1);
		expect(m.bad).toEqual({ total: 4, rejected: 3, held: 1, caught: { count: 4, total: 4, percent: 100 }, precision: { count: 4, total: 5, percent: 80 } });
		expect(m.good).toEqual({ total: 9, blocked: { count: 1, total: 9, percent: 11.1 }, held: { count: 0, total: 9, percent: 0 }, stoppedByPeriod: 0 });
		expect(m.category).toEqual({ count: 7, total: 9, percent: 77.8 });
		expect(m.emergency).toEqual({ precision: { count: 1, total: 1, percent: 100 }, recall: { count: 1, total: 1, percent: 100 } });
		expect(m.election).toEqual({ count: 12, total: 13, percent: 92.3 });
		expect(m.confusion).toEqual({
			accept: { accept: 7, hold: 0, reject: 1 },
			reject: { accept: 0, hold: 1, reject: 3 },
			review: { accept: 1, hold: 0, reject: 0 },
		});
		expect(m.byKind.institutional).toEqual({ total: 9, accept: 8, hold: 0, reject: 1 });
		expect(m.errors.map((e: { id: string; measure: string }) => `${e.id} ${e.measure}`)).toEqual([
			'm07 category',
			'm07 election',
			'm09 decision',
			'm12 decision',
			'm12 category',
			'm13 decision',
		]);
	});

	it('--errors N lists the first N errors; 0 lists none but still counts them', () => {
		const one = banditore(['policy', 'eval', MINI, '--errors', '1']);
		expect(one.code).toBe(0);
		expect(one.stdout).toContain('Errors: 6 in 4 items; the first 1 (--errors N for more)\nm07  Iscrizioni al servizio di pre-scuola\n  category:');
		expect(one.stdout).not.toContain('election: expected');
		const none = banditore(['policy', 'eval', MINI, '--errors', '0']);
		expect(none.stdout).toMatch(/Errors: 6 in 4 items; the first 0 \(--errors N for more\)\n$/);
		expect(banditore(['policy', 'eval', MINI, '--errors', 'many']).code).toBe(2);
	});

	it('--rules takes another rules file; invalid rules print their problems and exit 1', () => {
		const magenta = banditore(['policy', 'eval', MINI, '--rules', 'rules/magenta.yaml']);
		expect(magenta.code).toBe(0);
		expect(magenta.stdout).toContain('13 items from mini.jsonl, rules magenta.yaml');
		const broken = banditore(['policy', 'eval', MINI, '--rules', 'test/fixtures/rules/bad-regex.yaml']);
		expect(broken.code).toBe(1);
		expect(broken.stdout).toBe('');
		expect(broken.stderr).toMatch(/^bad-regex\.yaml:\d+:\d+ /);
	});

	it('a missing set is an error that names it', () => {
		const run = banditore(['policy', 'eval', 'test/fixtures/policy-eval/nowhere.jsonl']);
		expect(run.code).toBe(1);
		expect(run.stdout).toBe('');
		expect(run.stderr).toBe('banditore: The labelled set test/fixtures/policy-eval/nowhere.jsonl does not exist.\n');
	});

	it('a malformed line is named by its number, and nothing is judged', () => {
		const lines = miniLines();
		lines.splice(2, 0, '{"id": "oops", "item": ');
		const run = banditore(['policy', 'eval', tempSet(lines)]);
		expect(run.code).toBe(1);
		expect(run.stdout).toBe('');
		expect(run.stderr).toMatch(/^banditore: set\.jsonl line 3: not valid JSON \(.+\)\.\n$/);
	});

	it('a label with an unknown value, a missing flag, an item that is not news, a repeated id', () => {
		const [first, second, third] = miniLines().map((line) => JSON.parse(line));
		const lines = [
			JSON.stringify({ ...first, label: { ...first.label, kind: 'satire' } }),
			JSON.stringify({ ...second, label: { ...second.label, electionAllowed: 'yes' } }),
			JSON.stringify({ ...second, id: 'm99', label: { ...second.label, decision: 'hold' } }),
			JSON.stringify({ ...second, id: 'm98', item: { title: 'Senza link' } }),
			JSON.stringify(third),
			JSON.stringify(third),
		];
		const run = banditore(['policy', 'eval', tempSet(lines)]);
		expect(run.code).toBe(1);
		expect(run.stdout).toBe('');
		expect(run.stderr.split('\n')).toEqual([
			'banditore: set.jsonl line 1: "m01": label.kind is "satire", not one of institutional, electoral, political, commercial.',
			'banditore: set.jsonl line 2: "m02": label.electionAllowed must be true or false, not "yes".',
			'banditore: set.jsonl line 3: "m99": label.decision is "hold", not one of accept, reject, review.',
			'banditore: set.jsonl line 4: "m98": the item is not a news item, it has no "link" text.',
			'banditore: set.jsonl line 6: id "m03" is already on line 5.',
			'',
		]);
	});

	it('an empty set is bad input', () => {
		const run = banditore(['policy', 'eval', tempSet([''])]);
		expect(run.code).toBe(1);
		expect(run.stderr).toMatch(/has no items/);
	});

	it('is in the help of policy and of banditore', () => {
		expect(banditore(['policy', '--help']).stdout).toContain('banditore policy eval <set.jsonl> [--rules FILE] [--json] [--errors N]');
		expect(banditore(['policy', 'eval', '--help']).stdout).toMatch(/^Usage: banditore policy eval <set\.jsonl>/);
		expect(banditore(['--help']).stdout).toContain('policy eval <set.jsonl>');
	});
});

describe('banditore policy --at published', () => {
	const SITE = 'https://www.comune.meda.mb.it';
	const news = (slug: string, title: string, publishedAt: string | null) =>
		JSON.stringify({
			id: `${SITE}/novita/${slug}`,
			title,
			summary: '',
			link: `${SITE}/novita/${slug}`,
			publishedAt,
			updatedAt: publishedAt,
			categories: [],
			image: null,
			source: { name: 'Città di Meda', url: `${SITE}/feed`, kind: 'rss' },
		});
	// An emergency lives 24 hours, an ordinance 72: a month later both have expired.
	const input = [news('gas', 'Fuga di gas in via Indipendenza', '2026-03-03T16:40:00Z'), news('ordinanza', 'Ordinanza di chiusura del parco Bassi', '2026-03-04T09:00:00Z')].join('\n');
	const verdicts = (stdout: string) => stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line).verdict);

	it('judges each item at its own publication time', () => {
		const run = banditore(['policy', '--rules', 'rules/meda.yaml', '--at', 'published', '--json'], input);
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		expect(verdicts(run.stdout)).toEqual(['accept', 'accept']);
		const summary = banditore(['policy', '--rules', 'rules/meda.yaml', '--at', 'published'], input);
		expect(summary.stdout).toMatch(/\(regole meda\.yaml, ciascuna valutata alla sua data di pubblicazione\)\.\n$/);
	});

	it('--at TIME still judges every item at that time', () => {
		const run = banditore(['policy', '--rules', 'rules/meda.yaml', '--at', '2026-04-03T10:00', '--json'], input);
		expect(run.code).toBe(0);
		expect(verdicts(run.stdout)).toEqual(['reject', 'reject']);
		expect(banditore(['policy', '--rules', 'rules/meda.yaml', '--at', 'yesterday'], input).stderr).toContain('or "published"');
	});
});
