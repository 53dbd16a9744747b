// Cross-posts: the same notice told by the page it links to or by its text, and which copy is richer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datesDiffer, findOriginal, gist, isSocial, linkKey, linkKeys, otherSources, richerThan, sameNotice, similarity, TEXT_THRESHOLD } from '../../core/crosspost';
import type { NewsItem } from '../../core/item';
import { canonicalUrl } from '../../core/url';

type Side = Pick<NewsItem, 'title' | 'summary' | 'link' | 'publishedAt' | 'image'> & { kind: NewsItem['source']['kind']; sharedLink?: string | null };
const { pairs } = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'crosspost', 'pairs.json'), 'utf8')) as { pairs: Array<{ id: string; same: boolean; a: Side; b: Side }> };

const SITE = 'https://www.comune.esempio.it/novita/chiusura-scuole-neve';
const item = (extra: Partial<NewsItem> = {}): NewsItem => ({
	id: SITE,
	title: 'Chiusura delle scuole per neve giovedì 12 marzo',
	summary: 'Con ordinanza sindacale è disposta la chiusura di tutte le scuole di ogni ordine e grado e dei nidi comunali per giovedì 12 marzo 2026.',
	link: SITE,
	publishedAt: '2026-03-11T16:00:00.000Z',
	updatedAt: null,
	categories: [],
	image: null,
	source: { name: 'Comune', url: 'https://www.comune.esempio.it/feed', kind: 'rss' },
	...extra,
});
const post = (extra: Partial<NewsItem> = {}): NewsItem =>
	item({ id: 'fb:1', link: 'https://www.facebook.com/ComuneEsempio/posts/1', source: { name: 'Facebook', url: 'https://www.facebook.com/ComuneEsempio', kind: 'facebook' }, ...extra });

describe('canonical links', () => {
	test('host case, www., trailing slash, fragment and tracking parameters do not make another page', () => {
		const forms = [
			'https://www.comune.esempio.it/novita/avviso/',
			'http://COMUNE.esempio.it/novita/avviso#dettagli',
			'https://comune.esempio.it/novita/avviso?utm_source=facebook&utm_medium=social&fbclid=IwAR0abc',
		];
		expect(new Set(forms.map(canonicalUrl))).toEqual(new Set(['comune.esempio.it/novita/avviso']));
	});

	test('the path and the other parameters still tell pages apart', () => {
		expect(canonicalUrl('https://comune.esempio.it/novita/Avviso')).not.toBe(canonicalUrl('https://comune.esempio.it/novita/avviso'));
		expect(canonicalUrl('https://comune.esempio.it/news?id=12&utm_campaign=x')).toBe('comune.esempio.it/news?id=12');
		expect(canonicalUrl('https://comune.esempio.it/news?id=12')).not.toBe(canonicalUrl('https://comune.esempio.it/news?id=13'));
		expect(canonicalUrl('mailto:urp@comune.esempio.it')).toBeNull();
		expect(canonicalUrl('not a link')).toBeNull();
	});

	test("a social post stands for the page it shares; the site's home page names no notice", () => {
		expect(linkKey(post({ sharedLink: `${SITE}?fbclid=abc` }))).toBe('comune.esempio.it/novita/chiusura-scuole-neve');
		expect(linkKey(post())).toBe('facebook.com/ComuneEsempio/posts/1');
		expect(linkKeys(post({ sharedLink: 'https://www.comune.esempio.it/' }))).toEqual(['facebook.com/ComuneEsempio/posts/1']);
		expect(linkKey(item({ link: 'https://www.comune.esempio.it/index.php' }))).toBeNull();
	});
});

