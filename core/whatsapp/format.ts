// The WhatsApp text of a post: from a news item with the rules' template (core/whatsapp/compose.ts does
// the escaping and the cutting), or from a text written elsewhere, always within WhatsApp's limits.
import type { NewsItem } from '../item';
import { cut, escapeMarkup, formatMessage, length, type FormatInput } from './compose';
import { htmlToText } from '../text';
import { LIMITS, type TextKind } from './limits';

const URL_IN_LINE = /https?:\/\/\S+/;
const LOOKS_LIKE_HTML = /<\/?[a-zA-Z][^>]*>|&(#\d+|#x[\da-f]+|[a-z][a-z\d]*);/i;
const PLACEHOLDER = /\{\{\s*[\w.]+\s*\}\}/g;
/** A footer without a link is kept whole only when it looks like one: short, at the end. */
const MAX_FOOTER = 120;

export { escapeMarkup };

/**
 * Feed HTML as WhatsApp plain text: list items become "- " lines, everything else loses its tags.
 * Markers in the text are escaped, so a stray `*` or `_` stays a character.
 */
export function htmlToWhatsApp(html: string): string {
	if (!LOOKS_LIKE_HTML.test(html)) return escapeMarkup(html.trim());
	const withBullets = html.replace(/<li\b[^>]*>/gi, '<br>- ');
	// A list is one block: no empty line before or between its items.
	return escapeMarkup(htmlToText(withBullets, { multiline: true })).replace(/\n+(?=- )/g, '\n');
}

/** The post for an item with the rules' template, cut to the limit of `kind` (and of the rules). */
export function formatItem(input: FormatInput, kind: TextKind = 'text'): string {
	const item: NewsItem = {
		...input.item,
		title: htmlToText(input.item.title ?? ''),
		summary: htmlToText(input.item.summary ?? '', { multiline: true }),
	};
	const maxLength = Math.min(input.message.maxLength || LIMITS[kind], LIMITS[kind]);
	return formatMessage({ ...input, item, message: { ...input.message, maxLength } });
}

/**
 * A text already composed (by the scheduler, or written in the node) cut to `max` characters: the
 * part from the last line with a link to the end (link and footer) is kept whole, the text before
 * it is cut at a word boundary with "…".
 */
export function fitText(text: string, max: number): string {
	const clean = text.replace(/\r\n?/g, '\n').trim();
	if (length(clean) <= max) return clean;
	const lines = clean.split('\n');
	let from = findLastIndex(lines, (line) => URL_IN_LINE.test(line));
	if (from < 0) {
		const gap = clean.lastIndexOf('\n\n');
		const footer = gap >= 0 ? clean.slice(gap + 2) : '';
		from = footer && length(footer) <= MAX_FOOTER ? clean.slice(0, gap + 2).split('\n').length - 1 : lines.length;
	}
	const head = lines.slice(0, from).join('\n').trimEnd();
	const tail = lines.slice(from).join('\n').trim();
	if (!tail) return cut(clean, max);
	const separator = lines[from - 1] === '' ? '\n\n' : '\n';
	const room = max - length(tail) - separator.length;
	if (room < 2 || !head) return length(tail) <= max ? tail : cut(tail, max);
	return `${cut(head, room)}${separator}${tail}`;
}

/**
 * A template parameter: Meta refuses new lines, tabs and more than four spaces in a row (error
 * 132018), and empty values; the text is folded to one line and cut to `max`.
 */
export function templateParameter(text: string, max: number = LIMITS.templateBody): string {
	const line = text
		.replace(/\s*\n\s*\n\s*/g, ' · ')
		.replace(/\s+/g, ' ')
		.trim();
	return cut(line || '-', max);
}

/**
 * Body parameters cut so that the filled-in body stays within 1024 characters. The longest
 * parameter that is not a link is cut first; a link is never cut. `bodyText` is the approved
 * template body with its {{1}} placeholders, when known: its own characters count too.
 */
export function fitTemplateBody(parameters: string[], bodyText = ''): string[] {
	const fixed = length(bodyText.replace(PLACEHOLDER, ''));
	const values = parameters.map((value) => templateParameter(value));
	const budget = LIMITS.templateBody - fixed;
	for (let guard = 0; guard < values.length * 2; guard++) {
		const over = values.reduce((sum, value) => sum + length(value), 0) - budget;
		if (over <= 0) break;
		const candidates = values.map((value, index) => ({ value, index })).filter(({ value }) => !/^https?:\/\/\S+$/.test(value));
		if (!candidates.length) break;
		const longest = candidates.reduce((a, b) => (length(b.value) > length(a.value) ? b : a));
		values[longest.index] = cut(longest.value, Math.max(1, length(longest.value) - over));
	}
	return values;
}

/** A text header parameter (60 characters with the header's own text). */
export function headerParameter(text: string, headerText = ''): string {
	return templateParameter(text, Math.max(1, LIMITS.header - length(headerText.replace(PLACEHOLDER, ''))));
}

function findLastIndex<T>(values: T[], test: (value: T) => boolean): number {
	for (let i = values.length - 1; i >= 0; i--) if (test(values[i])) return i;
	return -1;
}
