// Cheap looks at the start of a document: is it a feed, and if not, what is it?

const SNIFF_CHARS = 1024;
// Exactly the roots rss-parser recognises (an RDF with another prefix would parse to nothing).
const FEED_ROOTS = /^(?:rss|feed|rdf:RDF)$/;
const PREFIXED_ROOT = /^[\w.-]+:(?:rss|feed)$/;

/**
 * The name of the first element, skipping a BOM, whitespace, the prolog, comments, processing
 * instructions and a DOCTYPE. Null when the window ends first or the text is not markup.
 */
export function rootElement(text: string, limit = SNIFF_CHARS): string | null {
	const head = text.slice(0, limit);
	let i = 0;
	while (i < head.length) {
		const c = head.charCodeAt(i);
		if (c === 0xfeff || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
			i++;
			continue;
		}
		if (head[i] !== '<') return null;
		if (head.startsWith('<?', i)) i = after(head, '?>', i);
		else if (head.startsWith('<!--', i)) i = after(head, '-->', i);
		else if (head.startsWith('<!', i)) i = afterDoctype(head, i);
		else {
			const name = /^<([A-Za-z_][\w.:-]*)/.exec(head.slice(i, i + 200));
			return name ? name[1] : null;
		}
		if (i < 0) return null;
	}
	return null;
}

function after(s: string, end: string, from: number): number {
	const at = s.indexOf(end, from);
	return at < 0 ? -1 : at + end.length;
}

/** A DOCTYPE may carry an internal subset in [ … ] with its own '>' characters. */
function afterDoctype(s: string, from: number): number {
	const bracket = s.indexOf('[', from);
	const close = s.indexOf('>', from);
	if (close < 0) return -1;
	if (bracket < 0 || bracket > close) return close + 1;
	const end = s.indexOf(']', bracket);
	return end < 0 ? -1 : after(s, '>', end);
}

/** True when the first KB shows an <rss>, <feed> or <rdf:RDF> root, prefixed or not. */
export function looksLikeFeed(text: string): boolean {
	const root = rootElement(text);
	// <atom:feed>, <rss:rss>: the prefix is dropped before parsing (see unprefixFeed).
	if (root) return FEED_ROOTS.test(root) || PREFIXED_ROOT.test(root);
	// A long comment or DOCTYPE can push the root past the window: fall back to a plain search.
	const head = text.slice(0, SNIFF_CHARS);
	return /^[\s\ufeff]*</.test(head) && !/<html[\s>]/i.test(head) && /<(?:rss|feed|rdf:RDF)[\s>]/.test(head);
}

export function isFeedRoot(name: string): boolean {
	return FEED_ROOTS.test(name);
}

/**
 * xml2js refuses anything before `<?xml` (a BOM, blank lines from a PHP include, a comment, a PHP
 * warning). The prolog must come first, so whatever precedes it is junk and can go.
 */
export function stripLeadingJunk(text: string): string {
	let start = 0;
	while (start < text.length) {
		const c = text.charCodeAt(start);
		if (c === 0xfeff || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) start++;
		else break;
	}
	const window = text.slice(start, start + SNIFF_CHARS);
	const prolog = window.search(/<\?xml\s/);
	// Never cut into the feed itself (a CDATA quoting "<?xml" inside the first KB).
	if (prolog > 0 && !/<(?:rss|feed|[\w.-]+:RDF)[\s>]/.test(window.slice(0, prolog))) start += prolog;
	return start === 0 ? text : text.slice(start);
}

/** What a non-feed document is, in a few words for an error message. */
export function describeDocument(text: string): string {
	const head = text.slice(0, SNIFF_CHARS).replace(/^[\s\ufeff]+/, '');
	if (!head) return 'an empty document';
	if (head[0] === '{' || head[0] === '[') return 'JSON, not XML';
	const root = rootElement(head);
	if (root && root.toLowerCase() === 'html') return 'an HTML page';
	if (/^<!doctype\s+html/i.test(head) || /<(?:html|head|body)[\s>]/i.test(head)) return 'an HTML page';
	if (root) return `an XML document whose root element is <${root}>`;
	if (head[0] !== '<') return 'plain text, not XML';
	return 'a document that is not RSS, Atom or RDF';
}
