// The XML tree of a feed, as xml2js (inside rss-parser) builds it, plus small readers for it.
// Shape: an element is a string (text only), '' (empty) or an object with `_` (text), `$` (attributes)
// and one array per child element name, e.g. item['media:content'][0].$.url.
import { RssParser } from '../vendor';

export type XmlNode = string | XmlElement;
export interface XmlElement {
	_?: string;
	$?: Record<string, string>;
	[child: string]: unknown;
}

export type RootKind = 'feed' | 'rss' | 'rdf';
export interface FeedTree {
	root: RootKind;
	node: XmlElement;
}

/**
 * rss-parser 3.13 turns the tree into its own objects in buildAtomFeed/buildRSS*; those builders throw
 * TypeErrors on an <rss> without <channel>, an RDF without <channel>, Atom links without attributes,
 * and a RangeError on an Atom date it cannot read. We let it parse and pick the root (one XML pass),
 * then read the tree ourselves, so every shape goes through the same tolerant code.
 */
class TreeParser extends RssParser {
	constructor() {
		// defaultRSS: an <rss> without a version attribute is read like RSS 2.0 instead of being rejected.
		super({ defaultRSS: 2 });
	}

	buildAtomFeed(xml: Record<string, unknown>): FeedTree {
		return { root: 'feed', node: element(xml.feed) };
	}

	buildRSS2(xml: Record<string, unknown>): FeedTree {
		return { root: 'rss', node: element(xml.rss) };
	}

	buildRSS0_9(xml: Record<string, unknown>): FeedTree {
		return { root: 'rss', node: element(xml.rss) };
	}

	buildRSS1(xml: Record<string, unknown>): FeedTree {
		return { root: 'rdf', node: element(xml['rdf:RDF']) };
	}
}

/** Parse once; rejects with rss-parser's / sax's error (message names the problem and the line). */
export async function parseTree(xml: string): Promise<FeedTree> {
	const result: unknown = await new TreeParser().parseString(xml);
	return result as FeedTree;
}

function element(value: unknown): XmlElement {
	return value && typeof value === 'object' ? (value as XmlElement) : {};
}

export function children(node: XmlNode | undefined, name: string): XmlNode[] {
	if (!node || typeof node !== 'object') return [];
	const value = node[name];
	return Array.isArray(value) ? (value as XmlNode[]) : [];
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
	if (!node || typeof node !== 'object') return undefined;
	const value = node[name];
	return Array.isArray(value) ? (value[0] as XmlNode) : undefined;
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
	if (!node || typeof node !== 'object' || !node.$) return undefined;
	const value = node.$[name];
	return typeof value === 'string' ? value : undefined;
}

/**
 * The text of an element. When it holds child elements (markup that was not escaped), their text
 * is appended: xml2js loses the order of mixed content, so this is a fallback, not the main path.
 */
export function text(node: XmlNode | undefined): string {
	if (node === undefined || node === null) return '';
	if (typeof node === 'string') return node;
	if (typeof node !== 'object') return String(node);
	const own = typeof node._ === 'string' ? node._ : '';
	let nested = '';
	for (const key of Object.keys(node)) {
		if (key === '_' || key === '$') continue;
		const value = node[key];
		if (Array.isArray(value)) for (const item of value) nested += ' ' + text(item as XmlNode);
	}
	return nested ? `${own}${nested}` : own;
}

/** Text of the first child with one of these names that is not blank. */
export function firstText(node: XmlNode | undefined, ...names: string[]): string {
	for (const name of names) {
		for (const c of children(node, name)) {
			const value = text(c);
			if (value.trim()) return value;
		}
	}
	return '';
}
