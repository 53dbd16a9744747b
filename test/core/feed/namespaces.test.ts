// Feeds the first real comune sites sent that read wrong: prefixed element names, plain-text Atom
// titles with angle brackets in them, and addresses that are scripts or inline data.
import { looksLikeFeed, parseFeed } from '../../../core/feed';
import { parseDocument } from '../../../core/read';
import { fixture, fixtureBytes } from './fixtures';

describe('feeds whose elements carry a namespace prefix', () => {
	it('reads <atom:feed> with <atom:entry> as the Atom feed it is', async () => {
		const xml = fixture('atom-prefixed.xml');
		expect(looksLikeFeed(xml)).toBe(true);
		const feed = await parseFeed(xml, { url: 'https://www.comune.borgoalto.it/avvisi/atom.xml' });
		expect(feed.kind).toBe('atom');
		expect(feed.title).toBe('Comune di Borgoalto – Avvisi');
		expect(feed.link).toBe('https://www.comune.borgoalto.it/avvisi');
		expect(feed.items).toHaveLength(2);
		expect(feed.items[0]).toMatchObject({
			id: 'urn:uuid:borgoalto-avviso-118',
			title: 'Chiusura del cimitero per potatura',
			link: 'https://www.comune.borgoalto.it/avvisi/chiusura-cimitero',
			publishedAt: '2024-03-05T08:30:00.000Z',
			categories: ['Avvisi'],
			summary: 'Venerdì 8 marzo il cimitero resta chiuso.',
		});
		expect(feed.items[1]).toMatchObject({ link: 'https://www.comune.borgoalto.it/avvisi/raccolta-verde', summary: 'Da aprile il ritiro è ogni due settimane.' });
	});

	it('reads an RDF feed whose items are <rss:item>, leaving CDATA text alone', async () => {
		const doc = await parseDocument({ body: fixtureBytes('rdf-prefixed.xml'), url: 'http://www.comune.pianezze.it/rss.rdf' }, { kind: 'auto' });
		expect(doc.kind).toBe('rdf');
		expect(doc.items.map((item) => item.title)).toEqual(['Festa di primavera in piazza', 'Lavori sulla provinciale: non è un tag qui']);
		expect(doc.items[0]).toMatchObject({ link: 'http://www.comune.pianezze.it/notizie/45', categories: ['Eventi'], publishedAt: '2024-03-28T11:00:00.000Z' });
	});

	it('keeps the atom: prefix of an RSS 2.0 feed, where <atom:link> is not the feed', async () => {
		const xml = `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>C</title><atom:link rel="self" href="https://c.example/feed"/><item><title>T</title><atom:link rel="alternate" href="https://c.example/t"/></item></channel></rss>`;
		const feed = await parseFeed(xml, { url: 'https://c.example/feed' });
		expect(feed.items.map((item) => item.link)).toEqual(['https://c.example/t']);
	});
});

describe('Atom text constructs', () => {
	const read = () => parseFeed(fixture('atom-text-title.xml'), { url: 'https://www.comune.lucernate.it/scuola/atom' });

	it('keeps "<blink>" in a type="text" title and summary as the words they are', async () => {
		const feed = await read();
		expect(feed.title).toBe('Scuola & <blink> - il blog della 3ª B');
		expect(feed.items[0].title).toBe('Perché il tag <blink> non si usa più');
		expect(feed.items[0].summary).toBe('Abbiamo scritto <blink>ciao</blink> e non lampeggia: 3 < 5.');
	});

	it('still strips the markup of a type="html" title', async () => {
		expect((await read()).items[1].title).toBe('Il tag grassetto invece sì');
	});

	it('never takes a javascript: link or a data: image as the item\'s', async () => {
		const [, grassetto] = (await read()).items;
		expect(grassetto.link).toBe('');
		expect(grassetto.image).toBeNull();
		expect(grassetto.id).toBe('tag:comune.lucernate.it,2024:scuola/grassetto');
	});
});
