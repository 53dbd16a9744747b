// Facebook and Instagram sources in Banditore Feed and its trigger, through the real n8n engine, with
// the Meta Graph API credential, against a fake Graph API on 127.0.0.1.
import nock from 'nock';
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';
import { facebookPost, instagramMedia, linkAttachment, startFakeMetaGraph, type FakeMetaGraph } from '../social/fake-meta-graph';
import { rss } from './feeds';
import { makeWorkflow, poll, runWorkflow, type RunContext } from './harness';

const PAGE = '104000000000001';
const IG = '17841400000000001';
const TRIGGER = 'Banditore Feed Trigger';
const FEED = 'Banditore Feed';

let graph: FakeMetaGraph;
let context: RunContext;

beforeEach(async () => {
	graph = await startFakeMetaGraph();
	context = { credentials: { metaGraphApi: { accessToken: graph.token, baseUrl: graph.url, version: graph.version } } };
});

afterEach(async () => {
	await graph.close();
});

const CREDENTIAL = { metaGraphApi: { id: 'meta-1', name: 'Meta Graph API account' } };

function node(type: 'banditoreFeed' | 'banditoreFeedTrigger', sources: Array<{ url: string; kind: string }>, options: IDataObject = {}, withCredential = true): INode {
	return {
		id: type,
		name: type === 'banditoreFeed' ? FEED : TRIGGER,
		type: `n8n-nodes-banditore.${type}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: { sources: { source: sources }, options } as INodeParameters,
		...(withCredential ? { credentials: CREDENTIAL } : {}),
	};
}

const mercato = facebookPost('1', 'Mercato di Natale in piazza\nDomenica dalle 9 alle 19.', '2026-11-22T08:00:00+0000', {
	attachments: linkAttachment('https://www.comune.meda.mb.it/novita/mercato', 'Mercato di Natale'),
});
const rifiuti = facebookPost('2', 'Nuovo calendario della raccolta rifiuti', '2026-11-23T08:00:00+0000');
const allerta = facebookPost('3', 'Allerta meteo arancione: domani scuole chiuse', '2026-11-24T06:00:00+0000');

describe('Banditore Feed with Facebook and Instagram sources', () => {
	it('outputs the posts of a Page and of an Instagram account as news items, with the page they share', async () => {
		graph.accounts.set(PAGE, { kind: 'facebook', data: [rifiuti, mercato] });
		graph.accounts.set(IG, { kind: 'instagram', data: [instagramMedia('7', 'Concerto di Natale della banda civica\nSabato alle 21 in Duomo.', '2026-11-21T18:00:00+0000')] });
		const workflow = await makeWorkflow({ nodes: [node('banditoreFeed', [{ url: PAGE, kind: 'facebook' }, { url: IG, kind: 'instagram' }])], connections: {} });
		const result = await runWorkflow(workflow, context);
		expect(result.error(FEED)).toBeUndefined();
		expect(result.output(FEED).map((item) => [item.id, item.title, item.sharedLink, (item.source as IDataObject).kind])).toEqual([
			[`facebook:${PAGE}_2`, 'Nuovo calendario della raccolta rifiuti', null, 'facebook'],
			[`facebook:${PAGE}_1`, 'Mercato di Natale in piazza', 'https://www.comune.meda.mb.it/novita/mercato', 'facebook'],
			['instagram:7', 'Concerto di Natale della banda civica', null, 'instagram'],
		]);
		expect(graph.requests.every((request) => request.authorization === `Bearer ${graph.token}`)).toBe(true);
	});

	it('says to add the credential when a social source has none, and still reads the site without one', async () => {
		const workflow = await makeWorkflow({ nodes: [node('banditoreFeed', [{ url: PAGE, kind: 'facebook' }], {}, false)], connections: {} });
		const error = (await runWorkflow(workflow)).error(FEED) as Error & { description?: string };
		expect(error.message).toBe('Facebook and Instagram sources need a Meta Graph API credential.');
		expect(error.description).toMatch(/Page access token/);
		expect(graph.requests).toHaveLength(0);

		nock('https://www.comune.meda.mb.it').get('/feed').reply(200, rss([{ title: 'Avviso dal sito', link: 'https://www.comune.meda.mb.it/n/1' }]));
		const site = await makeWorkflow({ nodes: [node('banditoreFeed', [{ url: 'https://www.comune.meda.mb.it/feed', kind: 'auto' }], {}, false)], connections: {} });
		expect((await runWorkflow(site)).output(FEED).map((item) => item.title)).toEqual(['Avviso dal sito']);
	});

	it('an expired token stops the node with what to do', async () => {
		graph.accounts.set(PAGE, { kind: 'facebook', data: [rifiuti] });
		const workflow = await makeWorkflow({ nodes: [node('banditoreFeed', [{ url: PAGE, kind: 'facebook' }])], connections: {} });
		const result = await runWorkflow(workflow, { credentials: { metaGraphApi: { accessToken: 'EAAB-expired', baseUrl: graph.url, version: graph.version } } });
		const error = result.error(FEED) as Error & { description?: string };
		expect(error.message).toBe(`Meta refused the access token for the Facebook Page ${PAGE}: it has expired or was revoked (Graph API error 190/463).`);
		expect(error.description).toBe('Create a new Page access token and put it in the Meta Graph API credential.');
	});
});

describe('Banditore Feed Trigger with a Facebook Page', () => {
	it('emits a new post once, across a restart', async () => {
		graph.accounts.set(PAGE, { kind: 'facebook', data: [rifiuti, mercato] });
		const sources = [{ url: `https://www.facebook.com/${PAGE}`, kind: 'facebook' }];
		const before = await makeWorkflow({ nodes: [node('banditoreFeedTrigger', sources)], connections: {} });
		expect(await poll(before, TRIGGER, 'trigger', context)).toBeNull();

		graph.accounts.set(PAGE, { kind: 'facebook', data: [allerta, rifiuti, mercato] });
		const emitted = await poll(before, TRIGGER, 'trigger', context);
		expect(emitted?.map((item) => item.title)).toEqual(['Allerta meteo arancione: domani scuole chiuse']);
		expect(await poll(before, TRIGGER, 'trigger', context)).toBeNull();

		// n8n saves static data with the workflow; a restarted instance builds the workflow from it.
		const saved = JSON.parse(JSON.stringify(before.staticData)) as IDataObject;
		const after = await makeWorkflow({ nodes: [node('banditoreFeedTrigger', sources)], connections: {}, staticData: saved });
		expect(await poll(after, TRIGGER, 'trigger', context)).toBeNull();
		expect(graph.requests).toHaveLength(4);
	});

	it('keeps delivering the Page when the Instagram source is refused, and says why in the failure', async () => {
		graph.accounts.set(PAGE, { kind: 'facebook', data: [rifiuti] });
		graph.accounts.set(IG, { kind: 'instagram', data: [], forbidden: true });
		const workflow = await makeWorkflow({ nodes: [node('banditoreFeedTrigger', [{ url: PAGE, kind: 'facebook' }, { url: IG, kind: 'instagram' }], { emitExisting: true })], connections: {} });
		expect((await poll(workflow, TRIGGER, 'trigger', context))?.map((item) => item.title)).toEqual(['Nuovo calendario della raccolta rifiuti']);

		const only = await makeWorkflow({ nodes: [node('banditoreFeedTrigger', [{ url: IG, kind: 'instagram' }])], connections: {} });
		await expect(poll(only, TRIGGER, 'trigger', context)).rejects.toThrow(/may not read the Instagram account 17841400000000001/);
	});
});
