import type { NewsItem } from '../../core/item';
import { newestFirst, selectItems } from '../../core/select';

const NOW = new Date('2025-03-10T12:00:00Z');

function item(title: string, publishedAt: string | null): NewsItem {
	const link = `https://www.comune.castelnuovo.it/notizie/${title.toLowerCase().replace(/\W+/g, '-')}`;
	return {
		id: link,
		title,
		summary: '',
		link,
		publishedAt,
		updatedAt: publishedAt,
		categories: [],
		image: null,
		source: { name: 'Comune di Castelnuovo', url: 'https://www.comune.castelnuovo.it/feed/', kind: 'rss' },
	};
}

// In the order the site lists them: not the order of their dates.
const SITE_ORDER = [
	item('Orari estivi della biblioteca', null),
	item('Uffici chiusi per il patrono', '2025-03-07T15:00:00.000Z'),
	item('Avviso alla cittadinanza', '2025-03-10T07:15:00.000Z'),
	item('Corso di primo soccorso', null),
	item('Bando per le borse di studio', '2025-02-28T17:00:00.000Z'),
	item('Festa della città', '2025-02-01T10:00:00.000Z'),
	item('Raccolta ingombranti', null),
];
const titles = (items: NewsItem[]) => items.map((one) => one.title);

describe('selectItems', () => {
	it('puts dated items newest first, then undated ones in the order the site lists them', () => {
		expect(titles(selectItems(SITE_ORDER, { now: NOW }))).toEqual([
			'Avviso alla cittadinanza',
			'Uffici chiusi per il patrono',
			'Bando per le borse di studio',
			'Festa della città',
			'Orari estivi della biblioteca',
			'Corso di primo soccorso',
			'Raccolta ingombranti',
		]);
	});

	it('keeps the site order between items of the same instant', () => {
		const same = [item('Secondo avviso', '2025-03-01T08:00:00.000Z'), item('Primo avviso', '2025-03-01T08:00:00.000Z')];
		expect(titles(newestFirst(same))).toEqual(['Secondo avviso', 'Primo avviso']);
	});

	it('drops dated items older than maxAgeHours and keeps undated ones, whose age is unknown', () => {
		// 7 days back: 2025-03-03T12:00Z.
		expect(titles(selectItems(SITE_ORDER, { now: NOW, maxAgeHours: 168 }))).toEqual([
			'Avviso alla cittadinanza',
			'Uffici chiusi per il patrono',
			'Orari estivi della biblioteca',
			'Corso di primo soccorso',
			'Raccolta ingombranti',
		]);
	});

	it('keeps an item exactly maxAgeHours old, and future events', () => {
		const edge = [item('Esattamente un giorno fa', '2025-03-09T12:00:00.000Z'), item('Concerto di Pasqua', '2025-04-20T18:00:00.000Z')];
		expect(titles(selectItems(edge, { now: NOW, maxAgeHours: 24 }))).toEqual(['Concerto di Pasqua', 'Esattamente un giorno fa']);
	});

	it('takes at most limit items, newest first, after the age filter', () => {
		expect(titles(selectItems(SITE_ORDER, { now: NOW, limit: 3 }))).toEqual([
			'Avviso alla cittadinanza',
			'Uffici chiusi per il patrono',
			'Bando per le borse di studio',
		]);
		expect(titles(selectItems(SITE_ORDER, { now: NOW, maxAgeHours: 168, limit: 3 }))).toEqual([
			'Avviso alla cittadinanza',
			'Uffici chiusi per il patrono',
			'Orari estivi della biblioteca',
		]);
	});

	it('reads limit 0 and maxAgeHours 0 as "no limit"', () => {
		expect(selectItems(SITE_ORDER, { now: NOW, limit: 0, maxAgeHours: 0 })).toHaveLength(7);
	});

	it('does not reorder the array it is given', () => {
		const copy = [...SITE_ORDER];
		selectItems(SITE_ORDER, { now: NOW, limit: 2 });
		expect(SITE_ORDER).toEqual(copy);
	});
});
