// `banditore feed facebook:<id>` and `instagram:<id>` as people run them: the built CLI in a child
// process, the token from the environment, against a fake Graph API on 127.0.0.1.
import type { NewsItem } from '../../core/item';
import { runCli, type CliRun } from '../cli-runner';
import { facebookPost, graphError, instagramMedia, linkAttachment, startFakeMetaGraph, type FakeMetaGraph } from '../social/fake-meta-graph';

const PAGE = '104000000000001';
const IG = '17841400000000001';

let graph: FakeMetaGraph;

beforeEach(async () => {
	graph = await startFakeMetaGraph();
});

afterEach(async () => {
	await graph.close();
});

function banditore(args: string[], env: Record<string, string> = { BANDITORE_META_TOKEN: graph.token, BANDITORE_META_GRAPH_URL: graph.url }): Promise<CliRun> {
	// Whatever the developer's shell exports, each test says exactly what the CLI sees.
	return runCli(['feed', ...args], { env: { BANDITORE_META_TOKEN: '', BANDITORE_META_GRAPH_URL: '', ...env } });
}

function jsonLines(stdout: string): NewsItem[] {
	return stdout.trim().split('\n').map((line) => JSON.parse(line) as NewsItem);
}

function expectFailure(run: CliRun, code: number, message: string): void {
	expect(run.code).toBe(code);
	expect(run.stdout).toBe('');
	expect(run.stderr.split('\n')).toEqual([expect.stringMatching(/^banditore: /), '']);
	expect(run.stderr).not.toMatch(/\n\s+at /);
	expect(run.stderr).toContain(message);
}

describe('banditore feed on Facebook and Instagram', () => {
	it('prints the posts of a Page as JSON lines, with the page each one shares', async () => {
		graph.accounts.set(PAGE, {
			kind: 'facebook',
			data: [
				facebookPost('2', 'Allerta meteo arancione\nDomani scuole chiuse.', '2026-11-24T06:00:00+0000', { attachments: linkAttachment('https://www.comune.meda.mb.it/novita/allerta', 'Allerta meteo') }),
				facebookPost('1', 'Mercato di Natale in piazza', '2026-11-22T08:00:00+0000'),
			],
		});
		const run = await banditore([`facebook:${PAGE}`, '--json']);
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		expect(jsonLines(run.stdout).map((item) => [item.id, item.title, item.summary, item.sharedLink])).toEqual([
			[`facebook:${PAGE}_2`, 'Allerta meteo arancione', 'Domani scuole chiuse.', 'https://www.comune.meda.mb.it/novita/allerta'],
			[`facebook:${PAGE}_1`, 'Mercato di Natale in piazza', '', null],
		]);
		expect(graph.requests[0].authorization).toBe(`Bearer ${graph.token}`);
	});

	it('lists an Instagram account for people, with --kind and a warning for a post without caption', async () => {
		graph.accounts.set(IG, {
			kind: 'instagram',
			data: [instagramMedia('9', 'Concerto di Natale della banda civica\nSabato alle 21 in Duomo.', '2026-11-21T18:00:00+0000'), instagramMedia('8', null, '2026-11-20T18:00:00+0000')],
		});
		const run = await banditore([IG, '--kind', 'instagram']);
		expect(run.code).toBe(0);
		expect(run.stdout).toContain('1 item from @comunedimeda (instagram)');
		expect(run.stdout).toContain('  1. Concerto di Natale della banda civica');
		expect(run.stdout).toContain('https://www.instagram.com/p/C9/');
		expect(run.stderr).toBe('warning: Instagram post 8 has no caption: skipped.\n');
	});

	it('says which variable to set when there is no token', async () => {
		const run = await banditore([`facebook:${PAGE}`], {});
		expectFailure(run, 2, 'BANDITORE_META_TOKEN is not set');
		expect(graph.requests).toHaveLength(0);
	});

	it('an expired token: one line saying to put a new one in BANDITORE_META_TOKEN, without the token', async () => {
		graph.accounts.set(PAGE, { kind: 'facebook', data: [] });
		const run = await banditore([`facebook:${PAGE}`], { BANDITORE_META_TOKEN: 'EAAB-expired', BANDITORE_META_GRAPH_URL: graph.url });
		expectFailure(run, 1, `Meta refused the access token for the Facebook Page ${PAGE}: it has expired or was revoked (Graph API error 190/463). Create a new Page access token and put it in BANDITORE_META_TOKEN.`);
		expect(run.stderr).not.toContain('EAAB-expired');
	});

	it('a wrong id and a missing permission, each in one line', async () => {
		expectFailure(await banditore(['facebook:404404']), 1, 'Meta knows no Facebook Page "404404" that this token can read');
		graph.accounts.set(IG, { kind: 'instagram', data: [], forbidden: true });
		expectFailure(await banditore([`instagram:${IG}`]), 1, 'instagram_basic');
	});

	it('a throttled Page: says when to try again', async () => {
		graph.script = () => ({
			...graphError(32, '(#32) Page request limit reached'),
			headers: { 'x-business-use-case-usage': JSON.stringify({ [PAGE]: [{ type: 'pages', call_count: 100, total_cputime: 40, total_time: 40, estimated_time_to_regain_access: 5 }] }) },
		});
		expectFailure(await banditore([`facebook:${PAGE}`]), 1, 'Try again in about 5 minutes, and poll less often.');
	});

	it('says the kinds in --help and refuses an unknown one', async () => {
		const help = await runCli(['feed', '--help']);
		expect(help.stdout).toContain('--kind auto|rss|html|youtube|facebook|instagram');
		expect(help.stdout).toContain('BANDITORE_META_TOKEN');
		expectFailure(await banditore([PAGE, '--kind', 'tiktok']), 2, '--kind must be one of auto, rss, html, youtube, facebook, instagram');
	});
});
