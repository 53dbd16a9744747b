// A single news or event page: the full date (listing cards may show none, or no year), the
// subtitle and the image. Page markup first, the <meta> tags social networks read as fallback.
import { parseItalianDate, toInstant } from '../dates';
import { foldWhitespace, htmlToText } from '../text';
import { webUrl } from '../url';
import type { NewsItem } from '../item';
import { DateTime, type CheerioAPI, type Element } from '../vendor';
import { hasClass, imageSource, isElement, loadPage, pageBase, textOf } from './dom';

export interface DetailInfo {
	title?: string;
	summary?: string;
	publishedAt?: string | null;
	updatedAt?: string | null;
	image?: string | null;
}

export interface DetailContext {
	url: string;
	now?: Date;
	zone?: string;
}

const DATE_LABEL = /^(?:data|data di pubblicazione|pubblicat[oa] il|data pubblicazione)\s*:?$/i;
const TIME = /(?<!\d)(\d{1,2})[:.](\d{2})(?!\d)/;

export function parseDetailPage(html: string, ctx: DetailContext): DetailInfo {
	const $ = loadPage(html);
	const base = pageBase($, ctx.url);
	const options = { zone: ctx.zone, now: ctx.now };
	const main = $('main').first().length ? $('main').first() : $('body');
	const h1 = main.find('h1[data-audio]').first().length ? main.find('h1[data-audio]').first() : $('h1').first();
	const heading = h1.get(0);

	const info: DetailInfo = {};
	const title = heading ? oneLine(textOf(heading)) : '';
	const fallbackTitle = meta($, 'og:title') ?? htmlToText($('title').first().text());
	if (title || fallbackTitle) info.title = title || fallbackTitle;

	const intro = heading ? introAfter(heading) : { subtitle: null, eventLine: null };
	const summary = intro.subtitle ?? firstBodyParagraph($) ?? meta($, 'og:description') ?? meta($, 'description');
	if (summary) info.summary = summary;

	const labelled = labelledDate($, main.get(0));
	const event = intro.eventLine ? parseItalianDate(intro.eventLine, options) : null;
	const eventStart = event ? withProgrammeTime($, event) : null;
	info.publishedAt =
		(labelled ? instant(parseItalianDate(labelled, options)) : null) ??
		(eventStart ? instant(eventStart) : null) ??
		toInstant(meta($, 'article:published_time') ?? $('main time[datetime]').first().attr('datetime'), options) ??
		infoDate($, options);

	const updated = $('#ultimo-aggiornamento').first();
	info.updatedAt =
		(updated.length ? instant(parseItalianDate(textOf(updated.get(0) as Element, { spaced: true }), options)) : null) ??
		toInstant(meta($, 'article:modified_time') ?? meta($, 'og:updated_time'), options);

	info.image = pageImage($, base) ?? webUrl(meta($, 'og:image') ?? meta($, 'twitter:image'), base);
	return info;
}

/**
 * An item's own page merged into what its listing card said. The card's dates win (the page may show
 * another date: of the event, of an edit, of a re-save); the page fills what the card lacks, and its
 * date-time refines a card that shows only the same day.
 */
export function mergeDetail(item: NewsItem, detail: DetailInfo, zone = 'Europe/Rome'): NewsItem {
	const publishedAt = !item.publishedAt ? (detail.publishedAt ?? null) : refines(item.publishedAt, detail.publishedAt, zone) ? detail.publishedAt! : item.publishedAt;
	// Normalising copies publishedAt into a missing updatedAt: only a different one is the card's own.
	const ownUpdate = item.updatedAt && item.updatedAt !== item.publishedAt ? item.updatedAt : null;
	const pageUpdate = detail.updatedAt && (!publishedAt || detail.updatedAt >= publishedAt) ? detail.updatedAt : null;
	return {
		...item,
		title: item.title || detail.title || '',
		summary: detail.summary && detail.summary.length > item.summary.length ? detail.summary : item.summary,
		publishedAt,
		updatedAt: ownUpdate ?? pageUpdate ?? publishedAt,
		image: item.image ?? detail.image ?? null,
	};
}

