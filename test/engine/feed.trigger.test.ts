import nock from 'nock';
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';
import { makeWorkflow, poll } from './harness';
import { rss, type FeedEntry } from './feeds';

const SITE = 'https://www.comune.example.it';
const NAME = 'Banditore Feed Trigger';

function triggerNode(options: IDataObject = {}, urls = [`${SITE}/feed`]): INode {
	return {
		id: 'trigger',
		name: NAME,
		type: 'n8n-nodes-banditore.banditoreFeedTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: { sources: { source: urls.map((url) => ({ url, kind: 'auto' })) }, options } as INodeParameters,
	};
}

const strade: FeedEntry = { guid: 'n-1', title: 'Strade chiuse per la fiera', link: `${SITE}/n/1`, pubDate: 'Fri, 20 Nov 2026 10:00:00 +0100' };
const rifiuti: FeedEntry = { guid: 'n-2', title: 'Nuovo calendario rifiuti', link: `${SITE}/n/2`, pubDate: 'Sat, 21 Nov 2026 10:00:00 +0100' };
const allerta: FeedEntry = { guid: 'n-3', title: 'Allerta meteo arancione', link: `${SITE}/n/3`, pubDate: 'Mon, 23 Nov 2026 07:00:00 +0100' };
// Published today but dated last month by the editor: a date high-water mark would miss it.
const backdated: FeedEntry = { guid: 'n-4', title: 'Graduatoria asilo nido', link: `${SITE}/n/4`, pubDate: 'Thu, 15 Oct 2026 09:00:00 +0200' };
const undated: FeedEntry = { guid: 'n-5', title: 'Orari estivi della biblioteca', link: `${SITE}/n/5` };

function serve(entries: FeedEntry[], headers: Record<string, string> = {}) {
	return nock(SITE).get('/feed').reply(200, rss(entries), headers);
}

const titles = (items: IDataObject[] | null) => (items ?? []).map((item) => item.title);

