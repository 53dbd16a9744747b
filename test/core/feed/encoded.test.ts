import { decodeDocument } from '../../../core/encoding';
import { parseFeed } from '../../../core/feed';
import { iconv } from '../../../core/vendor';
import { fixture, fixtureBytes } from './fixtures';

const URL = 'https://www.comune.esempio.it/feed/';

async function read(bytes: Uint8Array, contentType?: string) {
	const { text } = decodeDocument(bytes, { contentType });
	return parseFeed(text, { url: URL });
}

describe('decode + parseFeed', () => {
	it('reads a feed in ISO-8859-1', async () => {
		const feed = await read(fixtureBytes('latin1-prolog.xml'));
		expect(feed.title).toBe('Comune di Città di Castello');
		expect(feed.items[0].title).toBe('Perché la città è più bella: «Più verde in piazza»');
	});

	it('reads windows-1252 declared as ISO-8859-1', async () => {
		const feed = await read(fixtureBytes('cp1252-declared-latin1.xml'));
		expect(feed.items[0].title).toBe('“Tari 2025”: si paga entro l’estate');
		expect(feed.items[0].summary).toBe('Rata unica da 120 € – città più pulita… perché no?');
	});

	it('reads a UTF-16LE feed with BOM', async () => {
		const xml = fixture('rss2.xml').replace('encoding="UTF-8"', 'encoding="UTF-16"');
		const feed = await read(new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(xml, 'utf-16le')])));
		expect(feed.items[0].title).toBe('Chiusura di via Garibaldi per lavori: ecco perché');
	});

	it('reads a UTF-8 feed with BOM and blank lines before the prolog', async () => {
		const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\n\n' + fixture('rss-no-version.xml'))]);
		const feed = await read(new Uint8Array(bytes), 'application/rss+xml; charset=utf-8');
		expect(feed.items[0].title).toBe('Ordinanza n. 12 del 2025 – viabilità in piazza');
	});

	it('repairs a double-encoded feed', async () => {
		const mojibake = Buffer.from(iconv.decode(fixtureBytes('rss-no-version.xml'), 'windows-1252'));
		const feed = await read(new Uint8Array(mojibake));
		expect(feed.items[0].title).toBe('Ordinanza n. 12 del 2025 – viabilità in piazza');
		expect(feed.items[0].summary).toBe('Divieto di sosta in piazza Libertà.');
	});
});