/** A bare day (local midnight) and a time later that same day. */
function refines(day: string, detailed: string | null | undefined, zone: string): boolean {
	if (!detailed) return false;
	const card = DateTime.fromISO(day, { zone });
	const page = DateTime.fromISO(detailed, { zone });
	return card.equals(card.startOf('day')) && !page.equals(card) && page.hasSame(card, 'day');
}

/**
 * The paragraph under the title is the subtitle (descrizione breve). On event pages an h2 sits in
 * between with the type and the dates: "Festival - dal 01 maggio 2019 al 04 maggio 2019".
 */
function introAfter(h1: Element): { subtitle: string | null; eventLine: string | null } {
	let eventLine: string | null = null;
	let steps = 0;
	for (let node = h1.next; node && steps < 6; node = node.next) {
		if (!isElement(node)) continue;
		steps++;
		const text = oneLine(textOf(node));
		if (node.name === 'p' && (hasClass(node, 'info-date') || !text)) continue;
		if (node.name === 'p') return { subtitle: foldWhitespace(textOf(node, { blocks: true }), true), eventLine };
		if (/^h[2-6]$/.test(node.name) && !hasClass(node, 'visually-hidden') && !eventLine && /\d/.test(text)) eventLine = text;
		if (node.name === 'div') break;
	}
	return { subtitle: null, eventLine };
}

/** "<small>Data:</small><p>31 gennaio 2023</p>" and its variants: the text after a "Data" label. */
function labelledDate($: CheerioAPI, scope: Element | undefined): string | null {
	if (!scope) return null;
	for (const el of $(scope).find('small, span, strong, b, dt, label, h6').toArray()) {
		if (!DATE_LABEL.test(oneLine(textOf(el)))) continue;
		let next = el.next;
		while (next && !isElement(next) && !oneLine(textOf(next))) next = next.next;
		const text = next ? oneLine(textOf(next, { spaced: true })) : '';
		if (/\d/.test(text)) return text;
	}
	return null;
}

/** "Date e orari" lists the first day with its starting time ("09:00 - Inizio evento"). */
function withProgrammeTime($: CheerioAPI, start: NonNullable<ReturnType<typeof parseItalianDate>>) {
	const first = $('#date-e-orari .point-list').first();
	if (!first.length || start.hour !== 0 || start.minute !== 0) return start;
	const day = Number(oneLine(first.find('.point-date').first().text()));
	const time = TIME.exec(first.find('.point-list-content').first().text());
	if (day !== start.day || !time || +time[1] > 23 || +time[2] > 59) return start;
	return start.set({ hour: +time[1], minute: +time[2] });
}

function infoDate($: CheerioAPI, options: { zone?: string; now?: Date }): string | null {
	const el = $('main .info-date').first().get(0);
	return el ? instant(parseItalianDate(textOf(el, { spaced: true }), options)) : null;
}

function firstBodyParagraph($: CheerioAPI): string | null {
	for (const el of $('#descrizione p, .richtext-wrapper p, #text-body p').toArray()) {
		const text = oneLine(textOf(el));
		if (text) return text;
	}
	return null;
}

function pageImage($: CheerioAPI, base: string): string | null {
	// .content-image: io-Comune (Plone), whose pages may have no <main>.
	for (const el of $('main figure img, main .img-full img, main .figure-img, .content-image img').toArray()) {
		const src = imageSource(el);
		const url = webUrl(src, base);
		if (url) return url;
	}
	return null;
}

function meta($: CheerioAPI, key: string): string | null {
	const value = $(`meta[property="${key}"], meta[name="${key}"]`).first().attr('content');
	const text = value ? htmlToText(value) : '';
	return text || null;
}

function instant(dt: ReturnType<typeof parseItalianDate>): string | null {
	return dt ? new Date(dt.toMillis()).toISOString() : null;
}

function oneLine(text: string): string {
	return foldWhitespace(text, false);
}
