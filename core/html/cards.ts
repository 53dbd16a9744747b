// The card reader shared by presets and custom selectors: items, fields, links, dates, dedup.
import { digestOf, normaliseItem, type NewsItem, type RawItem, type SourceRef } from '../item';
import type { AnyNode, CheerioAPI, Element } from '../vendor';
import { badSelector, closest, findDescendant, hasClass, imageSource, isElement, isLink, selectAll, textOf, usableHref } from './dom';
import { matchesSimple, parseSimple } from './simple-selector';

/** What the card reader needs, whether it comes from a preset or from the user. */
export interface Fields {
	item: string;
	title: string;
	link?: string;
	date: string[];
	summary?: string;
	category?: string;
	image?: string;
	excludeWithin: string[];
	summarySkip?: string[];
	/** Leave out the cards of places (Luoghi): a preset reads news and events, not a directory. */
	skipPlaces?: boolean;
}

type Optional = 'link' | 'date' | 'summary' | 'category' | 'image';

export interface Page {
	$: CheerioAPI;
	url: string;
	base: string;
	source: SourceRef;
	now?: Date;
	zone?: string;
}

export interface CardRead {
	items: NewsItem[];
	warnings: string[];
	/** Cards left out as places. */
	places: number;
}

export function readCards(page: Page, fields: Fields, custom = false): CardRead {
	const { $ } = page;
	const cards = selectAll($, fields.item, 'item').filter((el) => !insideExcluded(el, fields.excludeWithin));
	if (cards.length === 0) return { items: [], warnings: [], places: 0 };
	const index = new Map<AnyNode, number>(cards.map((el, i) => [el, i]));
	const perCard = (selector: string | undefined, role: string, all = false) =>
		selector ? matchesPerCard($, selector, role, cards, index, all) : new Array<Element[] | undefined>(cards.length);

	const titles = perCard(fields.title, 'title');
	const links = perCard(fields.link, 'link');
	const dates = datesPerCard(fields.date, cards.length, (selector) => perCard(selector, 'date'));
	const summaries = perCard(fields.summary, 'summary');
	const categories = perCard(fields.category, 'category', true);
	const images = perCard(fields.image, 'image');

	const warnings: string[] = [];
	const found: Record<Optional, number> = { link: 0, date: 0, summary: 0, category: 0, image: 0 };
	const unreadDates: string[] = [];
	const read: NewsItem[] = [];
	let untitled = 0;
	let places = 0;

	cards.forEach((card, i) => {
		const titleEl = titles[i]?.[0];
		const title = titleEl ? textOf(titleEl) : '';
		if (!title.trim()) {
			untitled++;
			return;
		}
		const { link, script } = cardLink(card, titleEl, links[i]?.[0]);
		const categoryTexts = (categories[i] ?? []).map((el) => textOf(el));
		if (fields.skipPlaces && isPlace(link, categoryTexts, page.base)) {
			places++;
			return;
		}
		const dateText = firstDate(dates.map((perSelector) => perSelector[i]?.[0]));
		const summaryEl = summaries[i]?.[0];
		const imageEl = images[i]?.[0];
		const raw: RawItem = {
			// A card whose link is a script (albo pretorio listings) opens on the listing itself: it is
			// told apart by what the script opens, and its title.
			guid: script ? `urn:banditore:${digestOf(`${page.url}\n${script}\n${title}`)}` : null,
			title,
			link: script ? page.url : link,
			publishedAt: dateText,
			summary: summaryEl ? textOf(summaryEl, { blocks: true, skipClasses: fields.summarySkip }) : null,
			categories: categoryTexts,
			image: imageEl ? imageSource(imageEl) : null,
		};
		if (link && fields.link) found.link++;
		if (dateText) found.date++;
		if (raw.summary?.trim()) found.summary++;
		if (raw.categories?.length) found.category++;
		if (raw.image) found.image++;

		const item = normaliseItem(raw, { source: page.source, baseUrl: page.base, zone: page.zone, now: page.now });
		if (dateText && !item.publishedAt) unreadDates.push(dateText.replace(/\s+/g, ' ').trim());
		read.push(item);
	});

	const items = mergeCopies(read);
	if (items.length === 0) return { items, warnings, places };
	if (untitled > 0 && custom) {
		warnings.push(`${untitled} of ${cards.length} cards matched by '${fields.item}' had no text for the title selector '${fields.title}' and were skipped.`);
	}
	if (custom) {
		for (const role of ['link', 'date', 'summary', 'category', 'image'] as Optional[]) {
			const selector = role === 'date' ? fields.date[0] : fields[role];
			if (selector && found[role] === 0) {
				warnings.push(`The ${role} selector '${selector}' matched in none of the ${cards.length} cards on ${page.url}.`);
			}
		}
	} else {
		if (found.date === 0) warnings.push(`No dates found on the ${items.length} cards of ${page.url}: the items are undated.`);
		if (found.summary === 0) warnings.push(`No summaries found on the ${items.length} cards of ${page.url}.`);
	}
	if (unreadDates.length > 0) {
		const sample = [...new Set(unreadDates)].slice(0, 3).map((text) => `'${text}'`).join(', ');
		warnings.push(`Could not read the date of ${unreadDates.length} card(s) (${sample}): they are kept undated.`);
	}
	return { items, warnings, places };
}

