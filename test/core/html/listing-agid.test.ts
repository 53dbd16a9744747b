import { parseListing } from '../../../core/html';
import { BanditoreError } from '../../../core/errors';
import { site } from './fixtures';

const NOVITA = 'https://www.comune.valmorena.it/novita/';
const EVENTI = 'https://www.comune.valmorena.it/vivere-il-comune';

describe('AGID v2 Novità listing', () => {
	const result = parseListing(site('agid/novita.html'), { url: NOVITA, preset: 'agid' });

	it('reads every news card once: "In evidenza" repeats cards of the full list', () => {
		expect(result.preset).toBe('agid');
		expect(result.items.map((item) => item.title)).toEqual([
			'Torna il mercato contadino in piazza Garibaldi',
			'Piscina comunale chiusa per lavori',
			'TARI 2023: le scadenze e come pagare',
			'Bando contributi per l’affitto & le utenze',
			'Con l’ora legale cambia l’orario della biblioteca',
		]);
		expect(result.warnings).toEqual([]);
	});

	it('makes links absolute and uses them as ids', () => {
		const [mercato, , , bando] = result.items;
		expect(mercato.link).toBe('https://www.comune.valmorena.it/novita/notizie/torna-il-mercato-contadino');
		expect(mercato.id).toBe(mercato.link);
		expect(bando.link).toBe('https://www.comune.valmorena.it/novita/avvisi/bando-contributi-affitto');
	});

	it('reads ".category-top .data" in Europe/Rome, winter and summer', () => {
		const dates = Object.fromEntries(result.items.map((item) => [item.title.slice(0, 12), item.publishedAt]));
		expect(dates).toEqual({
			'Torna il mer': '2023-07-13T22:00:00.000Z',
			'Piscina comu': '2023-02-27T23:00:00.000Z',
			'TARI 2023: l': '2023-03-02T23:00:00.000Z',
			'Bando contri': '2023-03-31T22:00:00.000Z',
			// 26 March 2023 is the DST Sunday: midnight is still +01:00.
			'Con l’ora le': '2023-03-25T23:00:00.000Z',
		});
		expect(result.items[0].updatedAt).toBe('2023-07-13T22:00:00.000Z');
	});

	it('keeps the category text as the site shows it', () => {
		expect(result.items.map((item) => item.categories)).toEqual([
			['NOTIZIE'],
			['AVVISI'],
			['COMUNICATI'],
			['AVVISI'],
			['NOTIZIE'],
		]);
	});

	it('reads summaries and images, preferring data-src over a placeholder src', () => {
		const [mercato, piscina, tari, bando] = result.items;
		expect(mercato.summary).toBe(
			'Ogni sabato mattina, da luglio a ottobre, i produttori della valle vendono frutta, verdura e formaggi a chilometro zero.',
		);
		expect(mercato.image).toBe('https://www.comune.valmorena.it/media/novita/mercato-contadino.jpg');
		expect(tari.image).toBe('https://cdn.valmorena.example/tari-2023.jpg');
		expect(bando.image).toBeNull();
		// The "In evidenza" copy has no picture; the full-list copy fills it in.
		expect(piscina.image).toBe('https://www.comune.valmorena.it/media/novita/piscina-cantiere.jpg');
	});

	it('leaves out the category tiles and the rating card', () => {
		const titles = result.items.map((item) => item.title);
		expect(titles).not.toContain('Notizie');
		expect(titles).not.toContain('Avvisi');
		expect(titles.some((title) => title.startsWith('Quanto sono chiare'))).toBe(false);
	});

	it('names the source after the page title, or as asked', () => {
		expect(result.items[0].source).toEqual({ name: 'Novità - Comune di Valmorena', url: NOVITA, kind: 'html' });
		const named = parseListing(site('agid/novita.html'), { url: NOVITA, name: 'Valmorena' });
		expect(named.items[0].source.name).toBe('Valmorena');
	});

	it('finds the same items with preset auto', () => {
		const auto = parseListing(site('agid/novita.html'), { url: NOVITA });
		expect(auto.preset).toBe('agid');
		expect(auto.items).toEqual(result.items);
	});

	it('resolves links against <base href> when the page has one', () => {
		const html = site('agid/novita.html').replace('<head>', '<head><base href="https://archivio.valmorena.it/sito/">');
		const items = parseListing(html, { url: NOVITA }).items;
		expect(items[0].link).toBe('https://archivio.valmorena.it/sito/notizie/torna-il-mercato-contadino');
	});

	it('warns instead of returning silently undated items', () => {
		const html = site('agid/novita.html').replace(/<span class="data">[^<]*<\/span>/g, '');
		const { items, warnings } = parseListing(html, { url: NOVITA });
		expect(items).toHaveLength(5);
		expect(items.every((item) => item.publishedAt === null)).toBe(true);
		expect(warnings).toEqual([`No dates found on the 5 cards of ${NOVITA}: the items are undated.`]);
	});

	it('warns about dates it cannot read and keeps those items', () => {
		const html = site('agid/novita.html').replace(/<span class="data">3 MAR 2023<\/span>/, '<span class="data">in aggiornamento</span>');
		const { items, warnings } = parseListing(html, { url: NOVITA });
		expect(items.find((item) => item.title.startsWith('TARI'))?.publishedAt).toBeNull();
		expect(warnings).toEqual([`Could not read the date of 1 card(s) ('in aggiornamento'): they are kept undated.`]);
	});
});

