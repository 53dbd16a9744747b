// Pages of the vendors and situations the first real comune sites showed: io-Comune (Plone), the
// Halley albo pretorio, OpenCity's newer cards, and a page saved from the browser.
import { detectPreset, mergeDetail, parseDetailPage, parseListing } from '../../../core/html';
import { BanditoreError } from '../../../core/errors';
import { site } from './fixtures';

const NOW = new Date('2024-03-20T09:00:00Z');

describe('io-Comune (design-comuni-plone-theme) listing', () => {
	const html = site('plone/novita.html');
	const result = parseListing(html, { url: 'https://www.comune.sanpietro.it/novita', now: NOW });

	it('is detected and reads both the "card con immagine" and the "card semplice" blocks', () => {
		expect(detectPreset(html)).toBe('plone');
		expect(result.preset).toBe('plone');
		expect(result.items.map((item) => item.title)).toEqual([
			'Apre la nuova mensa scolastica di via Roma',
			'Sospensione dell’acqua in via Dante',
			'Bilancio partecipato: si vota fino al 31 marzo',
		]);
		expect(result.warnings).toEqual([]);
	});

	it('reads the label in span.text, the date beside it, the link, the summary and the image', () => {
		expect(result.items[0]).toMatchObject({
			link: 'https://www.comune.sanpietro.it/novita/notizie/nuova-mensa-scolastica',
			categories: ['Notizie'],
			publishedAt: '2024-03-11T23:00:00.000Z',
			summary: 'Da lunedì 18 marzo i bambini della primaria pranzano nei nuovi locali.',
			image: 'https://www.comune.sanpietro.it/novita/notizie/nuova-mensa-scolastica/@@images/image/preview',
		});
		expect(result.items.map((item) => item.categories)).toEqual([['Notizie'], ['Avvisi'], ['Comunicati']]);
	});

	it('leaves out the place card (Luoghi): places are not news', () => {
		expect(result.items.map((item) => item.title)).not.toContain('Biblioteca civica');
	});
});

describe('io-Comune (design-comuni-plone-theme) news page', () => {
	const url = 'https://www.comune.sanpietro.it/novita/notizie/nuova-mensa-scolastica';
	const detail = parseDetailPage(site('plone/notizia.html'), { url, now: NOW });

	it('reads the title, the description, the labelled date and the header image', () => {
		expect(detail).toMatchObject({
			title: 'Apre la nuova mensa scolastica di via Roma',
			summary: 'Da lunedì 18 marzo i bambini della primaria pranzano nei nuovi locali, con cucina interna.',
			publishedAt: '2024-03-11T23:00:00.000Z',
			image: 'https://www.comune.sanpietro.it/novita/notizie/nuova-mensa-scolastica/@@images/image/great',
		});
	});

	it('fills what the card lacks', () => {
		const [card] = parseListing(site('plone/novita.html'), { url: 'https://www.comune.sanpietro.it/novita', now: NOW }).items;
		expect(mergeDetail(card, detail).summary).toBe('Da lunedì 18 marzo i bambini della primaria pranzano nei nuovi locali, con cucina interna.');
	});
});

describe('Halley albo pretorio', () => {
	const url = 'https://www.comune.roccaforte.it/c099017/mc/mc_p_ricerca.php';
	const html = site('halley/albo.html');
	const read = () => parseListing(html, { url, now: NOW });

	it('is detected by #container_pubblicazioni and reads its .cmp-card items', () => {
		expect(detectPreset(html)).toBe('halley-albo');
		const result = read();
		expect(result.preset).toBe('halley-albo');
		expect(result.items.map((item) => item.title)).toEqual([
			'Affidamento del servizio di sgombero neve 2024/2025',
			'Pubblicazione di matrimonio',
			'Pubblicazione di matrimonio',
		]);
		expect(result.items.map((item) => item.categories)).toEqual([['Determinazioni'], ['Pubblicazioni di matrimonio'], ['Pubblicazioni di matrimonio']]);
		// "dal 04/03/2024 al 19/03/2024": the first day of publication.
		expect(result.items[0].publishedAt).toBe('2024-03-03T23:00:00.000Z');
	});

	it('gives items whose link is a script the listing as link and ids of their own, the same on every read', () => {
		const first = read().items;
		expect(first.map((item) => item.link)).toEqual([url, url, url]);
		expect(first.every((item) => item.id.startsWith('urn:banditore:'))).toBe(true);
		expect(new Set(first.map((item) => item.id)).size).toBe(3);
		expect(read().items.map((item) => item.id)).toEqual(first.map((item) => item.id));
		// The attachment is not the item's page.
		expect(first[0].link).not.toContain('allegato');
	});
});