/**
 * Cards with the same link are one item shown twice ("In evidenza" and the list) when their titles
 * agree: the first copy wins, later ones fill its gaps. Cards that share a link under different
 * titles (a generic "Leggi" page, one page for several notices) are different items: each gets an
 * id of its own, made of the link and its title, so it is stable from one read to the next.
 */
function mergeCopies(read: NewsItem[]): NewsItem[] {
	const titles = new Map<string, Set<string>>();
	for (const item of read) {
		const known = titles.get(item.id) ?? new Set<string>();
		known.add(titleKey(item.title));
		titles.set(item.id, known);
	}
	const byId = new Map<string, NewsItem>();
	for (const item of read) {
		if ((titles.get(item.id)?.size ?? 0) > 1) item.id = `${item.id}#${digestOf(titleKey(item.title)).slice(0, 12)}`;
		const seen = byId.get(item.id);
		if (seen) mergeInto(seen, item);
		else byId.set(item.id, item);
	}
	return [...byId.values()];
}

function titleKey(title: string): string {
	return title.toLocaleLowerCase('it').replace(/\s+/g, ' ').trim();
}

const PLACE_WORDS = new Set(['luoghi', 'luogo']);

/** A place card: its page is under /luoghi/ (AGID, OpenCity, Plone) or /luogo/ (WordPress), or its label says so. */
function isPlace(link: string | null, categories: string[], base: string): boolean {
	if (categories.some((category) => PLACE_WORDS.has(titleKey(category)))) return true;
	if (!link) return false;
	try {
		return new URL(link, base).pathname.split('/').some((segment) => PLACE_WORDS.has(decodeURIComponent(segment).toLowerCase()));
	} catch {
		return false;
	}
}

/** Later date selectors only run when an earlier one left some card without a date. */
function datesPerCard(
	selectors: string[],
	count: number,
	run: (selector: string) => Array<Element[] | undefined>,
): Array<Array<Element[] | undefined>> {
	const out: Array<Array<Element[] | undefined>> = [];
	for (const selector of selectors) {
		out.push(run(selector));
		let missing = false;
		for (let i = 0; i < count && !missing; i++) missing = !out.some((perSelector) => perSelector[i]?.length);
		if (!missing) break;
	}
	return out;
}

/**
 * The matches of `selector` inside each card (the first only, unless `all`), as
 * `$(card).find(selector)` would give them. Plain selectors are tested during one walk of each
 * card; others run once over the page and each match goes to the card around it. Either way no
 * selector is compiled per card.
 */
function matchesPerCard(
	$: CheerioAPI,
	selector: string,
	role: string,
	cards: Element[],
	index: Map<AnyNode, number>,
	all: boolean,
): Array<Element[] | undefined> {
	const out = new Array<Element[] | undefined>(cards.length);
	const add = (i: number, el: Element) => (out[i] ??= []).push(el);
	const simple = parseSimple(selector);
	if (simple) {
		cards.forEach((card, i) => walkCard(card, index, (el) => {
			if (!matchesSimple(el, simple)) return false;
			add(i, el);
			return !all;
		}));
		return out;
	}
	if (/^\s*[>+~]/.test(selector)) {
		// Relative to the card itself ("> a"): only a per-card query means that.
		cards.forEach((card, i) => {
			try {
				$(card).find(selector).toArray().filter(isElement).forEach((el) => add(i, el));
			} catch (error) {
				throw badSelector(selector, role, error);
			}
		});
		return out;
	}
	for (const el of selectAll($, selector, role)) {
		for (let node = el.parent; node; node = node.parent) {
			const i = index.get(node);
			if (i !== undefined) {
				add(i, el);
				break;
			}
		}
	}
	return out;
}