describe('the same notice', () => {
	test('by link: a Facebook post sharing the notice, whatever its text', () => {
		const shared = post({ title: 'Domani niente scuola!', summary: 'Tutti i dettagli sul sito 👉', sharedLink: `${SITE}/?utm_source=fb` });
		expect(sameNotice(item(), shared)).toEqual({ kind: 'link', url: 'comune.esempio.it/novita/chiusura-scuole-neve' });
	});

	test('by link: an edited notice with the same link, weeks later and reworded, is the same', () => {
		const edited = item({ id: 'guid-2', title: 'Scuole chiuse per neve: aggiornamento', summary: 'Nuovo testo.', publishedAt: '2026-04-20T08:00:00.000Z' });
		expect(sameNotice(item(), edited)?.kind).toBe('link');
	});

	test('by text: a Facebook paraphrase within the window, not outside it', () => {
		const paraphrase = post({ title: '❄️ Domani, giovedì 12 marzo, scuole chiuse per neve!', summary: 'Con ordinanza sindacale chiuse tutte le scuole di ogni ordine e grado e i nidi comunali. Leggi di più… #neve', publishedAt: '2026-03-11T17:00:00.000Z' });
		expect(sameNotice(item(), paraphrase)).toMatchObject({ kind: 'text' });
		expect(sameNotice(item(), { ...paraphrase, publishedAt: '2026-03-16T17:00:00.000Z' })).toBeNull();
		expect(sameNotice(item(), { ...paraphrase, publishedAt: '2026-03-16T17:00:00.000Z' }, { windowDays: 7 })).toMatchObject({ kind: 'text' });
		// A window of 0 days: only the same page makes the same notice.
		expect(sameNotice(item(), { ...paraphrase, publishedAt: item().publishedAt }, { windowDays: 0 })).toBeNull();
	});

	test('by text: another day is another notice, however alike the words', () => {
		const other = post({ id: 'x', title: 'Chiusura delle scuole per neve giovedì 19 marzo', summary: item().summary.replace('12 marzo', '19 marzo') });
		expect(similarity(gist(item()), gist(other))).toBe(1);
		expect(datesDiffer(gist(item()), gist(other))).toBe(true);
		expect(sameNotice(item(), other)).toBeNull();
	});

	test('days in figures and in words are the same days; a post cut short may name fewer of them', () => {
		expect([...gist({ title: 'Lavori', summary: 'dal 22/06/2026 al 26.06.2026, poi mercoledì 1° luglio' }).dates]).toEqual(['22-6', '26-6', '1-7']);
		expect([...gist({ title: 'Orari', summary: 'dalle 8 alle 18. Lunedì 2 novembre messa' }).dates]).toEqual(['2-11']);
		const full = gist({ title: 'Sosta', summary: 'mercoledì 4 e giovedì 5 novembre' });
		expect(datesDiffer(full, gist({ title: 'Sosta', summary: 'giovedì 5 novembre' }))).toBe(false);
		expect(datesDiffer(full, gist({ title: 'Sosta', summary: 'giovedì 5 e venerdì 6 novembre' }))).toBe(true);
	});

	test('one source publishing two links publishes two notices, however alike their words', () => {
		const again = item({ id: 'y', link: 'https://www.comune.esempio.it/novita/scuole-chiuse-neve-bis' });
		expect(similarity(gist(item()), gist(again))).toBe(1);
		expect(sameNotice(item(), again)).toBeNull();
		expect(otherSources(item(), post())).toBe(true);
		expect(otherSources(item(), item({ source: { name: 'Altro nome', url: 'https://comune.esempio.it/feed/', kind: 'rss' } }))).toBe(false);
		// A source not given (an item sent by hand to the API) is not another source.
		expect(otherSources(item(), { source: undefined } as unknown as NewsItem)).toBe(false);
		expect(sameNotice(item(), { ...again, source: undefined } as unknown as NewsItem)).toBeNull();
	});

	test('a text that says too little is not matched by its words', () => {
		expect(sameNotice(item(), post({ title: 'Avviso 👉', summary: 'Leggi di più sul sito', image: null }))).toBeNull();
	});

	test('the original is the one naming the same page, else the most similar text', () => {
		const similar = { id: 'a', item: post({ link: 'https://www.facebook.com/ComuneEsempio/posts/a' }) };
		const linked = { id: 'b', item: item({ link: SITE, title: 'Altro titolo', summary: 'Testo diverso' }) };
		expect(findOriginal(item(), [similar, linked])?.original.id).toBe('b');
		expect(findOriginal(item({ link: 'https://www.comune.esempio.it/novita/c' }), [similar])).toMatchObject({ original: { id: 'a' }, match: { kind: 'text', similarity: 1 } });
		expect(findOriginal(item({ link: 'https://www.comune.esempio.it/novita/c', title: 'Mercato', summary: 'Il mercato del venerdì si sposta in piazza della Chiesa per lavori' }), [similar])).toBeNull();
	});
});

