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
	const summary = firstText(entry, 'summary');
	const content = firstText(entry, 'content');
	const id = firstText(entry, 'id').trim();
	const link = atomLink(children(entry, 'link')) ?? (/^https?:\/\//i.test(id) ? id : null);
	return {
		raw: {
			guid: id || null,
			title: firstText(entry, 'title'),
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
