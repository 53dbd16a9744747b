import { mergeDetail, parseDetailPage } from '../../../core/html';
import type { NewsItem } from '../../../core/item';
import { site } from './fixtures';

const NOW = new Date('2023-12-10T09:00:00Z');

describe('parseDetailPage', () => {
	it('reads an AGID v2 news page: "Data:", subtitle, image, last update', () => {
		expect(parseDetailPage(site('agid/novita-dettaglio.html'), { url: 'https://www.comune.valmorena.it/novita/notizie/torna-il-mercato-contadino' })).toEqual({
			title: 'Torna il mercato contadino in piazza Garibaldi',
			summary: 'Ogni sabato mattina, da luglio a ottobre, i produttori della valle vendono frutta, verdura e formaggi a chilometro zero.',
			publishedAt: '2023-07-13T22:00:00.000Z',
			// "Ultimo aggiornamento: 18/07/2023, 09:45" in summer time.
			updatedAt: '2023-07-18T07:45:00.000Z',
			image: 'https://www.comune.valmorena.it/media/novita/mercato-contadino-grande.jpg',
		});
	});

	it('reads an AGID v2 event page: the start of the date range, with the time of the programme', () => {
		expect(parseDetailPage(site('agid/evento-dettaglio.html'), { url: 'https://www.comune.valmorena.it/vivere-il-comune/eventi/presepe-vivente-borgo-antico', now: NOW })).toEqual({
			title: 'Presepe vivente nel borgo antico',
			summary: 'Cento figuranti nelle cantine e nei cortili del borgo, con la bottega del fabbro e il forno a legna.',
			// "dal 28 dicembre 2023" + "17:30 - Apertura del borgo", winter time.
			publishedAt: '2023-12-28T16:30:00.000Z',
			updatedAt: '2023-12-02T10:20:00.000Z',
			// No picture in the page: og:image.
			image: 'https://www.comune.valmorena.it/media/eventi/presepe-vivente-social.jpg',
		});
	});

	it('reads a WordPress single notizia, page date before article:published_time', () => {
		expect(parseDetailPage(site('wordpress/notizia.html'), { url: 'https://www.comune.sanvico.it/novita/vendemmia-didattica-per-le-scuole/' })).toEqual({
			title: 'Vendemmia didattica per le scuole',
			summary: 'Le classi quarte della primaria raccolgono l’uva nella vigna comunale con i volontari dell’Associazione Viticoltori.',
			publishedAt: '2022-09-18T22:00:00.000Z',
			updatedAt: '2022-09-20T06:05:00.000Z',
			image: 'https://www.comune.sanvico.it/wp-content/uploads/2022/09/vendemmia.jpg',
		});
	});

	it('falls back to the meta tags when the page has no template markup', () => {
		const html = `<html><head><title>Avviso - Comune</title>
			<meta property="og:title" content="Avviso di allerta meteo arancione">
			<meta property="og:description" content="Scuole chiuse domani &amp; parchi chiusi.">
			<meta property="og:image" content="/img/allerta.png">
			<meta property="article:published_time" content="2024-10-16T14:05:00+02:00">
			<meta property="article:modified_time" content="2024-10-16T15:00:00+02:00">
			</head><body><div>Testo</div></body></html>`;
		expect(parseDetailPage(html, { url: 'https://www.comune.valmorena.it/avvisi/allerta' })).toEqual({
			title: 'Avviso di allerta meteo arancione',
			summary: 'Scuole chiuse domani & parchi chiusi.',
			publishedAt: '2024-10-16T12:05:00.000Z',
			updatedAt: '2024-10-16T13:00:00.000Z',
			image: 'https://www.comune.valmorena.it/img/allerta.png',
		});
	});

	it('uses the first body paragraph when there is no subtitle, and reads an OpenCity info-date', () => {
		const html = `<html><body><main><h1>Nuovi orari dell'ecocentro</h1>
			<p class="info-date"><span>Data di pubblicazione</span> <strong>04/06/2024</strong></p>
			<div id="descrizione"><p>Dal 1° luglio l'ecocentro apre anche il sabato pomeriggio.</p></div>
			</main></body></html>`;
		expect(parseDetailPage(html, { url: 'https://www.comune.pievebella.it/Novita/Avvisi/Ecocentro' })).toEqual({
			title: "Nuovi orari dell'ecocentro",
			summary: "Dal 1° luglio l'ecocentro apre anche il sabato pomeriggio.",
			publishedAt: '2024-06-03T22:00:00.000Z',
			updatedAt: null,
			image: null,
		});
	});

	it('returns nulls rather than guessing on an empty page', () => {
		expect(parseDetailPage('<html><body></body></html>', { url: 'https://www.comune.valmorena.it/x' })).toEqual({
			publishedAt: null,
			updatedAt: null,
			image: null,
		});
	});
});

describe('mergeDetail', () => {
	const card: NewsItem = {
		id: 'https://www.comune.valmorena.it/novita/1',
		title: 'Avviso',
		summary: 'Breve.',
		link: 'https://www.comune.valmorena.it/novita/1',
		publishedAt: null,
		updatedAt: null,
		categories: [],
		image: null,
		source: { name: 'Novità', url: 'https://www.comune.valmorena.it/novita', kind: 'html' },
	};
	// "14 luglio 2023, 10:30" and "18/07/2023, 09:45", summer time.
	const page = { title: 'Avviso esteso', summary: 'Il testo più lungo della pagina.', publishedAt: '2023-07-14T08:30:00.000Z', updatedAt: '2023-07-18T07:45:00.000Z', image: 'https://www.comune.valmorena.it/a.jpg' };

	it('fills what the card lacks from the page', () => {
		expect(mergeDetail(card, page)).toEqual({ ...card, summary: page.summary, publishedAt: page.publishedAt, updatedAt: page.updatedAt, image: page.image });
		expect(mergeDetail(card, { publishedAt: page.publishedAt })).toMatchObject({ publishedAt: page.publishedAt, updatedAt: page.publishedAt });
	});

	it("keeps the card's own update date, whatever the page says", () => {
		const dated = { ...card, publishedAt: '2023-07-14T08:30:00.000Z', updatedAt: '2023-07-20T06:00:00.000Z' };
		expect(mergeDetail(dated, page)).toMatchObject({ publishedAt: dated.publishedAt, updatedAt: dated.updatedAt });
	});

	it('takes the time of day from the page only for the same day the card shows', () => {
		const sameDay = { ...card, publishedAt: '2023-07-13T22:00:00.000Z', updatedAt: '2023-07-13T22:00:00.000Z' };
		expect(mergeDetail(sameDay, page)).toMatchObject({ publishedAt: page.publishedAt, updatedAt: page.updatedAt });
		const otherDay = { ...card, publishedAt: '2023-07-12T22:00:00.000Z', updatedAt: '2023-07-12T22:00:00.000Z' };
		expect(mergeDetail(otherDay, page).publishedAt).toBe(otherDay.publishedAt);
		// A card with a time of its own is not refined.
		const timed = { ...card, publishedAt: '2023-07-14T07:00:00.000Z', updatedAt: '2023-07-14T07:00:00.000Z' };
		expect(mergeDetail(timed, page).publishedAt).toBe(timed.publishedAt);
	});

	it('ignores an update older than the publication', () => {
		const later = { ...card, publishedAt: '2023-07-19T22:00:00.000Z', updatedAt: '2023-07-19T22:00:00.000Z' };
		expect(mergeDetail(later, page)).toMatchObject({ publishedAt: later.publishedAt, updatedAt: later.publishedAt });
	});
});
