import { BanditoreError } from '../../../core/errors';
import { parseFeed } from '../../../core/feed';
import { fixture } from './fixtures';

const URL = 'https://www.comune.esempio.it/feed/';

async function failure(xml: string): Promise<BanditoreError> {
	try {
		await parseFeed(xml, { url: URL });
	} catch (error) {
		expect(error).toBeInstanceOf(BanditoreError);
		return error as BanditoreError;
	}
	throw new Error('parseFeed did not fail');
}

describe('parseFeed: junk before the prolog', () => {
	it('strips blank lines and spaces before <?xml', async () => {
		const feed = await parseFeed(fixture('leading-blank-lines.xml'), { url: URL });
		expect(feed.items.map((item) => item.title)).toEqual(['Più verde in città']);
	});

	it('strips a BOM, CRLF and a comment before <?xml', async () => {
		const text = fixture('bom-comment-before-prolog.xml');
		expect(text.charCodeAt(0)).toBe(0xfeff);
		const feed = await parseFeed(text, { url: URL });
		expect(feed.items.map((item) => item.title)).toEqual(['Perché la ZTL']);
	});

	it('strips a PHP warning printed before <?xml', async () => {
		const xml = '<br />\n<b>Warning</b>:  Undefined variable $x in <b>/var/www/feed.php</b> on line <b>3</b><br />\n' +
			fixture('rss-no-items.xml');
		const feed = await parseFeed(xml, { url: URL });
		expect(feed.title).toBe('Comune di Roccavecchia');
	});
});

describe('parseFeed: entities', () => {
	it('accepts bare ampersands and HTML entities that XML does not know', async () => {
		const feed = await parseFeed(fixture('bare-ampersands.xml'), { url: URL });
		expect(feed.title).toBe('Sport & tempo libero');
		const [item] = feed.items;
		expect(item.title).toBe('Palestra comunale: orari & tariffe');
		expect(item.link).toBe('https://www.comune.esempio.it/sport?id=3&cat=5');
		expect(item.summary).toBe('L’iscrizione è aperta. Info © Comune &unknown; fine.');
		expect(item.categories).toEqual(['Sport & salute']);
	});

	it('never loads an external entity (XXE)', async () => {
		const feed = await parseFeed(fixture('xxe.xml'), { url: URL });
		const output = JSON.stringify(feed);
		expect(output).not.toMatch(/root:|nologin|\/bin\/(ba)?sh/);
		expect(feed.items).toHaveLength(1);
		expect(feed.items[0].title).toBe('Notizia &xxe;');
		expect(feed.items[0].summary).toBe('Testo &remote; finito');
	});

	it('does not expand nested entities ("billion laughs")', async () => {
		const feed = await parseFeed(fixture('billion-laughs.xml'), { url: URL });
		expect(JSON.stringify(feed).length).toBeLessThan(2000);
		expect(feed.items[0].title).toBe('Risate &lol9;');
		expect(feed.items[0].summary).not.toContain('lollol');
	});
});

describe('parseFeed: errors', () => {
	it('rejects an HTML page with not_a_feed', async () => {
		const error = await failure(fixture('page.html'));
		expect(error.code).toBe('not_a_feed');
		expect(error.message).toBe(`The document at ${URL} is an HTML page, not an RSS, Atom or RDF feed.`);
		expect(error.hint).toBe("Check the URL points at the RSS feed, or use kind 'html' with a preset.");
	});

	it('rejects JSON with not_a_feed', async () => {
		const error = await failure(fixture('feed.json'));
		expect(error.code).toBe('not_a_feed');
		expect(error.message).toContain('JSON');
	});

	it('rejects an XML document of another kind, naming its root', async () => {
		const error = await failure(fixture('sitemap.xml'));
		expect(error.code).toBe('not_a_feed');
		expect(error.message).toContain('<urlset>');
	});

	it('rejects empty and plain-text documents with not_a_feed', async () => {
		expect((await failure('')).code).toBe('not_a_feed');
		expect((await failure('   \n')).message).toContain('an empty document');
		expect((await failure('Service Unavailable')).message).toContain('plain text');
	});

	it('rejects a truncated feed with malformed_feed and the line of the problem', async () => {
		const error = await failure(fixture('truncated.xml'));
		expect(error.code).toBe('malformed_feed');
		expect(error.message).toMatch(/^The feed at https:\/\/www\.comune\.esempio\.it\/feed\/ is not well-formed XML: .+ at line \d+/);
		expect(error.hint).toBeTruthy();
	});

	it('rejects unescaped HTML inside an element with malformed_feed', async () => {
		const error = await failure(fixture('mismatched.xml'));
		expect(error.code).toBe('malformed_feed');
		expect(error.message).toContain('line 4');
	});

	it('never throws a raw TypeError on odd input', async () => {
		const odd = [
			'<rss/>',
			'<rss version="2.0"><channel/></rss>',
			'<rss version="2.0"><channel><item/><item>text</item></channel></rss>',
			'<feed><entry/><entry><link>relative</link><title><div>x</div></title></entry></feed>',
			'<feed><entry><link/><published>never</published><category/></entry></feed>',
			'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><channel/><item/></rdf:RDF>',
		];
		for (const xml of odd) {
			const feed = await parseFeed(xml, { url: URL });
			expect(Array.isArray(feed.items)).toBe(true);
		}
		const entries = (await parseFeed(odd[3], { url: URL })).items;
		expect(entries[1].link).toBe('https://www.comune.esempio.it/feed/relative');
		expect(entries[1].title).toBe('x');
	});
});
