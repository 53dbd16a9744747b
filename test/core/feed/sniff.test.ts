import { looksLikeFeed, youtubeFeedUrl } from '../../../core/feed';
import { stripLeadingJunk } from '../../../core/feed/sniff';
import { fixture } from './fixtures';

describe('looksLikeFeed', () => {
	it.each([
		'rss2.xml', 'rss-no-version.xml', 'rss-091.xml', 'rdf.xml', 'atom.xml', 'youtube.xml',
		'leading-blank-lines.xml', 'bom-comment-before-prolog.xml', 'xxe.xml', 'billion-laughs.xml',
	])('says yes to %s', (name) => {
		expect(looksLikeFeed(fixture(name))).toBe(true);
	});

	it.each(['page.html', 'feed.json', 'sitemap.xml'])('says no to %s', (name) => {
		expect(looksLikeFeed(fixture(name))).toBe(false);
	});

	it('says no to empty text, plain text and XHTML', () => {
		expect(looksLikeFeed('')).toBe(false);
		expect(looksLikeFeed('Not found')).toBe(false);
		expect(looksLikeFeed('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&lt;rss</p></body></html>')).toBe(false);
	});

	it('only looks at the first KB', () => {
		expect(looksLikeFeed(`<html><body>${'x'.repeat(5000)}<rss version="2.0"></rss></body></html>`)).toBe(false);
	});
});

describe('youtubeFeedUrl', () => {
	const feed = 'https://www.youtube.com/feeds/videos.xml?channel_id=UCabcdefghijklmnopqrstuv';

	it.each([
		'UCabcdefghijklmnopqrstuv',
		' UCabcdefghijklmnopqrstuv ',
		'https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv',
		'https://youtube.com/channel/UCabcdefghijklmnopqrstuv/videos',
		'youtube.com/channel/UCabcdefghijklmnopqrstuv',
		'https://m.youtube.com/channel/UCabcdefghijklmnopqrstuv?si=abc',
		feed,
		'http://www.youtube.com/feeds/videos.xml?channel_id=UCabcdefghijklmnopqrstuv',
	])('turns %s into the channel feed', (input) => {
		expect(youtubeFeedUrl(input)).toBe(feed);
	});

	it.each([
		'@ComuneDiBelvedere',
		'https://www.youtube.com/@ComuneDiBelvedere',
		'https://www.youtube.com/c/ComuneDiBelvedere',
		'https://www.youtube.com/user/comunebelvedere',
		'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
		'https://example.com/channel/UCabcdefghijklmnopqrstuv',
		'UCshort',
		'',
	])('gives null for %s', (input) => {
		expect(youtubeFeedUrl(input)).toBeNull();
	});
});

describe('stripLeadingJunk', () => {
	const prolog = '<?xml version="1.0"?><rss version="2.0"></rss>';

	it.each([
		['blank lines', `\n\n  \n${prolog}`],
		['a BOM and CRLF', `\ufeff\r\n${prolog}`],
		['a comment', `<!-- cms -->\n${prolog}`],
		['a PHP warning', `<br />\n<b>Warning</b>: x in <b>/var/www/feed.php</b><br />\n${prolog}`],
	])('removes %s before the prolog', (_label, text) => {
		expect(stripLeadingJunk(text)).toBe(prolog);
	});

	it('leaves a document that starts with the prolog or has none untouched', () => {
		expect(stripLeadingJunk(prolog)).toBe(prolog);
		const noProlog = '<rss version="2.0"><channel><title><![CDATA[<?xml ?>]]></title></channel></rss>';
		expect(stripLeadingJunk(noProlog)).toBe(noProlog);
		const stylesheet = '<!-- c --><?xml-stylesheet href="s.xsl"?><rss/>';
		expect(stripLeadingJunk(stylesheet)).toBe(stylesheet);
	});
});
