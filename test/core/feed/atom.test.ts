import { parseFeed } from '../../../core/feed';
import { fixture } from './fixtures';

const URL = 'https://www.comune.pratolungo.it/novita/atom.xml';

describe('parseFeed: Atom', () => {
	it('reads an xhtml feed title as text and the alternate link against xml:base', async () => {
		const feed = await parseFeed(fixture('atom.xml'), { url: URL });
		expect(feed.kind).toBe('atom');
		expect(feed.title).toBe('Comune di Pratolungo – Novità');
		expect(feed.link).toBe('https://www.comune.pratolungo.it/novita/');
		expect(feed.items).toHaveLength(4);
		expect(feed.items[0].source).toEqual({ name: 'Comune di Pratolungo – Novità', url: URL, kind: 'atom' });
	});

	it('turns type="xhtml" title and summary into text, in document order', async () => {
		const [first] = (await parseFeed(fixture('atom.xml'), { url: URL })).items;
		expect(first.title).toBe('Lavori in piazza del Duomo: cosa cambia');
		expect(first.summary).toBe('Dal 10 marzo la piazza sarà pedonale.\n\nPerché? Per la sicurezza di tutti.');
	});

	it('resolves relative links against the feed xml:base and reads id, dates and categories', async () => {
		const [first] = (await parseFeed(fixture('atom.xml'), { url: URL })).items;
		expect(first.link).toBe('https://www.comune.pratolungo.it/novita/lavori-piazza-duomo');
		expect(first.id).toBe('tag:comune.pratolungo.it,2025:42');
		expect(first.publishedAt).toBe('2025-03-01T07:00:00.000Z');
		expect(first.updatedAt).toBe('2025-03-02T08:00:00.000Z');
		expect(first.categories).toEqual(['Lavori pubblici', 'viabilita']);
		expect(first.image).toBe('https://www.comune.pratolungo.it/img/duomo.jpg');
	});

	it('resolves links and images against an entry xml:base; type="html" is decoded then stripped', async () => {
		const second = (await parseFeed(fixture('atom.xml'), { url: URL })).items[1];
		expect(second.title).toBe('Concerto di primavera & aperitivo');
		expect(second.link).toBe('https://www.comune.pratolungo.it/eventi/2025/concerto.html');
		expect(second.image).toBe('https://www.comune.pratolungo.it/eventi/2025/locandina.jpg');
		expect(second.summary).toBe("L'orchestra della città suona in piazza.");
		// Only <updated>: it is the publication date too.
		expect(second.publishedAt).toBe('2025-03-03T18:00:00.000Z');
	});

	it('reads an Italian dd/mm/yyyy date in <published> instead of failing the feed', async () => {
		const third = (await parseFeed(fixture('atom.xml'), { url: URL })).items[2];
		expect(third.publishedAt).toBe('2025-03-30T22:00:00.000Z');
		expect(third.summary).toBe("Data scritta all'italiana.");
		expect(third.image).toBe('https://cdn.pratolungo.it/thumb.jpg');
	});

	it('keeps an entry without any date', async () => {
		const fourth = (await parseFeed(fixture('atom.xml'), { url: URL })).items[3];
		expect(fourth.title).toBe('Nessuna data');
		expect(fourth.publishedAt).toBeNull();
		expect(fourth.link).toBe('https://www.comune.pratolungo.it/novita/nessuna-data');
	});
});

describe('parseFeed: YouTube', () => {
	const url = 'https://www.youtube.com/feeds/videos.xml?channel_id=UCabcdefghijklmnopqrstuv';

	it('reads a channel feed as kind youtube', async () => {
		const feed = await parseFeed(fixture('youtube.xml'), { url });
		expect(feed.kind).toBe('youtube');
		expect(feed.title).toBe('Comune di Belvedere');
		expect(feed.link).toBe('https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv');
		expect(feed.items).toHaveLength(1);
	});

	it('links to the watch URL, uses the thumbnail and the description', async () => {
		const [video] = (await parseFeed(fixture('youtube.xml'), { url })).items;
		expect(video).toMatchObject({
			id: 'yt:video:dQw4w9WgXcQ',
			title: 'Consiglio comunale del 5 marzo – diretta',
			link: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
			image: 'https://i3.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg',
			summary: 'Ordine del giorno:\n1. Bilancio <3 città\n2. Varie ed eventuali',
			publishedAt: '2025-03-05T19:00:00.000Z',
			updatedAt: '2025-03-06T08:00:00.000Z',
			source: { name: 'Comune di Belvedere', url, kind: 'youtube' },
		});
	});
});
