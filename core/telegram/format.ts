// Telegram HTML (parse_mode HTML) from the WhatsApp text the scheduler stores: one message, two markups.
// The template's WhatsApp markers become tags; feed text had its stray markers turned into look-alikes
// by escapeMarkup (core/whatsapp/compose.ts), so what is left of *_~` is either the template's or
// plain characters that do not open or close anything, and stays as it is.
//
// Telegram's rules (core.telegram.org/bots/api#html-style): <, > and & outside tags must be entities;
// tags nest but never overlap; bold, italic and strikethrough may hold links but not code or pre.
import { fitText } from '../whatsapp/format';

const TAGS: Record<string, string> = { '*': 'b', _: 'i', '~': 's' };
const MARKERS = new Set(['*', '_', '~', '`']);
/** Links are kept whole: a `_` or `*` in a URL is part of the address, never a marker. */
const URL = /(?:https?:\/\/|www\.)[^\s<>]*[^\s<>*_~`.,;:!?'")\]]/giu;
const ALNUM = /[\p{L}\p{N}]/u;
const BLOCK = /```([\s\S]+?)```/g;
const QUOTE = /^> /;

export function escapeHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The WhatsApp-formatted `text` as Telegram HTML: ```blocks``` → <pre>/<code>, "> " lines → <blockquote>. */
export function toTelegramHtml(text: string): string {
	const blocks: string[] = [];
	// A placeholder no text contains (U+E000 is private use), so a block is never formatted twice.
	const held = text.replace(/\r\n?/g, '\n').replace(BLOCK, (_whole, inner: string) => {
		blocks.push(inner.includes('\n') ? `<pre>${escapeHtml(inner.replace(/^\n|\n$/g, ''))}</pre>` : `<code>${escapeHtml(inner)}</code>`);
		return `\ue000${blocks.length - 1}\ue000`;
	});
	const lines = held.split('\n');
	const out: string[] = [];
	for (let i = 0; i < lines.length; i++) {
		if (!QUOTE.test(lines[i])) {
			out.push(inline(lines[i]));
			continue;
		}
		const quoted: string[] = [];
		while (i < lines.length && QUOTE.test(lines[i])) quoted.push(inline(lines[i++].replace(QUOTE, '')));
		i--;
		out.push(`<blockquote>${quoted.join('\n')}</blockquote>`);
	}
	return out.join('\n').replace(/\ue000(\d+)\ue000/g, (_whole, n: string) => blocks[Number(n)]);
}

/** One line: markers that open and close as WhatsApp reads them become tags, the rest is escaped text. */
function inline(line: string): string {
	const links: Array<[number, number]> = [];
	for (const match of line.matchAll(URL)) links.push([match.index, match.index + match[0].length]);
	const inLink = (at: number) => links.some(([from, to]) => at >= from && at < to);
	const marker = (at: number) => MARKERS.has(line[at]) && !inLink(at);
	const word = (at: number) => at >= 0 && at < line.length && ALNUM.test(line[at]);
	const space = (at: number) => at < 0 || at >= line.length || /\s/.test(line[at]);

	// WhatsApp: an opening marker is not after a letter or digit and is followed by text; a closing one
	// follows text and is not followed by a letter or digit ("snake_case" and "2*3*4" stay as written).
	const opens = (at: number) => marker(at) && !word(at - 1) && !space(at + 1) && line[at + 1] !== line[at];
	const closeOf = (at: number, end: number) => {
		for (let k = at + 2; k < end; k++) if (line[k] === line[at] && marker(k) && !space(k - 1) && !word(k + 1)) return k;
		return -1;
	};

	const render = (from: number, to: number, inside: boolean): string => {
		let html = '';
		let i = from;
		while (i < to) {
			const c = line[i];
			// Code may not sit inside bold, italic or strikethrough on Telegram: there its backticks stay characters.
			if (opens(i) && !(inside && c === '`')) {
				const close = closeOf(i, to);
				if (close > 0) {
					html += c === '`' ? `<code>${escapeHtml(line.slice(i + 1, close))}</code>` : `<${TAGS[c]}>${render(i + 1, close, true)}</${TAGS[c]}>`;
					i = close + 1;
					continue;
				}
			}
			html += escapeHtml(c);
			i++;
		}
		return html;
	};
	return render(0, line.length, false);
}

/** The text Telegram counts after parsing the entities: without tags, entities decoded. */
export function parsedText(html: string): string {
	return html
		.replace(/<[^>]*>/g, '')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&amp;/g, '&');
}

/** Telegram's length of a text: UTF-16 code units after entity parsing (an emoji may count 2). */
export function telegramLength(html: string): number {
	return parsedText(html).length;
}

/**
 * The WhatsApp text as Telegram HTML within `limit`: cut as the WhatsApp node cuts (the link and
 * the footer kept whole, the text before them cut at a word with "…"), shorter until it fits.
 */
export function fitTelegramHtml(text: string, limit: number): string {
	let max = limit;
	let html = toTelegramHtml(fitText(text, max));
	for (let guard = 0; guard < 20; guard++) {
		const units = telegramLength(html);
		if (units <= limit) return html;
		// Fewer code points by what is over, or in proportion when most count twice (emoji): the larger.
		max = Math.max(1, Math.min(max - 1, Math.max(max - (units - limit), Math.floor((max * limit) / units))));
		html = toTelegramHtml(fitText(text, max));
	}
	return html;
}
