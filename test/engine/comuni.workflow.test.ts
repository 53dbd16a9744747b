// workflows/sito-coda-comuni.json through the real n8n engine against a real scheduler with three
// channels: two comuni with their own sources (and one source both share), one channel with none.
// Scheduler "Get Many channels" → Feed (sources from each item) → Policy and enqueue with the
// channel of each item: every comune's news reach its own channel only, judged by its own rules.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { parse, stringify } from 'yaml';
import type { IDataObject, INode } from 'n8n-workflow';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import { call, freshDatabase, rulesFile, tempDir, testConfig, TOKEN, type TestDatabase } from '../scheduler/helpers';
import { makeWorkflow, runWorkflow, type CredentialValues, type WorkflowJson } from './harness';
import { rss } from './feeds';

const ROOT = join(__dirname, '..', '..');
const VALMORENA = 'https://www.comune.valmorena.example.it';
const BORGO = 'https://www.comune.borgo.example.it';
const PROVINCIA = 'https://www.provincia.example.it';
const [CHANNELS, FEED, POLICY, ENQUEUE] = ['Canali dei comuni', 'Siti dei comuni', 'Regole del canale', 'In coda allo scheduler'];

interface Stored {
	dedupeKey: string;
	state: string;
	item: { title: string; channel?: string } | null;
}

/** The shipped workflow's Banditore nodes and their connections (the harness loads only our node types). */
function shippedWorkflow(): WorkflowJson {
	const workflow = JSON.parse(readFileSync(join(ROOT, 'workflows', 'sito-coda-comuni.json'), 'utf8')) as WorkflowJson;
	const nodes = workflow.nodes.filter((node) => node.type.startsWith('n8n-nodes-banditore.'));
	const ours = new Set(nodes.map((node) => node.name));
	return { nodes, connections: Object.fromEntries(Object.entries(workflow.connections).filter(([from]) => ours.has(from))) };
}

/** Meda's rules with `commercial` extra blocked words: the two comuni decide differently. */
function rulesWith(dir: string, words: string[]): string {
	const file = rulesFile(dir);
	const rules = parse(readFileSync(file, 'utf8'));
	rules.blocked.find((list: { id: string }) => list.id === 'commerciale').words = words;
	writeFileSync(file, stringify(rules));
	return file;
}

