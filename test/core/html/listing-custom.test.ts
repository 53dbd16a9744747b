import { parseListing, type CustomSelectors } from '../../../core/html';
import { BanditoreError } from '../../../core/errors';
import { site } from './fixtures';

const URL = 'http://www.comune.montecalvo.example/notizie.asp';
const SELECTORS: CustomSelectors = {
	item: 'li.notizia',
	title: 'h2',
	date: '.quando',
	summary: '.sommario',
};

function codeOf(run: () => unknown): string | undefined {
	try {
		run();
	} catch (error) {
		return error instanceof BanditoreError ? error.code : 'not a BanditoreError';
	}
	return undefined;
}

describe('custom selectors', () => {
	const result = parseListing(site('custom/notizie.html'), { url: URL, selectors: SELECTORS });

	it('reads a page built on no template', () => {
		expect(result.preset).toBe('custom');
		expect(result.items.map((item) => [item.title, item.link])).toEqual([
			['Raccolta ingombranti a domicilio', 'http://www.comune.montecalvo.example/dettaglio.asp?id=311'],
			['Commemorazione dei caduti', 'http://www.comune.montecalvo.example/dettaglio.asp?id=305'],
			['Corso di primo soccorso', 'http://www.comune.montecalvo.example/dettaglio.asp?id=298'],
		]);
	});

	it('reads weekday-prefixed and numeric dates with a time, and warns about the unreadable one', () => {
		expect(result.items.map((item) => item.publishedAt)).toEqual([
			'2025-03-02T23:00:00.000Z',
			// 27 October 2024 is the DST Sunday: 10:30 is already +01:00.
			'2024-10-27T09:30:00.000Z',
			null,
		]);
		expect(result.items[0].summary).toBe('Prenotazione al numero verde entro il venerdì precedente.');
		expect(result.items[2].summary).toBe('');
		expect(result.warnings).toEqual([
			"Could not read the date of 1 card(s) ('data da definire'): they are kept undated.",
		]);
	});

	it('warns when a field selector matched in none of the cards', () => {
		const { items, warnings } = parseListing(site('custom/notizie.html'), {
			url: URL,
			selectors: { ...SELECTORS, image: 'img.foto', category: '.categoria' },
		});
		expect(items).toHaveLength(3);
		expect(items.every((item) => item.image === null && item.categories.length === 0)).toBe(true);
		expect(warnings).toContain(`The category selector '.categoria' matched in none of the 3 cards on ${URL}.`);
		expect(warnings).toContain(`The image selector 'img.foto' matched in none of the 3 cards on ${URL}.`);
	});

	it('uses an explicit link selector, and selectors relative to the card', () => {
		const { items } = parseListing(site('custom/notizie.html'), {
			url: URL,
			selectors: { item: 'ul.elenco-notizie > li', title: '> h2', link: 'h2 a', date: '> .quando' },
		});
		expect(items[1]).toMatchObject({
			title: 'Commemorazione dei caduti',
			link: 'http://www.comune.montecalvo.example/dettaglio.asp?id=305',
			publishedAt: '2024-10-27T09:30:00.000Z',
		});
	});

	it('throws no_matches with the selector and a hint when the item selector finds nothing', () => {
		try {
			parseListing(site('custom/notizie.html'), { url: URL, selectors: { item: '.x', title: 'h2' } });
			throw new Error('expected an error');
		} catch (error) {
			const e = error as BanditoreError;
			expect(e.code).toBe('no_matches');
			expect(e.message).toBe(`The selector '.x' matched nothing on ${URL}.`);
			expect(e.hint).toMatch(/^Open the page in a browser, inspect a news card and adjust the item selector/);
		}
	});

	it('suggests the preset when custom selectors miss on a template page', () => {
		try {
			parseListing(site('agid/novita.html'), { url: 'https://www.comune.valmorena.it/novita/', selectors: { item: '.news', title: 'h3' } });
			throw new Error('expected an error');
		} catch (error) {
			expect((error as BanditoreError).hint).toContain("try preset 'agid'");
		}
	});

	it('throws bad_selector for invalid CSS, in the item or in a field', () => {
		expect(codeOf(() => parseListing(site('custom/notizie.html'), { url: URL, selectors: { item: 'li[[', title: 'h2' } }))).toBe('bad_selector');
		expect(codeOf(() => parseListing(site('custom/notizie.html'), { url: URL, selectors: { ...SELECTORS, date: 'span:::quando' } }))).toBe(
			'bad_selector',
		);
		expect(codeOf(() => parseListing(site('custom/notizie.html'), { url: URL, selectors: { item: 'li', title: ' ' } }))).toBe('bad_selector');
	});

	it('throws unknown_layout on a page built on no template with preset auto', () => {
		try {
			parseListing(site('custom/notizie.html'), { url: URL });
			throw new Error('expected an error');
		} catch (error) {
			const e = error as BanditoreError;
			expect(e.code).toBe('unknown_layout');
			expect(e.message).toContain(URL);
			expect(e.hint).toContain("'agid'");
			expect(e.hint).toContain("'opencity'");
			expect(e.hint).toContain('custom CSS selectors');
			expect(e.hint).toContain('RSS feed');
		}
	});
});
