// Text fixes applied before the XML parser sees a feed. Each runs only when needed.
import { decodeHTML } from '../vendor';

const XHTML_HINT = /type\s*=\s*["']xhtml["']/;
const XHTML_ELEMENT =
	/<((?:[\w.-]+:)?(?:title|subtitle|summary|content|rights))(\s[^>]*?)(?<!\/)>([\s\S]*?)<\/\1\s*>/g;

/**
 * Atom `type="xhtml"` puts live markup inside <title>/<summary>/<content>. xml2js would turn it
 * into nested objects and lose the order of mixed text, so we rewrite those elements as
 * `type="html"` with the markup in CDATA, which then takes the same path as any HTML text.
 */
export function xhtmlToHtml(xml: string): string {
	if (!XHTML_HINT.test(xml)) return xml;
	return xml.replace(XHTML_ELEMENT, (whole: string, name: string, attrs: string, inner: string) => {
		if (!XHTML_HINT.test(attrs)) return whole;
		const html = inner.replace(/]]>/g, ']]]]><![CDATA[>');
		return `<${name}${attrs.replace(XHTML_HINT, 'type="html"')}><![CDATA[${html}]]></${name}>`;
	});
}

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const AMPERSANDS = /<!\[CDATA\[[\s\S]*?\]\]>|&(?:(#\d+|#x[\da-fA-F]+|[A-Za-z][\w.-]*);)?/g;

export function isEntityError(error: unknown): boolean {
	return error instanceof Error && /entity/i.test(error.message);
}

/**
 * Feeds written by hand or by old CMSs have bare `&` ("Sport & tempo libero") and entities the
 * parser does not know. Known HTML entities become numeric references; anything else, including
 * entities declared in a DOCTYPE (never expanded: no external files, no "billion laughs"), is
 * escaped and shows as the literal text.
 */
export function escapeStrayAmpersands(xml: string): string {
	return xml.replace(AMPERSANDS, (match: string, ref: string | undefined) => {
		if (match.startsWith('<![CDATA[')) return match;
		if (ref === undefined) return '&amp;';
		if (ref.startsWith('#') || XML_ENTITIES.has(ref)) return match;
		const decoded = decodeHTML(match);
		if (decoded === match) return `&amp;${ref};`;
		return Array.from(decoded, (c) => `&#${c.codePointAt(0)};`).join('');
	});
}

// The namespaces a feed's own elements live in. Atom's only counts when the root is an Atom <feed>:
// RSS 2.0 feeds bind atom: for their <atom:link rel="self">, which must keep its prefix.
const OWN_NAMESPACES = /^(?:http:\/\/purl\.org\/rss\/1\.0\/|http:\/\/my\.netscape\.com\/rdf\/simple\/0\.9\/)$/;
const ATOM_NAMESPACES = /^(?:http:\/\/www\.w3\.org\/2005\/Atom|http:\/\/purl\.org\/atom\/ns#)$/;
const ROOT_TAG = /<((?:[\w.-]+:)?(?:feed|rss|RDF))\b([^>]*)>/;
const XMLNS = /\bxmlns:([\w.-]+)\s*=\s*["']([^"']*)["']/g;

/**
 * `<atom:feed xmlns:atom="…2005/Atom">` with `<atom:entry>`, or an RDF whose items are `<rss:item>`,
 * is the same feed with prefixed names: the prefix bound to the feed's own namespace is dropped, so
 * the elements read as <feed>, <entry>, <item>. CDATA and comments are left as they are.
 */
export function unprefixFeed(xml: string, window = 64 * 1024): string {
	const head = xml.slice(0, window);
	const root = ROOT_TAG.exec(head);
	if (!root || !root[2].includes('xmlns:')) return xml;
	const local = root[1].slice(root[1].indexOf(':') + 1);
	const prefixes: string[] = [];
	for (const [, prefix, uri] of root[2].matchAll(XMLNS)) {
		if (OWN_NAMESPACES.test(uri) || (local === 'feed' && ATOM_NAMESPACES.test(uri))) prefixes.push(prefix);
	}
	if (prefixes.length === 0) return xml;
	const names = new RegExp(`<!\\[CDATA\\[[\\s\\S]*?\\]\\]>|<!--[\\s\\S]*?-->|<(/?)(?:${prefixes.map(escapeRegExp).join('|')}):(?=[A-Za-z_])`, 'g');
	return xml.replace(names, (match: string, slash: string | undefined) => (slash === undefined ? match : `<${slash}`));
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