describe('Siti dei comuni → coda: one workflow for many comuni, in the n8n engine', () => {
	let db: TestDatabase;
	let scheduler: Scheduler;
	let credentials: CredentialValues;
	const today = new Date().toUTCString();

	beforeEach(async () => {
		const dir = tempDir();
		db = await freshDatabase('sqlite', dir);
		const outbox = { kind: 'outbox' as const, file: join(dir, 'outbox.jsonl') };
		const config = testConfig(db.database, { id: 'valmorena', name: 'Comune di Valmorena', rules: rulesWith(dir, []), delivery: outbox });
		config.channels = [
			{ ...config.channels[0], sources: [{ url: `${VALMORENA}/novita.xml`, kind: 'rss' }, { url: `${PROVINCIA}/avvisi.xml` }] },
			{ id: 'borgo', name: 'Comune di Borgo', rules: rulesWith(dir, ['castagne']), delivery: outbox, sources: [{ url: `${BORGO}/feed`, kind: 'rss', name: 'Comune di Borgo' }, { url: `${PROVINCIA}/avvisi.xml`, kind: 'auto' }] },
			{ id: 'senza', name: 'Canale senza siti', rules: rulesWith(dir, []), delivery: outbox },
		];
		scheduler = await startScheduler(config, { dispatch: false });
		credentials = { banditoreSchedulerApi: { url: scheduler.url, token: TOKEN } };
	});

	afterEach(async () => {
		await scheduler.close();
		await db.drop();
	});

	function sites(): void {
		nock(VALMORENA)
			.get('/novita.xml')
			.reply(200, rss([{ guid: 'v-1', title: 'Ordinanza: chiusura di via Roma a Valmorena', link: `${VALMORENA}/n/1`, pubDate: today, category: 'Ordinanze' }]));
		nock(BORGO)
			.get('/feed')
			.reply(
				200,
				rss([
					{ guid: 'b-1', title: 'Avviso: raccolta differenziata a Borgo, nuovo calendario', link: `${BORGO}/n/1`, pubDate: today },
					{ guid: 'b-2', title: 'Ordinanza: senso unico in piazza a Borgo', link: `${BORGO}/n/2`, pubDate: today, category: 'Ordinanze' },
				]),
			);
		// The province's feed, listed by both: each channel reads it (and remembers it) on its own.
		nock(PROVINCIA)
			.get('/avvisi.xml')
			.times(2)
			.reply(200, rss([{ guid: 'p-1', title: 'Avviso: mercato delle castagne in piazza', link: `${PROVINCIA}/n/1`, pubDate: today }], 'Provincia'));
	}

	const stored = async (channel: string) => (await call<{ messages: Stored[] }>(scheduler.url, 'GET', `/v1/channels/${channel}/messages?limit=100`)).body.messages;
	const keys = (list: Array<{ dedupeKey?: unknown; id?: unknown }>) => list.map((m) => String(m.dedupeKey ?? m.id)).sort();

	it('lists the channels with their sources, and sends each comune its own news judged by its own rules', async () => {
		sites();
		const workflow = await makeWorkflow(shippedWorkflow());
		const result = await runWorkflow(workflow, { credentials, startNode: CHANNELS });
		for (const name of [CHANNELS, FEED, POLICY, ENQUEUE]) expect(result.error(name)).toBeUndefined();

		expect(result.output(CHANNELS)).toEqual([
			{ id: 'valmorena', name: 'Comune di Valmorena', comune: 'default', paused: false, sources: [{ url: `${VALMORENA}/novita.xml`, kind: 'rss' }, { url: `${PROVINCIA}/avvisi.xml` }] },
			{ id: 'borgo', name: 'Comune di Borgo', comune: 'default', paused: false, sources: [{ url: `${BORGO}/feed`, kind: 'rss', name: 'Comune di Borgo' }, { url: `${PROVINCIA}/avvisi.xml`, kind: 'auto' }] },
			{ id: 'senza', name: 'Canale senza siti', comune: 'default', paused: false, sources: [] },
		]);
		// Every item read says whose it is; the channel without sources reads nothing.
		const read = result.output(FEED).map((item) => [item.channel, item.id]);
		expect(read).toEqual([
			['valmorena', 'v-1'],
			['valmorena', 'p-1'],
			['borgo', 'b-1'],
			['borgo', 'b-2'],
			['borgo', 'p-1'],
		]);
		expect(result.output(FEED).find((item) => item.id === 'b-1')?.source).toMatchObject({ name: 'Comune di Borgo' });

		// The Policy node read each item's channel rules: the province's chestnut market is an ad for Borgo only.
		const verdicts = (output: number) => result.output(POLICY, output).map((item) => `${item.channel}:${item.id}`).sort();
		expect(verdicts(0)).toEqual(['borgo:b-1', 'borgo:b-2', 'valmorena:p-1', 'valmorena:v-1']);
		expect(verdicts(1)).toEqual(['borgo:p-1']);
		expect((result.output(POLICY, 1)[0].decision as { reasons: string[] }).reasons).toContain('Contenuto pubblicitario: contiene «castagne»');

		// Each enqueue went to the item's channel; the scheduler judged again with that channel's rules.
		// n8n runs the enqueue once for each Policy output that has items.
		const enqueued = result.run.data.resultData.runData[ENQUEUE].flatMap((run) => run.data!.main[0]!.map((item) => item.json));
		expect(enqueued.map((m) => `${m.channel}:${m.dedupeKey}:${m.state}`).sort()).toEqual([
			'borgo:b-1:queued',
			'borgo:b-2:queued',
			'borgo:p-1:rejected',
			'valmorena:p-1:queued',
			'valmorena:v-1:queued',
		]);
		expect(keys(await stored('valmorena'))).toEqual(['p-1', 'v-1']);
		expect(keys(await stored('borgo'))).toEqual(['b-1', 'b-2', 'p-1']);
		expect(await stored('senza')).toEqual([]);
		for (const channel of ['valmorena', 'borgo']) for (const m of await stored(channel)) expect(m.item?.channel).toBe(channel);
	});

	it('remembers what it read per channel: a second run reads the sites again and enqueues nothing new', async () => {
		const workflow = await makeWorkflow(shippedWorkflow());
		sites();
		await runWorkflow(workflow, { credentials, startNode: CHANNELS });
		sites();
		const second = await runWorkflow(workflow, { credentials, startNode: CHANNELS });
		expect(second.error(FEED)).toBeUndefined();
		expect(second.output(FEED)).toEqual([]);
		expect(Object.keys((workflow.staticData[`node:${FEED}`] as IDataObject).sources as IDataObject).sort()).toEqual([
			`borgo ${BORGO}/feed`,
			`borgo ${PROVINCIA}/avvisi.xml`,
			`valmorena ${VALMORENA}/novita.xml`,
			`valmorena ${PROVINCIA}/avvisi.xml`,
		]);
		expect(keys(await stored('borgo'))).toEqual(['b-1', 'b-2', 'p-1']);
	});

	it('Get Many with a limit returns the first channels only', async () => {
		const lister: INode = { ...shippedWorkflow().nodes.find((n) => n.name === CHANNELS)!, parameters: { resource: 'channel', operation: 'getAll', returnAll: false, limit: 2 } };
		const result = await runWorkflow(await makeWorkflow({ nodes: [lister], connections: {} }), { credentials });
		expect(result.output(CHANNELS).map((c) => c.id)).toEqual(['valmorena', 'borgo']);
	});
});

