import { parseFeed } from '../../../core/feed';
import { fixture } from './fixtures';

const URL = 'https://www.comune.castelnuovo.it/feed/';

describe('parseFeed: RSS 2.0', () => {
	it('reads the channel and every item', async () => {
		const feed = await parseFeed(fixture('rss2.xml'), { url: URL });
		expect(feed.kind).toBe('rss');
		expect(feed.title).toBe('Comune di Castelnuovo – Novità');
		expect(feed.link).toBe('https://www.comune.castelnuovo.it/');
		expect(feed.items).toHaveLength(6);
		expect(feed.items[0].source).toEqual({ name: 'Comune di Castelnuovo – Novità', url: URL, kind: 'rss' });
	});

	it('reads CDATA titles, HTML descriptions and guids', async () => {
		const [first] = (await parseFeed(fixture('rss2.xml'), { url: URL })).items;
		expect(first.title).toBe('Chiusura di via Garibaldi per lavori: ecco perché');
		expect(first.summary).toBe('Da lunedì la strada sarà chiusa al traffico.\n\nIl sindaco: «È un intervento necessario per la sicurezza».');
		expect(first.id).toBe('https://www.comune.castelnuovo.it/?p=101');
		expect(first.link).toBe('https://www.comune.castelnuovo.it/notizie/chiusura-via-garibaldi/');
		expect(first.publishedAt).toBe('2025-03-03T08:30:00.000Z');
	});

	it('collects category, category with domain and dc:subject', async () => {
		const [first] = (await parseFeed(fixture('rss2.xml'), { url: URL })).items;
		expect(first.categories).toEqual(['Viabilità', 'Lavori pubblici', 'Città']);
	});

	it('turns escaped HTML into text and resolves relative links against the document URL', async () => {
		const second = (await parseFeed(fixture('rss2.xml'), { url: URL })).items[1];
		expect(second.title).toBe('Bando per le borse di studio & i contributi');
		expect(second.summary).toBe('Le domande entro il 31 marzo: più informazioni in Comune.');
		expect(second.link).toBe('https://www.comune.castelnuovo.it/notizie/bando-borse-di-studio/');
		expect(second.id).toBe('bando-2025-borse');
	});

	it('reads dc:date without a zone as Europe/Rome', async () => {
		const second = (await parseFeed(fixture('rss2.xml'), { url: URL })).items[1];
		expect(second.publishedAt).toBe('2025-02-28T17:00:00.000Z');
	});

	it('turns HTML escaped twice into text', async () => {
		const sixth = (await parseFeed(fixture('rss2.xml'), { url: URL })).items[5];
		expect(sixth.summary).toBe('Gli uffici resteranno chiusi venerdì per la festa di San Giusto.');
	});

	it('uses content:encoded when the description has no text', async () => {
		const third = (await parseFeed(fixture('rss2.xml'), { url: URL })).items[2];
		expect(third.summary).toBe('Programma\n\nMusica in piazza, giochi per i più piccoli e cena all’aperto.');
	});

	it('finds images in media:content, media:thumbnail, media:group, enclosure and <img>', async () => {
		const images = (await parseFeed(fixture('rss2.xml'), { url: URL })).items.map((item) => item.image);
		expect(images).toEqual([
			'https://cdn.castelnuovo.it/img/garibaldi.jpg',
			'https://www.comune.castelnuovo.it/img/borse.png',
			'https://cdn.castelnuovo.it/img/festa.jpg',
			'https://cdn.castelnuovo.it/img/rifiuti.jpg',
			// The PDF enclosure is not an image; the <img> in the description is, with &amp; decoded.
			'https://www.comune.castelnuovo.it/uploads/avviso.jpg?v=1&w=600',
			// An <img> in HTML that was escaped twice.
			'https://www.comune.castelnuovo.it/img/patrono.jpg',
		]);
	});

	it('keeps undated items with publishedAt null', async () => {
		const fourth = (await parseFeed(fixture('rss2.xml'), { url: URL })).items[3];
		expect(fourth.title).toBe('Raccolta rifiuti: nuovo calendario');
		expect(fourth.publishedAt).toBeNull();
		expect(fourth.updatedAt).toBeNull();
	});

	it('reads a SQL-like date without zone as Europe/Rome', async () => {
		const fifth = (await parseFeed(fixture('rss2.xml'), { url: URL })).items[4];
		expect(fifth.publishedAt).toBe('2025-03-10T07:15:00.000Z');
	});

	it('uses the context name for the source when given', async () => {
		const feed = await parseFeed(fixture('rss2.xml'), { url: URL, name: 'Castelnuovo' });
		expect(feed.items[0].source.name).toBe('Castelnuovo');
	});
});