describe('the richest copy', () => {
	test("the site's page beats a social permalink, an image beats none, a tie keeps the first", () => {
		expect(richerThan(item(), post({ image: 'https://scontent.xx.fbcdn.net/a.jpg' }))).toBe('site');
		expect(richerThan(post({ image: 'https://scontent.xx.fbcdn.net/a.jpg' }), item())).toBeNull();
		expect(richerThan(item({ image: 'https://www.comune.esempio.it/a.jpg' }), item())).toBe('image');
		expect(richerThan(item(), item())).toBeNull();
	});

	test('YouTube videos and feeds of social pages are social, whatever reads them', () => {
		expect(isSocial(item({ source: { name: 'Video', url: 'https://www.youtube.com/feeds/videos.xml?channel_id=UC1', kind: 'youtube' } }))).toBe(true);
		expect(isSocial(item({ link: 'https://m.facebook.com/story.php?id=1' }))).toBe(true);
		expect(isSocial(item())).toBe(false);
	});
});

describe('the labelled pairs (test/fixtures/crosspost)', () => {
	const asItem = (side: Side): NewsItem => item({ ...side, id: side.link, source: { name: side.kind, url: side.link, kind: side.kind } });

	test('precision and recall at the threshold, with the default window', () => {
		let truePositive = 0;
		let falsePositive = 0;
		let falseNegative = 0;
		const wrong: string[] = [];
		for (const pair of pairs) {
			const found = sameNotice(asItem(pair.a), asItem(pair.b)) !== null;
			if (found && pair.same) truePositive++;
			if (found && !pair.same) falsePositive++;
			if (!found && pair.same) falseNegative++;
			if (found !== pair.same) wrong.push(pair.id);
		}
		expect(pairs.filter((p) => p.same).length).toBeGreaterThanOrEqual(20);
		expect(pairs.filter((p) => !p.same).length).toBeGreaterThanOrEqual(20);
		expect(wrong).toEqual([]);
		expect(truePositive / (truePositive + falsePositive)).toBe(1);
		expect(truePositive / (truePositive + falseNegative)).toBe(1);
	});

	test('the threshold sits between the two groups, not on either: the margin the README gives', () => {
		const scores = pairs.map((pair) => {
			const [a, b] = [gist(asItem(pair.a)), gist(asItem(pair.b))];
			return { same: pair.same, score: similarity(a, b), dated: datesDiffer(a, b) };
		});
		const lowestSame = Math.min(...scores.filter((s) => s.same).map((s) => s.score));
		const highestUndatedOther = Math.max(...scores.filter((s) => !s.same && !s.dated).map((s) => s.score));
		expect(lowestSame).toBeGreaterThanOrEqual(0.75);
		expect(highestUndatedOther).toBeLessThanOrEqual(0.62);
		expect(TEXT_THRESHOLD).toBeGreaterThan(highestUndatedOther);
		expect(TEXT_THRESHOLD).toBeLessThan(lowestSame);
		// Without the days the words alone would confuse several different notices: the dates rule matters.
		expect(scores.filter((s) => !s.same && s.score >= TEXT_THRESHOLD).length).toBeGreaterThanOrEqual(4);
	});
});
