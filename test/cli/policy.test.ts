// `banditore policy` as people run it: the built CLI in child processes, fed by `banditore feed --json`
// through a real pipe, or by JSON lines written to its stdin.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT, runCliSync, type CliRun } from '../cli-runner';
import { rss } from '../engine/feeds';

const SITE = 'https://www.comune.meda.mb.it';
const AT = '2026-04-01T12:00';

const banditore = (args: string[], input = '') => runCliSync(args, { input });

/** `banditore feed <file> --json | banditore policy …`, two processes joined by a pipe, no shell. */
function pipeline(feedFile: string, policyArgs: string[]): Promise<CliRun & { feedCode: number | null }> {
	return new Promise((resolve, reject) => {
		const feed = spawn(process.execPath, [CLI, 'feed', feedFile, '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
		const policy = spawn(process.execPath, [CLI, 'policy', ...policyArgs], { cwd: ROOT, stdio: [feed.stdout, 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		policy.stdout.on('data', (chunk) => (stdout += chunk));
		policy.stderr.on('data', (chunk) => (stderr += chunk));
		let feedCode: number | null = null;
		feed.on('exit', (code) => (feedCode = code));
		policy.on('error', reject);
		policy.on('close', (code) => resolve({ code, stdout, stderr, feedCode }));
	});
}

function feedFile(): string {
	const path = join(mkdtempSync(join(tmpdir(), 'banditore-policy-')), 'novita.xml');
	writeFileSync(
		path,
		rss(
			[
				{
					guid: 'allerta',
					title: 'Allerta meteo rossa per temporali forti',
					link: `${SITE}/novita/allerta`,
					pubDate: 'Wed, 01 Apr 2026 07:00:00 +0200',
					category: 'Protezione civile',
				},
				{ guid: 'vota', title: 'Vota la lista civica per il futuro di Meda', link: `${SITE}/novita/appello`, pubDate: 'Wed, 01 Apr 2026 09:00:00 +0200' },
				{ guid: 'vecchia', title: 'La biblioteca si rinnova', link: `${SITE}/novita/biblioteca`, pubDate: 'Mon, 02 Mar 2026 10:00:00 +0100' },
			],
			'Città di Meda - Novità',
		),
	);
	return path;
}

const jsonLines = (text: string) => text.split('\n').filter(Boolean).map((line) => JSON.parse(line));

describe('banditore policy', () => {
	it('judges what `banditore feed --json` pipes in, one JSON decision per item', async () => {
		const run = await pipeline(feedFile(), ['--rules', 'rules/meda.yaml', '--at', AT, '--json']);
		expect(run.feedCode).toBe(0);
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		const decisions = jsonLines(run.stdout);
		expect(decisions.map((d) => Object.keys(d))).toEqual(
			Array(3).fill(['id', 'title', 'verdict', 'codes', 'reasons', 'category', 'priority', 'emergency', 'expiresAt', 'text']),
		);
		expect(decisions[0]).toEqual({
			id: 'vota',
			title: 'Vota la lista civica per il futuro di Meda',
			verdict: 'reject',
			codes: ['category', 'blocked.elettorale'],
			reasons: ['Categoria «Notizia»: indirizzo con «/novita/»', 'Contenuto elettorale: contiene «Vota»'],
			category: 'notizia',
			priority: 10,
			emergency: false,
			expiresAt: '2026-04-05T07:00:00.000Z',
			text: expect.stringMatching(/^📰 \*Vota la lista civica per il futuro di Meda\*\n\nhttps:\/\/www\.comune\.meda\.mb\.it\/novita\/appello\n\nCanale informativo/),
		});
		expect(decisions[1]).toEqual(
			expect.objectContaining({
				id: 'allerta',
				verdict: 'accept',
				category: 'emergenza',
				emergency: true,
				reasons: [
					'Categoria «Emergenza»: contiene «Allerta meteo rossa»',
					'Emergenza: fuori dal limite settimanale, da registrare con la motivazione',
				],
			}),
		);
		expect(decisions[2]).toEqual(
			expect.objectContaining({
				id: 'vecchia',
				verdict: 'reject',
				codes: ['category', 'expired.age'],
				reasons: ['Categoria «Notizia»: indirizzo con «/novita/»', 'Scaduto: pubblicato il 02/03/2026 10:00, più di 96 ore fa'],
			}),
		);
	});

	it('prints a readable Italian summary without --json', async () => {
		const run = await pipeline(feedFile(), ['--rules', 'rules/meda.yaml', '--at', AT]);
		expect(run.code).toBe(0);
		expect(run.stdout.split('\n').slice(0, 4)).toEqual([
			'RESPINTA: Vota la lista civica per il futuro di Meda',
			'  categoria Notizia · priorità 10 · scade il 05/04/2026 09:00',
			'  - Categoria «Notizia»: indirizzo con «/novita/»',
			'  - Contenuto elettorale: contiene «Vota»',
		]);
		expect(run.stdout).toContain('ACCETTATA: Allerta meteo rossa per temporali forti\n  categoria Emergenza · priorità 100 · emergenza');
		expect(run.stdout.trimEnd().split('\n').pop()).toBe('3 notizie: 1 accettata, 0 in attesa, 2 respinte (regole meda.yaml, valutate al 01/04/2026 12:00).');
	});

	it('reads --at with an offset as that instant', () => {
		const item = JSON.stringify({ id: 'a', title: 'Avviso', link: `${SITE}/avvisi/a`, publishedAt: '2026-04-01T08:00:00Z', categories: [], source: { kind: 'rss' } });
		const inTime = banditore(['policy', '--rules', 'rules/meda.yaml', '--at', '2026-04-04T07:59Z', '--json'], item);
		const late = banditore(['policy', '--rules', 'rules/meda.yaml', '--at', '2026-04-04T10:00+02:00', '--json'], item);
		expect(jsonLines(inTime.stdout)[0].verdict).toBe('accept');
		expect(jsonLines(late.stdout)[0].codes).toEqual(['category', 'expired.age']);
	});

	it('prints no decision when the rules are invalid: the problems go to stderr, exit 1', async () => {
		const run = await pipeline(feedFile(), ['--rules', 'test/fixtures/rules/unknown-category.yaml', '--json']);
		expect(run.code).toBe(1);
		expect(run.stdout).toBe('');
		expect(run.stderr).toBe('unknown-category.yaml:14:10 election.pass[0]: Categoria sconosciuta «emergenze». Forse intendevi «emergenza»?\n');
	});

	it('stops at malformed input, saying which lines and why, before printing any decision', () => {
		const good = JSON.stringify({ id: 'a', title: 'Avviso', link: `${SITE}/avvisi/a` });
		const input = [good, '', '{"title": "senza link"', JSON.stringify({ title: 'Senza link' }), '[1, 2]', good].join('\n');
		const run = banditore(['policy', '--rules', 'rules/meda.yaml', '--json'], input);
		expect(run.code).toBe(1);
		expect(run.stdout).toBe('');
		expect(run.stderr.split('\n').filter(Boolean)).toEqual([
			expect.stringMatching(/^banditore: line 3: not valid JSON \(.+\)\.$/),
			'banditore: line 4: not a news item, it has no "link" text.',
			'banditore: line 5: not a JSON object; each line must be one news item.',
		]);
	});

	it('accepts no input: no decision with --json, a zero count without', () => {
		expect(banditore(['policy', '--rules', 'rules/meda.yaml', '--json'], '')).toEqual({ code: 0, stdout: '', stderr: '' });
		expect(banditore(['policy', '--rules', 'rules/meda.yaml'], '\n').stdout).toMatch(/^0 notizie: 0 accettate, 0 in attesa, 0 respinte \(regole meda\.yaml, /);
	});

	it('explains how it is called (exit 2) and when the rules file is missing (exit 1)', () => {
		expect(banditore(['policy']).stderr).toMatch(/^banditore: --rules is required\./);
		expect(banditore(['policy']).code).toBe(2);
		const badTime = banditore(['policy', '--rules', 'rules/meda.yaml', '--at', 'domani']);
		expect(badTime.code).toBe(2);
		expect(badTime.stderr).toMatch(/^banditore: --at "domani" is not an ISO 8601 time/);
		const missing = banditore(['policy', '--rules', 'rules/nessuno.yaml'], '{}');
		expect(missing.code).toBe(1);
		expect(missing.stderr).toBe('banditore: The rules file rules/nessuno.yaml does not exist. Check the path and the file name.\n');
	});
});