/** Depth-first over a card's elements, not entering cards nested in it; `visit` returns true to stop. */
function walkCard(card: Element, index: Map<AnyNode, number>, visit: (el: Element) => boolean): boolean {
	for (const child of card.children) {
		if (!isElement(child) || index.has(child)) continue;
		if (visit(child) || walkCard(child, index, visit)) return true;
	}
	return false;
}

/**
 * The link around the title, inside it, the "Leggi di più", or the first other link of the card.
 * When the title's only link is a script (`javascript:visualizza_dettaglio(4521)`), that script.
 */
function cardLink(card: Element, titleEl: Element | undefined, linkEl: Element | undefined): { link: string | null; script?: string } {
	if (linkEl) {
		const a = isLink(linkEl) ? linkEl : (closest(linkEl, isLink, card) ?? findDescendant(linkEl, isLink));
		if (a) return { link: usableHref(a) };
		const script = scriptOf(linkEl) ?? scriptOf(closest(linkEl, isScriptLink, card) ?? findDescendant(linkEl, isScriptLink));
		return script ? { link: null, script } : { link: linkEl.attribs['data-href']?.trim() ?? null };
	}
	if (titleEl) {
		const a = closest(titleEl, isLink, card) ?? findDescendant(titleEl, isLink);
		if (a) return { link: usableHref(a) };
		const script = scriptOf(closest(titleEl, isScriptLink, card) ?? findDescendant(titleEl, isScriptLink));
		if (script) return { link: null, script };
	}
	const more = findDescendant(card, (el) => isLink(el) && hasClass(el, 'read-more'));
	if (more) return { link: usableHref(more) };
	const other = findDescendant(card, (el) => isLink(el) && !closest(el, isCategoryPart, card));
	return { link: other ? usableHref(other) : null };
}

const SCRIPT_HREF = /^\s*javascript:/i;

function isScriptLink(el: Element): boolean {
	return el.name === 'a' && SCRIPT_HREF.test(el.attribs.href ?? '');
}

/** What a script link runs: its onclick when the href is only "javascript:void(0)". */
function scriptOf(el: Element | null): string | undefined {
	if (!el || !isScriptLink(el)) return undefined;
	const href = el.attribs.href.trim();
	const onclick = el.attribs.onclick?.trim();
	return onclick && /^javascript:\s*(?:void\s*\(?\s*0\s*\)?\s*;?|;)?\s*$/i.test(href) ? onclick : href;
}

function isCategoryPart(el: Element): boolean {
	return hasClass(el, 'category-top') || hasClass(el, 'category') || hasClass(el, 'chip');
}

function firstDate(candidates: Array<Element | undefined>): string | null {
	for (const el of candidates) {
		if (!el) continue;
		const text = el.attribs.datetime ?? el.attribs.content ?? textOf(el, { spaced: true });
		if (text.trim()) return text.trim();
	}
	return null;
}

function insideExcluded(el: Element, classes: string[]): boolean {
	if (classes.length === 0) return false;
	return closest(el, (node) => classes.some((name) => hasClass(node, name))) !== null;
}

/** The first copy wins (the "In evidenza" block comes first); later copies fill what it lacks. */
function mergeInto(target: NewsItem, other: NewsItem): void {
	if (!target.summary && other.summary) target.summary = other.summary;
	if (!target.publishedAt && other.publishedAt) {
		target.publishedAt = other.publishedAt;
		target.updatedAt = other.updatedAt;
	}
	if (!target.image && other.image) target.image = other.image;
	for (const category of other.categories) {
		if (!target.categories.some((known) => known.toLocaleLowerCase('it') === category.toLocaleLowerCase('it'))) {
			target.categories.push(category);
		}
	}
}