describe('OpenCity (Bootstrap Italia 2) cards', () => {
	const result = parseListing(site('opencity/novita-bi2.html'), { url: 'https://www.comune.valtorta.it/Novita/Notizie', now: NOW });

	it('reads the picture of the grid column, the label link and the date', () => {
		expect(result.preset).toBe('opencity');
		expect(result.items).toHaveLength(1);
		expect(result.items[0]).toMatchObject({
			title: 'Riaperto il ponte sul torrente',
			image: 'https://www.comune.valtorta.it/var/valtorta/storage/images/novita/notizie/ponte-riaperto/9134-2-ita-IT/ponte-riaperto_card.jpg',
			categories: ['Notizie'],
			publishedAt: '2024-02-19T23:00:00.000Z',
		});
	});

	it('says a page of places only has no news', () => {
		const places = site('opencity/novita-bi2.html').replace(/<div class="col-md-6 col-lg-4">\s*<div data-object_id="9134"[\s\S]*?<div class="col-md-6 col-lg-4">/, '<div class="col-md-6 col-lg-4">');
		expect(() => parseListing(places, { url: 'https://www.comune.valtorta.it/Vivere-il-comune/Luoghi' })).toThrow(
			new BanditoreError('no_matches', 'The page https://www.comune.valtorta.it/Vivere-il-comune/Luoghi lists places (Luoghi), not news: its 1 place card was left out.'),
		);
	});
});

describe('a page saved from the browser', () => {
	const file = 'file:///home/ufficio/Scaricati/Novit%C3%A0%20-%20Comune%20di%20Montefiore.html';
	const result = parseListing(site('saved/novita.html'), { url: file, now: NOW });

	it('resolves its links against the address it was saved from (og:url), not file:///', () => {
		expect(result.items[0].link).toBe('https://www.comune.montefiore.it/novita/avvisi/raccolta-rifiuti-carnevale');
		expect(result.items.every((item) => !item.link.startsWith('file:'))).toBe(true);
		expect(result.items[0].source.url).toBe(file);
	});

	it('uses <base href> when the page has one, whatever its own address', () => {
		const based = site('saved/novita.html').replace('<meta charset="utf-8">', '<meta charset="utf-8"><base href="https://archivio.montefiore.example/sito/">');
		const [first] = parseListing(based, { url: 'https://proxy.example/p/12', now: NOW }).items;
		expect(first.link).toBe('https://archivio.montefiore.example/novita/avvisi/raccolta-rifiuti-carnevale');
	});

	it('reads the label a theme puts in a bare span of .category-top, and not the date beside it', () => {
		expect(result.items.map((item) => item.categories)).toEqual([['Avvisi'], ['Comunicati'], ['Comunicati'], []]);
	});

	it('keeps two cards that share a link under different titles as two items with different, stable ids', () => {
		const titles = result.items.map((item) => item.title);
		expect(titles).toEqual([
			'Raccolta rifiuti anticipata per il Carnevale',
			'Il sindaco incontra le associazioni',
			'Nuovi orari dell’ufficio anagrafe',
			'Candelora: benedizione delle candele',
		]);
		const [, sindaco, anagrafe] = result.items;
		expect(sindaco.link).toBe('https://www.comune.montefiore.it/novita/comunicati');
		expect(anagrafe.link).toBe(sindaco.link);
		expect(sindaco.id).not.toBe(anagrafe.id);
		expect(sindaco.id.startsWith(`${sindaco.link}#`)).toBe(true);
		expect(parseListing(site('saved/novita.html'), { url: file, now: NOW }).items.map((item) => item.id)).toEqual(result.items.map((item) => item.id));
	});

	it('still merges the copies of one item (same link, same title), the first copy winning', () => {
		expect(result.items.filter((item) => item.title === 'Nuovi orari dell’ufficio anagrafe')).toHaveLength(1);
		expect(result.items[2].summary).toBe('Dal 1° marzo aperto anche il sabato mattina.');
	});

	it('never takes a data: or javascript: address as an item link or image', () => {
		const candelora = result.items[3];
		expect(candelora.link).toBe('');
		expect(candelora.id).toMatch(/^urn:banditore:/);
		expect(result.items[1].image).toBeNull();
		const scripted = site('saved/novita.html').replace('href="/novita/avvisi/raccolta-rifiuti-carnevale"', 'href="javascript:apri(\'carnevale\')"');
		const [carnevale] = parseListing(scripted, { url: 'https://www.comune.montefiore.it/novita', now: NOW }).items;
		expect(carnevale.link).toBe('https://www.comune.montefiore.it/novita');
	});
});
