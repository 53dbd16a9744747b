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