describe('Banditore Feed Trigger through the n8n engine', () => {
	it('remembers what the site shows on the first poll, then emits only new items', async () => {
		const workflow = await makeWorkflow({ nodes: [triggerNode()], connections: {} });
		serve([rifiuti, strade]);
		expect(await poll(workflow, NAME)).toBeNull();

		serve([allerta, rifiuti, strade]);
		expect(titles(await poll(workflow, NAME))).toEqual(['Allerta meteo arancione']);

		serve([allerta, rifiuti, strade]);
		expect(await poll(workflow, NAME)).toBeNull();
	});

	it('can emit what is already there on the first poll', async () => {
		const workflow = await makeWorkflow({ nodes: [triggerNode({ emitExisting: true })], connections: {} });
		serve([rifiuti, strade]);
		expect(titles(await poll(workflow, NAME))).toEqual(['Nuovo calendario rifiuti', 'Strade chiuse per la fiera']);
	});

	it('never re-emits after a restart: its memory lives in the workflow static data', async () => {
		const before = await makeWorkflow({ nodes: [triggerNode()], connections: {} });
		serve([rifiuti, strade]);
		await poll(before, NAME);
		serve([allerta, rifiuti, strade]);
		expect(titles(await poll(before, NAME))).toEqual(['Allerta meteo arancione']);

		// n8n saves static data with the workflow; a restarted instance builds the workflow from it.
		const saved = JSON.parse(JSON.stringify(before.staticData)) as IDataObject;
		const after = await makeWorkflow({ nodes: [triggerNode()], connections: {}, staticData: saved });
		serve([allerta, rifiuti, strade]);
		expect(await poll(after, NAME)).toBeNull();
	});

	it('emits back-dated and undated new items, and an item whose text was edited', async () => {
		const workflow = await makeWorkflow({ nodes: [triggerNode()], connections: {} });
		serve([rifiuti, strade]);
		await poll(workflow, NAME);

		serve([rifiuti, strade, backdated, undated]);
		const emitted = await poll(workflow, NAME);
		expect(titles(emitted)).toEqual(['Graduatoria asilo nido', 'Orari estivi della biblioteca']);
		expect(emitted![1].publishedAt).toBeNull();

		const edited = { ...rifiuti, title: 'Nuovo calendario rifiuti: cambia il giorno della carta' };
		serve([edited, strade, backdated, undated]);
		expect(titles(await poll(workflow, NAME))).toEqual(['Nuovo calendario rifiuti: cambia il giorno della carta']);
	});

	it('uses a conditional GET: a 304 emits nothing', async () => {
		const workflow = await makeWorkflow({ nodes: [triggerNode()], connections: {} });
		serve([rifiuti], { etag: '"x1"' });
		await poll(workflow, NAME);
		const conditional = nock(SITE, { reqheaders: { 'if-none-match': '"x1"' } }).get('/feed').reply(304);
		expect(await poll(workflow, NAME)).toBeNull();
		conditional.done();
	});

	it('drops the remembered ETag once the site stops sending one', async () => {
		const workflow = await makeWorkflow({ nodes: [triggerNode()], connections: {} });
		serve([rifiuti], { etag: '"x1"' });
		await poll(workflow, NAME);
		nock(SITE, { reqheaders: { 'if-none-match': '"x1"' } }).get('/feed').reply(200, rss([allerta, rifiuti]));
		expect(titles(await poll(workflow, NAME))).toEqual(['Allerta meteo arancione']);
		// The last answer had no ETag: sending "x1" again could get a 304 for a feed that changed since.
		const unconditional = nock(SITE, { badheaders: ['if-none-match'] }).get('/feed').reply(200, rss([strade, allerta, rifiuti]));
		await poll(workflow, NAME);
		unconditional.done();
	});

	it('holds back items over the per-poll limit and emits them on the next poll', async () => {
		const workflow = await makeWorkflow({ nodes: [triggerNode({ maxItemsPerPoll: 1 })], connections: {} });
		serve([strade], { etag: '"v1"' });
		await poll(workflow, NAME);
		serve([allerta, rifiuti, strade], { etag: '"v2"' });
		expect(titles(await poll(workflow, NAME))).toEqual(['Allerta meteo arancione']);
		// Validators were not kept, so the next poll is a full GET, not a 304 hiding the rest.
		nock(SITE)
			.get('/feed')
			.matchHeader('if-none-match', (value) => value === undefined)
			.reply(200, rss([allerta, rifiuti, strade]), { etag: '"v2"' });
		expect(titles(await poll(workflow, NAME))).toEqual(['Nuovo calendario rifiuti']);
	});

	it('on a manual test run returns a sample and leaves its memory alone', async () => {
		const workflow = await makeWorkflow({ nodes: [triggerNode()], connections: {} });
		serve([allerta, rifiuti, strade, backdated]);
		expect(titles(await poll(workflow, NAME, 'manual'))).toEqual([
			'Allerta meteo arancione',
			'Nuovo calendario rifiuti',
			'Strade chiuse per la fiera',
		]);
		expect(workflow.staticData).toEqual({});
	});

	it('keeps delivering from healthy sources when one fails, and retries the failed one later', async () => {
		const urls = [`${SITE}/feed`, `${SITE}/eventi/feed`];
		const workflow = await makeWorkflow({ nodes: [triggerNode({ emitExisting: true }, urls)], connections: {} });
		serve([rifiuti]);
		nock(SITE).get('/eventi/feed').reply(503);
		expect(titles(await poll(workflow, NAME))).toEqual(['Nuovo calendario rifiuti']);

		serve([rifiuti]);
		nock(SITE).get('/eventi/feed').reply(200, rss([{ guid: 'e-1', title: 'Concerto di Natale', link: `${SITE}/e/1` }]));
		expect(titles(await poll(workflow, NAME))).toEqual(['Concerto di Natale']);
	});

	it('fails the poll with a clear error when its only source fails', async () => {
		const workflow = await makeWorkflow({ nodes: [triggerNode()], connections: {} });
		nock(SITE).get('/feed').reply(200, '<html><body>Manutenzione</body></html>', { 'content-type': 'text/html' });
		await expect(poll(workflow, NAME)).rejects.toThrow(/matched nothing|not built on|template/i);
	});
});