test("Get Many passes a channel's comune on when the scheduler names one, and no sources from a scheduler that has none", async () => {
	const scheduler = 'http://scheduler.example.it';
	nock(scheduler)
		.get('/v1/channels')
		.reply(200, {
			channels: [
				{ id: 'meda', name: 'Comune di Meda', paused: true, comune: 'meda', rulesVersion: 3, sources: [{ url: 'https://www.comune.meda.mb.it/' }] },
				{ id: 'seveso', name: 'Comune di Seveso', paused: false, rulesVersion: 1 },
			],
		});
	const lister: INode = { ...shippedWorkflow().nodes.find((n) => n.name === CHANNELS)! };
	const result = await runWorkflow(await makeWorkflow({ nodes: [lister], connections: {} }), { credentials: { banditoreSchedulerApi: { url: scheduler, token: TOKEN } } });
	expect(result.output(CHANNELS)).toEqual([
		{ id: 'meda', name: 'Comune di Meda', comune: 'meda', paused: true, sources: [{ url: 'https://www.comune.meda.mb.it/' }] },
		{ id: 'seveso', name: 'Comune di Seveso', paused: false, sources: [] },
	]);
});

describe('Banditore Feed with sources from the input: what it says when an item has none', () => {
	const feedNode = (parameters: IDataObject): INode => ({
		id: 'feed',
		name: 'Feed',
		type: 'n8n-nodes-banditore.banditoreFeed',
		typeVersion: 1,
		position: [0, 0],
		parameters: { sourcesFrom: 'input', ...parameters },
	});
	const runFeed = async (json: IDataObject) => {
		const result = await runWorkflow(await makeWorkflow({ nodes: [feedNode({})], connections: {} }), { input: [{ json: { id: 'ca', sources: [] } }, { json }] });
		return result.error('Feed') as (Error & { description?: string }) | undefined;
	};

	it.each([
		[{ id: 'meda' }, /"sources" field of input item 2 is not a list of sources: it holds nothing/],
		[{ id: 'meda', sources: 'https://www.comune.example.it/' }, /it holds the text "https:\/\/www\.comune\.example\.it\/"/],
		[{ id: 'meda', sources: [{ url: 'https://www.comune.example.it/', kind: 'atom' }] }, /source 1 has the kind "atom", which is not one of auto, rss, html, youtube, facebook, instagram/],
		[{ id: 'meda', sources: [{ url: 'https://a.example.it/' }, { kind: 'rss' }] }, /source 2 has no address in "url"/],
		[{ id: 'meda', sources: [{ url: 'https://a.example.it/', selector: 'h3' }] }, /source 1 has fields a source does not have: selector/],
		[{ sources: [] }, /The "id" field of input item 2 holds no channel ID/],
	])('%j', async (json, message) => {
		const error = await runFeed(json);
		expect(error?.message).toMatch(message);
		expect(error?.description).toMatch(/Give a list like|Channel → Get Many/);
	});

	it('reads no channel when Channel Field is empty, and continues on fail with the error as an item', async () => {
		const node = { ...feedNode({ channelField: '' }), continueOnFail: true };
		const result = await runWorkflow(await makeWorkflow({ nodes: [node], connections: {} }), { input: [{ json: { sources: [] } }, { json: { sources: 'x' } }] });
		expect(result.error('Feed')).toBeUndefined();
		expect(result.output('Feed')).toEqual([{ error: expect.stringMatching(/input item 2 is not a list of sources/), hint: expect.stringMatching(/^Give a list like/), code: 'bad_sources', source: 'input' }]);
	});
});
