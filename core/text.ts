// HTML fragments from feeds and pages turned into clean plain text.
import { decodeHTML } from './vendor';

const DROP_BLOCKS = /<(script|style|noscript|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const COMMENTS = /<!--[\s\S]*?-->/g;
const CDATA = /<!\[CDATA\[([\s\S]*?)\]\]>/g;
const LINE_BREAKS = /<\s*(br|\/p|\/div|\/li|\/h[1-6]|\/tr|\/blockquote|p|div|li|h[1-6]|tr|blockquote)\b[^>]*>/gi;
const TAGS = /<\/?[a-zA-Z][^>]*>/g;
const LOOKS_LIKE_HTML = /<\/?[a-zA-Z][^>]*>|&(#\d+|#x[\da-f]+|[a-z][a-z\d]*);/i;

export interface TextOptions {
	/** Keep paragraph breaks as single newlines (summaries); otherwise fold everything to one line. */
	multiline?: boolean;
}

/**
 * Strip tags, decode entities and fold whitespace. Feeds often escape their HTML twice
 * (`&amp;lt;p&amp;gt;`), so a second pass runs when the first one reveals more markup.
 */
export function htmlToText(input: string, options: TextOptions = {}): string {
	if (!input) return '';
	let text = stripOnce(input);
	if (LOOKS_LIKE_HTML.test(text)) text = stripOnce(text);
	return foldWhitespace(text, options.multiline ?? false);
}

function stripOnce(html: string): string {
	if (!LOOKS_LIKE_HTML.test(html) && !html.includes('<![CDATA[')) return html;
	const withoutMarkup = html
		.replace(CDATA, '$1')
		.replace(COMMENTS, '')
		.replace(DROP_BLOCKS, '')
		.replace(LINE_BREAKS, '\n')
		.replace(TAGS, '');
	return decodeHTML(withoutMarkup);
}

const SPECIAL_SPACE = /[\u00a0\u2007\u202f\u200b\ufeff]/;
const LINE_BREAK = /[\r\n]/;

export function foldWhitespace(text: string, multiline: boolean): string {
	// Most fields have no special spaces and no line breaks: skip the passes they would need.
	const noNbsp = SPECIAL_SPACE.test(text) ? text.replace(/[\u00a0\u2007\u202f]/g, ' ').replace(/[\u200b\ufeff]/g, '') : text;
	if (!multiline) return noNbsp.replace(/\s+/g, ' ').trim();
	if (!LINE_BREAK.test(noNbsp)) return noNbsp.replace(/[ \t\f\v]+/g, ' ').trim();
	return noNbsp
		.split(/\r?\n|\r/)
		.map((line) => line.replace(/[ \t\f\v]+/g, ' ').trim())
		.filter((line, i, lines) => line !== '' || (i > 0 && lines[i - 1] !== ''))
		.join('\n')
		.trim();
}
