import nock from 'nock';
import type { INode, INodeParameters } from 'n8n-workflow';
import { makeWorkflow, runWorkflow } from './harness';
import { rss } from './feeds';

const SITE = 'https://www.comune.example.it';

function feedNode(parameters: Record<string, unknown>): INode {
	return {
		id: 'feed',
		name: 'Banditore Feed',
		type: 'n8n-nodes-banditore.banditoreFeed',
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INodeParameters,
	};
}

const twoItems = rss([
	{
		guid: 'avviso-1',
		title: 'Chiusura di via Roma per lavori',
		link: `${SITE}/novita/avviso-1`,
		description: '<p>Dal 24 novembre &egrave; chiusa <b>via Roma</b>.</p>',
		pubDate: 'Mon, 23 Nov 2026 09:00:00 +0100',
		category: 'Avvisi',
	},
	{
		title: 'Festa di Natale in piazza',
		link: '/novita/festa',
		pubDate: 'Sun, 22 Nov 2026 18:30:00 +0100',
		category: 'Eventi',
	},
]);

describe('Banditore Feed through the n8n engine', () => {
	it('reads an RSS feed and outputs normalised items, newest first', async () => {
		nock(SITE).get('/feed').reply(200, twoItems, { 'content-type': 'application/rss+xml' });
		const workflow = await makeWorkflow({
			nodes: [feedNode({ sources: { source: [{ url: `${SITE}/feed`, kind: 'auto' }] } })],
			connections: {},
		});
		const result = await runWorkflow(workflow);
		expect(result.error('Banditore Feed')).toBeUndefined();
		expect(result.output('Banditore Feed')).toEqual([
			{
				id: 'avviso-1',
				title: 'Chiusura di via Roma per lavori',
				summary: 'Dal 24 novembre è chiusa via Roma.',
				link: `${SITE}/novita/avviso-1`,
				publishedAt: '2026-11-23T08:00:00.000Z',
				updatedAt: '2026-11-23T08:00:00.000Z',
				categories: ['Avvisi'],
				image: null,
				source: { name: 'Comune di Esempio - Novità', url: `${SITE}/feed`, kind: 'rss' },
			},
			expect.objectContaining({ id: `${SITE}/novita/festa`, link: `${SITE}/novita/festa`, categories: ['Eventi'] }),
		]);
	});

	it('stops the workflow with a clear error when a source fails', async () => {
		nock(SITE).get('/feed').reply(404);
		const workflow = await makeWorkflow({
			nodes: [feedNode({ sources: { source: [{ url: `${SITE}/feed` }] } })],
			connections: {},
		});
		const result = await runWorkflow(workflow);
		const error = result.error('Banditore Feed') as Error & { description?: string };
		expect(error.message).toBe(`${SITE}/feed answered HTTP 404.`);
		expect(error.description).toMatch(/check the address/i);
	});

	it('with Continue On Fail, turns a failing source into an error item and reads the others', async () => {
		nock(SITE).get('/broken').reply(200, '<html><body>Pagina in manutenzione</body></html>', { 'content-type': 'text/html' });
		nock(SITE).get('/feed').reply(200, twoItems);
		const node = {
			...feedNode({
				sources: {
					source: [
						{ url: `${SITE}/broken`, kind: 'rss' },
						{ url: `${SITE}/feed`, kind: 'rss' },
					],
				},
			}),
			onError: 'continueRegularOutput' as const,
		};
		const result = await runWorkflow(await makeWorkflow({ nodes: [node], connections: {} }));
		const output = result.output('Banditore Feed');
		expect(output[0]).toEqual(expect.objectContaining({ code: 'not_a_feed', source: `${SITE}/broken` }));
		expect(output[0].error).toMatch(/not an RSS, Atom or RDF feed/);
		expect(output.slice(1).map((item) => item.title)).toEqual(['Chiusura di via Roma per lavori', 'Festa di Natale in piazza']);
	});

	it('with "only items not seen before", the second run returns only what is new, and a 304 parses nothing', async () => {
		const workflow = await makeWorkflow({
			nodes: [feedNode({ sources: { source: [{ url: `${SITE}/feed` }] }, options: { onlyNew: true } })],
			connections: {},
		});
		nock(SITE).get('/feed').reply(200, twoItems, { etag: '"a"' });
		expect((await runWorkflow(workflow)).output('Banditore Feed')).toHaveLength(2);

		nock(SITE, { reqheaders: { 'if-none-match': '"a"' } }).get('/feed').reply(304);
		expect((await runWorkflow(workflow)).output('Banditore Feed')).toEqual([]);

		const withNew = rss([
			{ guid: 'avviso-2', title: 'Allerta meteo gialla', link: `${SITE}/novita/allerta`, pubDate: 'Mon, 23 Nov 2026 12:00:00 +0100' },
			{ guid: 'avviso-1', title: 'Chiusura di via Roma per lavori', link: `${SITE}/novita/avviso-1`, description: '<p>Dal 24 novembre &egrave; chiusa <b>via Roma</b>.</p>', pubDate: 'Mon, 23 Nov 2026 09:00:00 +0100', category: 'Avvisi' },
			{ title: 'Festa di Natale in piazza', link: '/novita/festa', pubDate: 'Sun, 22 Nov 2026 18:30:00 +0100', category: 'Eventi' },
		]);
		nock(SITE).get('/feed').reply(200, withNew, { etag: '"b"' });
		expect((await runWorkflow(workflow)).output('Banditore Feed').map((item) => item.id)).toEqual(['avviso-2']);
	});

	it('runs once per input item, with expressions resolved per item', async () => {
		nock(SITE).get('/a').reply(200, rss([{ title: 'Notizia A', link: `${SITE}/a/1` }], 'Sito A'));
		nock(SITE).get('/b').reply(200, rss([{ title: 'Notizia B', link: `${SITE}/b/1` }], 'Sito B'));
		const workflow = await makeWorkflow({
			nodes: [feedNode({ sources: { source: [{ url: '={{ $json.url }}' }] } })],
			connections: {},
		});
		const result = await runWorkflow(workflow, { input: [{ json: { url: `${SITE}/a` } }, { json: { url: `${SITE}/b` } }] });
		expect(result.output('Banditore Feed').map((item) => item.title)).toEqual(['Notizia A', 'Notizia B']);
		const paired = result.run.data.resultData.runData['Banditore Feed'][0].data!.main[0]!.map((item) => item.pairedItem);
		expect(paired).toEqual([{ item: 0 }, { item: 1 }]);
	});
});