describe('AGID v2 events listing (cards without a year)', () => {
	const read = (now: Date) => parseListing(site('agid/eventi.html'), { url: EVENTI, now }).items;

	it('reads day and month from the calendar badge and picks the year nearest to now', () => {
		const items = read(new Date('2023-12-10T09:00:00Z'));
		const byTitle = Object.fromEntries(items.map((item) => [item.title, item.publishedAt]));
		expect(byTitle['Presepe vivente nel borgo antico']).toBe('2023-12-27T23:00:00.000Z');
		// December → January: the Epiphany concert is next year's.
		expect(byTitle['Concerto dell’Epifania della banda civica']).toBe('2024-01-05T23:00:00.000Z');
		expect(byTitle['Notte bianca di Valmorena']).toBe('2023-07-14T22:00:00.000Z');
	});

	it('moves the same cards to the right years when read in January', () => {
		const byTitle = Object.fromEntries(read(new Date('2024-01-03T09:00:00Z')).map((item) => [item.title, item.publishedAt]));
		expect(byTitle['Presepe vivente nel borgo antico']).toBe('2023-12-27T23:00:00.000Z');
		expect(byTitle['Concerto dell’Epifania della banda civica']).toBe('2024-01-05T23:00:00.000Z');
	});

	it('takes the link inside .card-title, the event type as category, summary and image', () => {
		const [presepe] = read(new Date('2023-12-10T09:00:00Z'));
		expect(presepe).toMatchObject({
			id: 'https://www.comune.valmorena.it/vivere-il-comune/eventi/presepe-vivente-borgo-antico',
			link: 'https://www.comune.valmorena.it/vivere-il-comune/eventi/presepe-vivente-borgo-antico',
			categories: ['Tradizioni'],
			summary: 'Cento figuranti nelle cantine e nei cortili del borgo, con la bottega del fabbro e il forno a legna.',
			image: 'https://www.comune.valmorena.it/media/eventi/presepe-vivente.jpg',
		});
	});

	it('leaves out the place cards of "Luoghi in evidenza": places are not news', () => {
		const titles = read(new Date('2023-12-10T09:00:00Z')).map((item) => item.title);
		expect(titles).toHaveLength(3);
		expect(titles).not.toContain('Museo della seta');
	});
});

describe('errors on an AGID site', () => {
	it('says the preset matched nothing, and points to the news page, on a homepage', () => {
		const html = site('agid/homepage.html');
		expect(() => parseListing(html, { url: 'https://www.comune.valmorena.it/', preset: 'agid' })).toThrow(BanditoreError);
		try {
			parseListing(html, { url: 'https://www.comune.valmorena.it/' });
			throw new Error('expected an error');
		} catch (error) {
			const e = error as BanditoreError;
			expect(e.code).toBe('no_matches');
			expect(e.message).toBe(
				"The preset 'agid' matched nothing on https://www.comune.valmorena.it/ (item selector '.card-wrapper .card').",
			);
			expect(e.hint).toContain('Open the page in a browser, inspect a news card and adjust the item selector');
			expect(e.hint).toContain('https://www.comune.valmorena.it/novita');
		}
	});

	it('suggests the preset that does match when the chosen one does not', () => {
		try {
			parseListing(site('opencity/novita.html'), { url: 'https://www.comune.pievebella.it/Novita', preset: 'agid-v1' });
			throw new Error('expected an error');
		} catch (error) {
			expect((error as BanditoreError).code).toBe('no_matches');
			expect((error as BanditoreError).hint).toContain("try preset 'agid'");
		}
	});
});
