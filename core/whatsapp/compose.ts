// The WhatsApp text of a post: the office's template filled with the item, cut to the maximum length.
// The summary is cut first, then the title; the link and the footer are always kept whole.
import type { NewsItem } from '../item';
import { fold } from '../rules/match';
import { localDate } from '../rules/time';
import type { CategoryRule, MessageSettings } from '../rules/types';

/** The template's placeholders, named in Italian as the office writes them. */
export const PLACEHOLDERS = ['emoji', 'categoria', 'titolo', 'sommario', 'link', 'data', 'comune'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
/** The English names of earlier rules files: still understood, never suggested. */
export const ENGLISH_PLACEHOLDERS: Readonly<Record<string, Placeholder>> = { label: 'categoria', title: 'titolo', summary: 'sommario', date: 'data' };

/** A placeholder's Italian name, whichever name the template used; null for a name it does not know. */
export function placeholderOf(name: string): Placeholder | null {
	if ((PLACEHOLDERS as readonly string[]).includes(name)) return name as Placeholder;
	return Object.prototype.hasOwnProperty.call(ENGLISH_PLACEHOLDERS, name) ? ENGLISH_PLACEHOLDERS[name] : null;
}

/**
 * WhatsApp has no escape character, so markers in feed text (a stray `*` or `_` would turn half a
 * message bold or italic) become look-alike characters. The template's own markers are kept.
 */
const LOOK_ALIKES: Record<string, string> = { '*': '\u2217', _: '\uff3f', '~': '\u223c', '`': '\u02cb' };
const MARKERS = /[*_~`]/g;
const PLACEHOLDER = /\{(\w+)\}/g;
const ELLIPSIS = '…';
/** Below this a cut summary says nothing useful: drop it and keep the title. */
const MIN_SUMMARY = 40;

export interface FormatInput {
	item: NewsItem;
	category: CategoryRule | null;
	comune: string;
	timezone: string;
	message: MessageSettings;
}

export function escapeMarkup(text: string): string {
	return text.replace(MARKERS, (c) => LOOK_ALIKES[c]);
}

export function formatMessage(input: FormatInput): string {
	const { item, category, message } = input;
	const max = message.maxLength;
	let title = escapeMarkup(tidy(item.title));
	let summary = escapeMarkup(tidy(item.summary));
	if (fold(summary) === fold(title)) summary = '';
	const values = {
		emoji: category?.emoji ?? '',
		categoria: category?.label ?? '',
		link: item.link,
		data: item.publishedAt && /\{(data|date)\}/.test(message.template) ? localDate(item.publishedAt, input.timezone) : '',
		comune: input.comune,
	};
	const compose = (): string => withFooter(render(message.template, { ...values, titolo: title, sommario: summary }), message.footer);

	let text = compose();
	let over = length(text) - max;
	if (over <= 0) return text;
	const room = length(summary) - over;
	if (room >= MIN_SUMMARY) {
		summary = cut(summary, room);
		text = compose();
		if (length(text) <= max) return text;
	}
	summary = '';
	text = compose();
	over = length(text) - max;
	if (over <= 0) return text;
	title = cut(title, Math.max(1, length(title) - over));
	return compose();
}

/** Characters the template and footer take whatever the item: the rules check keeps room for the rest. */
export function staticLength(template: string, footer: string): number {
	return length(withFooter(render(template, {}), footer));
}

function render(template: string, values: Partial<Record<Placeholder, string>>): string {
	return tidy(
		template.replace(PLACEHOLDER, (_whole, name: string) => {
			const key = placeholderOf(name);
			return key ? (values[key] ?? '') : '';
		}),
	);
}

export function withFooter(body: string, footer: string): string {
	const end = footer.trim();
	return end ? `${body}\n\n${end}` : body;
}

/**
 * A text written by hand (an emergency from the *Allerta* form, a message sent through the API): the
 * comune's footer, with the contact for problems, is added when the text does not end with it
 * already. The text is the office's own: its WhatsApp markup stays. Null when it cannot fit `max`.
 */
export function composeWritten(text: string, footer: string, max: number): string | null {
	const body = tidy(text);
	const end = footer.trim();
	const composed = !end || body.endsWith(end) ? body : withFooter(body, end);
	return length(composed) <= max ? composed : null;
}

/** Trim every line and keep at most one empty line, so a missing summary or emoji leaves no gap. */
function tidy(text: string): string {
	return text
		.split(/\r?\n/)
		.map((line) => line.trim())
		.join('\n')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
}

/** Code points, so an emoji counts once and is never split in half. */
export function length(text: string): number {
	return Array.from(text).length;
}

/** At most `max` characters including the ellipsis, at a word boundary when one is near. */
export function cut(text: string, max: number): string {
	const chars = [...text];
	if (chars.length <= max) return text;
	const head = chars.slice(0, Math.max(0, max - 1)).join('');
	const space = head.search(/\s\S*$/);
	const atWord = space > head.length / 2 ? head.slice(0, space) : head;
	return atWord.replace(/[\s,;:.\-–—(]+$/, '') + ELLIPSIS;
}
