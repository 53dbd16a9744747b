import type { NewsItem } from '../../core/item';
import { classify, emptySeenState, fingerprint, isSeenState, remember, type SeenState } from '../../core/seen';

const DAY = 24 * 3600;
const NOW = new Date('2025-03-10T12:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;

function item(slug: string, fields: Partial<NewsItem> = {}): NewsItem {
	const link = `https://www.comune.valmorena.it/novita/notizie/${slug}`;
	return {
		id: link,
		title: 'Torna il mercato contadino in piazza Garibaldi',
		summary: 'Ogni sabato mattina, da luglio a ottobre.',
		link,
		publishedAt: '2025-03-07T09:00:00.000Z',
		updatedAt: '2025-03-07T09:00:00.000Z',
		categories: ['Notizie'],
		image: null,
		source: { name: 'Comune di Valmorena', url: 'https://www.comune.valmorena.it/novita', kind: 'html' },
		...fields,
	};
}

describe('classify and remember', () => {
	const mercato = item('mercato');
	const piscina = item('piscina', { title: 'Piscina comunale chiusa per lavori', summary: 'Riapre a settembre.' });
	const state = remember(emptySeenState(), [mercato, piscina], NOW);

	it('remembers each item by id with the fingerprint of its text and the time', () => {
		expect(state).toEqual({
			version: 1,
			items: {
				[mercato.id]: [fingerprint(mercato), NOW_SECONDS],
				[piscina.id]: [fingerprint(piscina), NOW_SECONDS],
			},
		});
		expect(fingerprint(mercato)).toMatch(/^[\w-]{16}$/);
	});

	it('calls an unknown id fresh and a known one with the same text unchanged', () => {
		const tari = item('tari', { title: 'TARI 2025: le scadenze' });
		expect(classify(state, [tari, mercato, piscina])).toEqual({ fresh: [tari], updated: [], unchanged: [mercato, piscina] });
	});

	it('calls a re-saved item unchanged: same text, new updatedAt and date', () => {
		const resaved = { ...mercato, updatedAt: '2025-03-09T18:30:00.000Z', publishedAt: '2025-03-09T18:30:00.000Z' };
		expect(classify(state, [resaved])).toEqual({ fresh: [], updated: [], unchanged: [resaved] });
	});

	it('ignores changes of whitespace and letter case, and of categories and image', () => {
		const retouched = {
			...mercato,
			title: 'Torna il  MERCATO contadino\nin piazza Garibaldi',
			categories: ['Eventi'],
			image: 'https://www.comune.valmorena.it/media/mercato.jpg',
		};
		expect(classify(state, [retouched]).unchanged).toEqual([retouched]);
	});

	it('calls an item updated when its title, summary or link is edited', () => {
		const title = { ...mercato, title: 'Torna il mercato contadino in piazza Mazzini' };
		const summary = { ...piscina, summary: 'Riapre a ottobre.' };
		const link = { ...mercato, link: 'https://www.comune.valmorena.it/novita/notizie/mercato-contadino-2025' };
		expect(classify(state, [title]).updated).toEqual([title]);
		expect(classify(state, [summary]).updated).toEqual([summary]);
		expect(classify(state, [link]).updated).toEqual([link]);
	});

	it('stores the edited text once it is passed on, so it is unchanged next time', () => {
		const edited = { ...mercato, title: 'Torna il mercato contadino in piazza Mazzini' };
		const next = remember(state, [edited], new Date(NOW.getTime() + 3_600_000));
		expect(next.items[mercato.id]).toEqual([fingerprint(edited), NOW_SECONDS + 3600]);
		expect(next.items[piscina.id]).toEqual(state.items[piscina.id]);
		expect(classify(next, [edited]).unchanged).toEqual([edited]);
	});

	it('does not change the state it is given', () => {
		const before = JSON.parse(JSON.stringify(state)) as SeenState;
		remember(state, [item('tari')], new Date(NOW.getTime() + 1000));
		expect(state).toEqual(before);
	});
});

describe('remember keeps the memory small', () => {
	it('forgets entries absent from the source for more than 180 days, and keeps those 180 days old', () => {
		const old: SeenState = {
			version: 1,
			items: {
				'https://www.comune.valmorena.it/a': ['aaaaaaaaaaaaaaaa', NOW_SECONDS - 181 * DAY],
				'https://www.comune.valmorena.it/b': ['bbbbbbbbbbbbbbbb', NOW_SECONDS - 180 * DAY],
				'https://www.comune.valmorena.it/c': ['cccccccccccccccc', NOW_SECONDS - 2 * DAY],
			},
		};
		const next = remember(old, [], NOW);
		expect(Object.keys(next.items)).toEqual(['https://www.comune.valmorena.it/b', 'https://www.comune.valmorena.it/c']);
	});

	it('refreshes the time of an item seen again, so it is not forgotten', () => {
		const mercato = item('mercato');
		const old: SeenState = { version: 1, items: { [mercato.id]: [fingerprint(mercato), NOW_SECONDS - 179 * DAY] } };
		const later = new Date(NOW.getTime() + 30 * DAY * 1000);
		expect(remember(remember(old, [mercato], NOW), [], later).items[mercato.id]).toEqual([fingerprint(mercato), NOW_SECONDS]);
		expect(remember(old, [], later).items).toEqual({});
	});

	it('keeps at most 2000 entries, the most recently seen', () => {
		const items: SeenState['items'] = {};
		for (let i = 0; i < 2100; i++) items[`https://www.comune.valmorena.it/n/${i}`] = ['xxxxxxxxxxxxxxxx', NOW_SECONDS - 2100 + i];
		const next = remember({ version: 1, items }, [item('nuova')], NOW);
		const ids = Object.keys(next.items);
		expect(ids).toHaveLength(2000);
		expect(ids).toContain(item('nuova').id);
		// The 101 seen longest ago make room for the new one.
		expect(ids).not.toContain('https://www.comune.valmorena.it/n/100');
		expect(ids).toContain('https://www.comune.valmorena.it/n/101');
		expect(ids).toContain('https://www.comune.valmorena.it/n/2099');
	});
});

describe('isSeenState', () => {
	it('accepts a stored state and refuses anything else', () => {
		expect(isSeenState(emptySeenState())).toBe(true);
		expect(isSeenState({ version: 1, items: { 'https://x/1': ['f', 1] } })).toBe(true);
		expect(isSeenState(undefined)).toBe(false);
		expect(isSeenState({ version: 2, items: {} })).toBe(false);
		expect(isSeenState({ version: 1 })).toBe(false);
		// typeof null and arrays are 'object' too: such a state would crash classify.
		expect(isSeenState({ version: 1, items: null })).toBe(false);
		expect(isSeenState({ version: 1, items: [] })).toBe(false);
	});
});