describe('parseFeed: other RSS versions', () => {
	it('reads <rss> without a version attribute as RSS 2.0', async () => {
		const feed = await parseFeed(fixture('rss-no-version.xml'), { url: 'https://www.comune.santandrea.it/albo/rss' });
		expect(feed.kind).toBe('rss');
		expect(feed.title).toBe("Albo pretorio - Comune di Sant'Andrea");
		expect(feed.items).toHaveLength(1);
		expect(feed.items[0].title).toBe('Ordinanza n. 12 del 2025 – viabilità in piazza');
		expect(feed.items[0].publishedAt).toBe('2025-03-04T11:00:00.000Z');
	});

	it('reads RSS 0.91 with a DOCTYPE', async () => {
		const feed = await parseFeed(fixture('rss-091.xml'), { url: 'http://www.prolocomontebello.it/rss.xml' });
		expect(feed.kind).toBe('rss');
		expect(feed.items.map((item) => item.title)).toEqual(['Sagra della castagna', 'Mercatino di Natale']);
		expect(feed.items[0].summary).toBe('Tre giorni di festa in città, con caldarroste e vin brulé.');
		expect(feed.items[1].id).toBe('http://www.prolocomontebello.it/mercatino.html');
	});

	it('reads RSS 0.92 items that only have a description', async () => {
		const feed = await parseFeed(fixture('rss-092.xml'), { url: 'http://biblioteca.comune.esempio.it/rss' });
		expect(feed.items).toHaveLength(1);
		expect(feed.items[0].title).toBe('');
		expect(feed.items[0].summary).toBe('Orario estivo: la biblioteca è aperta solo al mattino.');
		expect(feed.items[0].categories).toEqual(['Orari']);
	});

	it('reads RDF / RSS 1.0 with items next to the channel', async () => {
		const feed = await parseFeed(fixture('rdf.xml'), { url: 'https://www.comune.valdoro.it/rss' });
		expect(feed.kind).toBe('rdf');
		expect(feed.title).toBe('Comune di Valdoro');
		expect(feed.items).toHaveLength(2);
		const [first, second] = feed.items;
		expect(first.title).toBe('Consiglio comunale: convocazione');
		expect(first.publishedAt).toBe('2025-03-05T19:30:00.000Z');
		expect(first.categories).toEqual(['Istituzionale']);
		expect(first.source.kind).toBe('rdf');
		// No <link>: rdf:about is the item's address.
		expect(second.link).toBe('https://www.comune.valdoro.it/notizie/2');
		expect(second.publishedAt).toBe('2025-03-05T23:00:00.000Z');
	});
});

describe('parseFeed: shapes rss-parser crashes on', () => {
	it('reads RDF items when there is no channel', async () => {
		const feed = await parseFeed(fixture('rdf-no-channel.xml'), { url: 'https://www.comune.valdoro.it/avvisi.rdf' });
		expect(feed.kind).toBe('rdf');
		expect(feed.title).toBe('');
		expect(feed.items).toHaveLength(1);
		expect(feed.items[0].title).toBe('Allerta neve: scuole chiuse');
		expect(feed.items[0].link).toBe('https://www.comune.valdoro.it/avvisi/neve');
		expect(feed.items[0].source.name).toBe('www.comune.valdoro.it');
	});

	it('reads RSS 0.91 items when there is no channel', async () => {
		const feed = await parseFeed(fixture('rss-no-channel.xml'), { url: 'https://www.comune.esempio.it/rss' });
		expect(feed.items.map((item) => item.title)).toEqual(['Avviso: acqua non potabile']);
	});

	it('returns zero items for a channel without items', async () => {
		const feed = await parseFeed(fixture('rss-no-items.xml'), { url: 'https://www.comune.roccavecchia.it/feed' });
		expect(feed).toEqual({ kind: 'rss', title: 'Comune di Roccavecchia', link: 'https://www.comune.roccavecchia.it/', items: [] });
	});

	it('returns zero items for an empty RDF document', async () => {
		const feed = await parseFeed(fixture('rdf-empty.xml'), { url: 'https://www.comune.esempio.it/rss' });
		expect(feed.kind).toBe('rdf');
		expect(feed.items).toEqual([]);
	});
});

describe('parseFeed: item ids', () => {
	it('keeps the guid as id when the title and link change', async () => {
		const url = 'https://www.comune.lago.it/feed/';
		const before = (await parseFeed(fixture('guid-before.xml'), { url })).items[0];
		const after = (await parseFeed(fixture('guid-after.xml'), { url })).items[0];
		expect(after.title).not.toBe(before.title);
		expect(after.id).toBe(before.id);
		expect(after.id).toBe('https://www.comune.lago.it/?p=777');
	});

	it('falls back to the link, then to a stable hash of source and title', async () => {
		const url = 'https://www.comune.lago.it/feed/';
		const items = (await parseFeed(fixture('guid-before.xml'), { url })).items;
		expect(items[1].id).toBe('https://www.comune.lago.it/notizie/senza-guid');
		expect(items[2].id).toMatch(/^urn:banditore:[0-9a-f]{32}$/);
		const again = (await parseFeed(fixture('guid-before.xml'), { url })).items;
		expect(again[2].id).toBe(items[2].id);
	});
});
