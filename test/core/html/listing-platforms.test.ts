import { parseListing } from '../../../core/html';
import { site } from './fixtures';

const NOW = new Date('2023-12-10T09:00:00Z');

describe('AGID v1 (Bootstrap Italia 1) listing', () => {
	const result = parseListing(site('agid-v1/novita.html'), { url: 'https://www.comune.roccabruna.it/novita', now: NOW });

	it('is detected and reads article.card-wrapper cards with h5.card-title', () => {
		expect(result.preset).toBe('agid-v1');
		expect(result.items.map((item) => item.title)).toEqual(['Sagra delle castagne', 'Sospensione idrica in via delle Vigne']);
		expect(result.warnings).toEqual([]);
	});

	it('takes the link from "Leggi di più" when the title has none', () => {
		expect(result.items.map((item) => item.link)).toEqual([
			'https://www.comune.roccabruna.it/novita/eventi/sagra-delle-castagne',
			'https://www.comune.roccabruna.it/novita/comunicati/sospensione-idrica-via-delle-vigne',
		]);
	});

	it('reads the calendar badge, the ".data" date and the label, without repeating a category', () => {
		const [sagra, acqua] = result.items;
		expect(sagra.publishedAt).toBe('2023-10-18T22:00:00.000Z');
		expect(sagra.image).toBe('https://www.comune.roccabruna.it/immagini/sagra-castagne.jpg');
		expect(acqua.publishedAt).toBe('2019-10-01T22:00:00.000Z');
		expect(acqua.categories).toEqual(['Comunicati']);
	});

	it('leaves out the "big-heading" category tiles', () => {
		expect(result.items.map((item) => item.title)).not.toContain('Notizie');
	});
});

describe('Design Comuni WordPress theme listing', () => {
	const result = parseListing(site('wordpress/novita.html'), { url: 'https://www.comune.sanvico.it/novita/', now: NOW });

	it('is detected and reads the cards', () => {
		expect(result.preset).toBe('wordpress');
		expect(result.items.map((item) => item.title)).toEqual([
			'Vendemmia didattica per le scuole',
			'Ora solare: nuovi orari degli uffici comunali',
			'Ordinanza antincendio: divieto di fuochi all’aperto',
		]);
		expect(result.warnings).toEqual([]);
	});

	it('reads "19 Set 22" two-digit years and the four-digit fallback', () => {
		expect(result.items.map((item) => item.publishedAt)).toEqual([
			'2022-09-18T22:00:00.000Z',
			// 30 October 2022 is the Sunday clocks go back: midnight is still +02:00.
			'2022-10-29T22:00:00.000Z',
			'2021-08-11T22:00:00.000Z',
		]);
	});

	it('reads span.category, the summary, the link and the image outside .img-wrapper', () => {
		const [vendemmia, orari] = result.items;
		expect(vendemmia).toMatchObject({
			link: 'https://www.comune.sanvico.it/novita/vendemmia-didattica-per-le-scuole/',
			categories: ['NOTIZIE'],
			summary: 'Le classi quarte della primaria raccolgono l’uva nella vigna comunale con i volontari dell’Associazione Viticoltori.',
			image: 'https://www.comune.sanvico.it/wp-content/uploads/2022/09/vendemmia-300x200.jpg',
		});
		expect(orari.categories).toEqual(['AVVISI']);
		expect(orari.image).toBeNull();
	});

	it('decodes entities in the page title used as source name', () => {
		expect(result.items[0].source.name).toBe('Novità – Comune di Sanvico');
	});
});

describe('OpenCity / ComunWeb listing', () => {
	const result = parseListing(site('opencity/novita.html'), { url: 'https://www.comune.pievebella.it/Novita/Notizie', now: NOW });

	it('is detected and reads div.card-wrapper[data-object_id] cards', () => {
		expect(result.preset).toBe('opencity');
		expect(result.items.map((item) => item.title)).toEqual([
			'Inaugurata la nuova mensa scolastica',
			'Lavori sulla SP 12: senso unico alternato',
		]);
		expect(result.warnings).toEqual([]);
	});

	it('reads the date from p.info-date strong and keeps it out of the summary', () => {
		const [mensa, lavori] = result.items;
		expect(mensa.publishedAt).toBe('2024-03-11T23:00:00.000Z');
		expect(lavori.publishedAt).toBe('2024-06-03T22:00:00.000Z');
		expect(mensa.summary).toBe('Duecento pasti al giorno cucinati sul posto con prodotti del territorio.');
	});

	it('reads the h5.card-title link, category and image', () => {
		expect(result.items[0]).toMatchObject({
			link: 'https://www.comune.pievebella.it/Novita/Notizie/Inaugurata-la-nuova-mensa-scolastica',
			categories: ['Notizia'],
			image: 'https://www.comune.pievebella.it/var/pievebella/storage/images/novita/notizie/nuova-mensa/4821-1-ita-IT/nuova-mensa_imagefull.jpg',
		});
	});
});
