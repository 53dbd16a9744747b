// The normalised news item every part of Banditore works with, and the one place raw fields become one.
import { createHash } from 'node:crypto';
import { toInstant } from './dates';
import { htmlToText } from './text';
import { webUrl } from './url';

/** How an item was read: a feed format, an HTML listing, a YouTube channel feed, or Meta's Graph API. */
export type SourceKind = 'rss' | 'atom' | 'rdf' | 'html' | 'youtube' | 'facebook' | 'instagram';

export interface SourceRef {
	name: string;
	url: string;
	kind: SourceKind;
}

export interface NewsItem {
	/** Stable across edits of the text: the feed's guid, else the item's link. */
	id: string;
	title: string;
	summary: string;
	link: string;
	/** ISO instants (UTC, `Z`), or null when the site gives no date: undated items are kept. */
	publishedAt: string | null;
	updatedAt: string | null;
	categories: string[];
	image: string | null;
	/** The page a social post links to (often the notice on the comune's site); only social items have it. */
	sharedLink?: string | null;
	source: SourceRef;
}

/**
 * What a value lacks to be judged as a news item: its text fields. Something without a title or
 * link is not news (often an error item of a previous step) and must not be judged or posted.
 */
export function missingNewsFields(value: unknown): Array<'title' | 'link'> {
	const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
	return (['title', 'link'] as const).filter((field) => typeof record[field] !== 'string');
}

/** Fields as a reader found them: HTML, entities and relative URLs allowed. */
export interface RawItem {
	guid?: string | null;
	title?: string | null;
	summary?: string | null;
	link?: string | null;
	publishedAt?: string | Date | null;
	updatedAt?: string | Date | null;
	categories?: Array<string | null | undefined>;
	image?: string | null;
}

export interface NormaliseContext {
	source: SourceRef;
	/** Base for relative links: the document URL, or its xml:base. */
	baseUrl: string;
	/** Zone for dates written without one (Italian sites: Europe/Rome). */
	zone?: string;
	/** Reference time for dates without a year. */
	now?: Date;
}

export function normaliseItem(raw: RawItem, ctx: NormaliseContext): NewsItem {
	const zone = ctx.zone ?? 'Europe/Rome';
	const title = htmlToText(raw.title ?? '');
	const summary = htmlToText(raw.summary ?? '', { multiline: true });
	// A javascript: or data: "link" is no link: never posted, never the item's identity.
	const link = webUrl(raw.link, ctx.baseUrl) ?? '';
	const image = webUrl(raw.image, ctx.baseUrl);
	const publishedAt = toInstant(raw.publishedAt, { zone, now: ctx.now });
	const updatedAt = toInstant(raw.updatedAt, { zone, now: ctx.now });
	const categories = uniqueClean(raw.categories ?? []);
	return {
		id: itemId(raw.guid, link, ctx.source.url, title),
		title,
		summary,
		link,
		publishedAt,
		updatedAt: updatedAt ?? publishedAt,
		categories,
		image,
		source: ctx.source,
	};
}

/**
 * The guid when the feed has one (sites keep it when they edit a title), else the absolute link;
 * an item with neither is identified by its source and title, hashed to keep the id short.
 */
export function itemId(guid: string | null | undefined, link: string, sourceUrl: string, title: string): string {
	const trimmed = guid?.trim();
	if (trimmed) return trimmed;
	if (link) return link;
	return `urn:banditore:${digestOf(`${sourceUrl}\n${title}`)}`;
}

/** A short stable fingerprint of some text, for ids made up when a source gives none. */
export function digestOf(text: string): string {
	return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

function uniqueClean(values: Array<string | null | undefined>): string[] {
	const seen = new Set<string>();
	const out: string[] = [];
	for (const value of values) {
		const text = htmlToText(value ?? '');
		const key = text.toLocaleLowerCase('it');
		if (text && !seen.has(key)) {
			seen.add(key);
			out.push(text);
		}
	}
	return out;
}
