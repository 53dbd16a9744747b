// One feed item (RSS 0.9x/2.0, RDF, Atom 0.3/1.0) read from the XML tree into raw fields.
import type { RawItem } from '../item';
import { absoluteUrl } from '../url';
import { findCategories, findImage } from './media';
import { attr, children, firstText, text, type XmlNode } from './tree';

export interface EntryFields {
	raw: RawItem;
	/** Base for this item's relative links: its xml:base resolved against the feed's. */
	baseUrl: string;
	/** Used as the summary when the main one turns out to be blank once the HTML is stripped. */
	fallbackSummary: string;
}

export function withBase(node: XmlNode | undefined, base: string): string {
	return absoluteUrl(attr(node, 'xml:base'), base) ?? base;
}

export function readRssItem(item: XmlNode, feedBase: string): EntryFields {
	const description = firstText(item, 'description', 'dc:description', 'summary');
	const content = firstText(item, 'content:encoded', 'content');
	const guidNode = children(item, 'guid')[0];
	const guid = text(guidNode).trim();
	return {
		raw: {
			guid: guid || null,
			title: firstText(item, 'title', 'dc:title'),
			summary: description || content,
			link: rssLink(item, guid, attr(guidNode, 'isPermaLink')),
			publishedAt: firstText(item, 'pubDate', 'dc:date', 'published', 'atom:published', 'dc:created') || null,
			updatedAt: firstText(item, 'atom:updated', 'updated', 'dc:modified') || null,
			categories: findCategories(item),
			image: findImage(item, [description, content]),
		},
		baseUrl: withBase(item, feedBase),
		fallbackSummary: description ? content : '',
	};
}

/** <link> text, else an href (atom:link in RSS), else a permalink guid, else RDF's rdf:about. */
function rssLink(item: XmlNode, guid: string, isPermaLink: string | undefined): string | null {
	for (const link of children(item, 'link')) {
		// An unprefixed Atom <link rel="self"> inside an RSS item is not the article.
		const rel = attr(link, 'rel');
		if (rel && rel !== 'alternate') continue;
		const value = text(link).trim() || attr(link, 'href');
		if (value) return value;
	}
	const alternate = atomLink(children(item, 'atom:link'));
	if (alternate) return alternate;
	if (guid && isPermaLink !== 'false' && /^https?:\/\//i.test(guid)) return guid;
	return attr(item, 'rdf:about') ?? null;
}

export function readAtomEntry(entry: XmlNode, feedBase: string): EntryFields {
	const summary = textConstruct(entry, 'summary');
	const content = textConstruct(entry, 'content');
	const id = firstText(entry, 'id').trim();
	const link = atomLink(children(entry, 'link')) ?? (/^https?:\/\//i.test(id) ? id : null);
	return {
		raw: {
			guid: id || null,
			title: textConstruct(entry, 'title'),
			summary: summary || content,
			link,
			// An entry with only <updated> was published then, as far as anyone can tell.
			publishedAt: firstText(entry, 'published', 'issued', 'created', 'updated', 'modified') || null,
			updatedAt: firstText(entry, 'updated', 'modified') || null,
			categories: findCategories(entry),
			image: findImage(entry, [summary, content]),
		},
		baseUrl: withBase(entry, feedBase),
		fallbackSummary: summary ? content : '',
	};
}

/** rel="alternate" (or no rel) preferring text/html; a link with text but no href is taken too. */
export function atomLink(links: XmlNode[]): string | null {
	let fallback: string | null = null;
	for (const link of links) {
		const href = attr(link, 'href') ?? (text(link).trim() || undefined);
		if (!href) continue;
		const rel = attr(link, 'rel') ?? 'alternate';
		if (rel !== 'alternate') continue;
		const type = attr(link, 'type');
		if (!type || type.includes('html')) return href;
		fallback ??= href;
	}
	return fallback;
}

/**
 * An Atom text construct as HTML. type="text" is plain text: "<blink>" in it is words, not a tag,
 * so it is escaped before the HTML is stripped. Without a type it is read as HTML all the same:
 * many feeds put escaped markup there without saying so.
 */
export function textConstruct(node: XmlNode | undefined, name: string): string {
	for (const element of children(node, name)) {
		const value = text(element);
		if (!value.trim()) continue;
		return attr(element, 'type')?.trim().toLowerCase() === 'text' ? plainAsHtml(value) : value;
	}
	return '';
}

/**
 * Plain text made safe to read as HTML: "<3", "a<b>" or "<blink>" stay as they are. Escaped twice,
 * because htmlToText decodes up to two levels (for feeds that escape their HTML twice): both are
 * undone and no tag is ever left to strip.
 */
export function plainAsHtml(value: string): string {
	const once = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
	return once(once(value));
}
