// A listing page (Novità, Eventi, a category) read into NewsItems, with one parse of the page.
import { checkDeadline } from '../deadline';
import { BanditoreError } from '../errors';
import type { NewsItem } from '../item';
import { htmlToText } from '../text';
import type { CheerioAPI } from '../vendor';
import { readCards, type CardRead, type Fields, type Page } from './cards';
import { findSources } from './discover';
import { headChildren, loadPage, pageBase, textOf } from './dom';
import { detectPreset, PRESET_NAMES, PRESETS, type PresetName } from './presets';

export interface CustomSelectors {
	item: string;
	title: string;
	link?: string;
	date?: string;
	summary?: string;
	category?: string;
	image?: string;
}

export interface ListingContext {
	url: string;
	preset?: PresetName | 'auto';
	selectors?: CustomSelectors;
	/** Source name on the items; default the page <title>, else the host. */
	name?: string;
	now?: Date;
	zone?: string;
	/** Epoch ms: a page whose presets are still being tried then gives a 'timeout' error. */
	deadline?: number;
}

export interface ListingResult {
	preset: PresetName | 'custom';
	items: NewsItem[];
	warnings: string[];
}

export function parseListing(html: string, ctx: ListingContext): ListingResult {
	const $ = loadPage(html);
	checkDeadline(ctx.deadline, ctx.url);
	const page = openPage($, ctx);
	if (ctx.selectors) return readCustom(page, ctx.selectors, html);
	const preset = ctx.preset ?? 'auto';
	if (preset !== 'auto') {
		const result = readCards(page, presetFields(preset));
		if (result.items.length === 0) throw result.places > 0 ? onlyPlaces(page, result.places) : presetMatchedNothing(page, preset);
		return listingOf(preset, result);
	}
	return readAuto(page, html, ctx.deadline);
}

function readAuto(page: Page, html: string, deadline: number | undefined): ListingResult {
	const detected = detectPreset(html);
	const order = detected ? [detected, ...PRESET_NAMES.filter((name) => name !== detected)] : PRESET_NAMES;
	let places = 0;
	for (const name of order) {
		checkDeadline(deadline, page.url);
		const result = readCards(page, presetFields(name));
		if (result.items.length > 0) return listingOf(name, result);
		places = Math.max(places, result.places);
	}
	if (places > 0) throw onlyPlaces(page, places);
	if (detected) throw presetMatchedNothing(page, detected);
	throw new BanditoreError(
		'unknown_layout',
		`The page ${page.url} is not built on a template Banditore knows, and no news cards were found on it.`,
		`Known presets: ${PRESET_NAMES.map((name) => `'${name}' (${PRESETS[name].label})`).join(', ')}. ` +
			'Set custom CSS selectors for the news cards (item and title at least), or use the site\'s RSS feed if it has one.',
	);
}

function readCustom(page: Page, selectors: CustomSelectors, html: string): ListingResult {
	if (!selectors.item?.trim() || !selectors.title?.trim()) {
		throw new BanditoreError(
			'bad_selector',
			'Custom selectors need at least an item selector and a title selector.',
			'Inspect a news card in the browser: the item is the element around one card, the title the heading inside it.',
		);
	}
	const fields: Fields = {
		item: selectors.item,
		title: selectors.title,
		link: blankToUndefined(selectors.link),
		date: selectors.date?.trim() ? [selectors.date] : [],
		summary: blankToUndefined(selectors.summary),
		category: blankToUndefined(selectors.category),
		image: blankToUndefined(selectors.image),
		excludeWithin: [],
	};
	const result = readCards(page, fields, true);
	if (result.items.length === 0) {
		const detected = detectPreset(html);
		throw new BanditoreError(
			'no_matches',
			`The selector '${selectors.item}' matched nothing on ${page.url}.`,
			'Open the page in a browser, inspect a news card and adjust the item selector' +
				(detected ? `, or try preset '${detected}' (${PRESETS[detected].label}).` : ', or try one of the presets.'),
		);
	}
	return { preset: 'custom', items: result.items, warnings: result.warnings };
}

function listingOf(preset: PresetName, result: CardRead): ListingResult {
	return { preset, items: result.items, warnings: result.warnings };
}

/** Places (Luoghi) are not news: a page of them only has none. */
function onlyPlaces(page: Page, count: number): BanditoreError {
	return new BanditoreError(
		'no_matches',
		`The page ${page.url} lists places (Luoghi), not news: its ${count} place card${count === 1 ? ' was' : 's were'} left out.`,
		'Give the address of the Novità or Eventi page instead.',
	);
}

function presetFields(name: PresetName): Fields {
	const spec = PRESETS[name];
	return { ...spec, date: [...spec.date], skipPlaces: true };
}

function presetMatchedNothing(page: Page, preset: PresetName): BanditoreError {
	const others = PRESET_NAMES.filter(
		(name) => name !== preset && readCards(page, presetFields(name)).items.length > 0,
	);
	const sources = findSources(page.$, page.base);
	const advice = [
		others.length ? `try preset '${others[0]}'` : '',
		sources.news && sources.news !== page.url ? `this may not be the news list: try ${sources.news}` : '',
	].filter(Boolean);
	return new BanditoreError(
		'no_matches',
		`The preset '${preset}' matched nothing on ${page.url} (item selector '${PRESETS[preset].item}').`,
		'Open the page in a browser, inspect a news card and adjust the item selector with custom selectors' +
			(advice.length ? `, or ${advice.join(', or ')}.` : '.'),
	);
}

function openPage($: CheerioAPI, ctx: ListingContext): Page {
	// Both live in <head>; a page-wide query for them costs as much as reading a field of every card.
	const head = headChildren($.root()[0]);
	const titleEl = head ? head.find((el) => el.name === 'title') : $('title').get(0);
	const base = pageBase($, ctx.url);
	const name = ctx.name?.trim() || (titleEl ? htmlToText(textOf(titleEl)) : '') || hostOf(ctx.url);
	return { $, url: ctx.url, base, source: { name, url: ctx.url, kind: 'html' }, now: ctx.now, zone: ctx.zone };
}

function blankToUndefined(value: string | undefined): string | undefined {
	return value?.trim() ? value : undefined;
}

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return url;
	}
}
