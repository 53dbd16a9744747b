// The XML tree of a feed, in the shape xml2js gives it (the shape rss-parser 3.13 worked on), plus
// small readers for it. Shape: an element is a string (text only), '' (empty) or an object with `_`
// (text), `$` (attributes) and one array per child element name, e.g. item['media:content'][0].$.url.
import { sax } from '../vendor';

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

interface Open {
	name: string;
	obj: Record<string, unknown>;
	/** Has attributes or child elements: stays an object when closed. */
	full: boolean;
	text: string;
	cdata: boolean;
}

const BLANK = /^\s*$/;
const DONE = Symbol('root closed');

/**
 * Parse once with sax (strict, as xml2js drives it inside rss-parser) straight into the xml2js shape:
 * the same tree and the same sax errors ("Unexpected close tag\nLine: 0…"), without xml2js's
 * per-node bookkeeping, which cost more than the rest of a read. What follows the root is ignored,
 * as xml2js did (PHP warnings after </rss>). Rejects like rss-parser did: "Unable to parse XML." for
 * a blank document, "Feed not recognized as RSS 1 or 2." for another root.
 */
export async function parseTree(xml: string): Promise<FeedTree> {
	const source = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
	if (source.trim() === '') throw new Error('Unable to parse XML.');
	const result = buildTree(source);
	if (!result) throw new Error('Unable to parse XML.');
	const root = (name: string) => result[name] as XmlNode | undefined;
	if (root('feed')) return { root: 'feed', node: element(root('feed')) };
	if (root('rss')) return { root: 'rss', node: element(root('rss')) };
	if (root('rdf:RDF')) return { root: 'rdf', node: element(root('rdf:RDF')) };
	throw new Error('Feed not recognized as RSS 1 or 2.');
}

function buildTree(xml: string): Record<string, unknown> | null {
	const parser = sax.parser(true, { trim: false, normalize: false, xmlns: false });
	const stack: Open[] = [];
	let result: Record<string, unknown> | null = null;
	parser.onerror = (error) => {
		throw error;
	};
	parser.onopentag = (tag) => {
		// Plain objects, not Object.create(null) as xml2js: the readers only look up own arrays and
		// strings, and dictionary-mode objects made the tree the costliest part of a read.
		const obj: Record<string, unknown> = {};
		const full = hasKeys(tag.attributes);
		// sax gives every tag a fresh attributes object: it becomes the element's own.
		if (full) obj.$ = tag.attributes;
		stack.push({ name: tag.name, obj, full, text: '', cdata: false });
	};
	const onText = (text: string): Open | undefined => {
		const top = stack[stack.length - 1];
		if (top) top.text += text;
		return top;
	};
	parser.ontext = onText;
	parser.oncdata = (text) => {
		const top = onText(text);
		if (top) top.cdata = true;
	};
	parser.onclosetag = () => {
		const open = stack.pop() as Open;
		const { obj, text } = open;
		// As xml2js: blank text is dropped unless it came in CDATA; an element with neither
		// attributes nor children is its text.
		const value = !open.full ? text : !open.cdata && BLANK.test(text) ? obj : ((obj._ = text), obj);
		const parent = stack[stack.length - 1];
		if (!parent) {
			result = { [open.name]: value };
			throw DONE;
		}
		parent.full = true;
		if (open.name === '__proto__') return;
		const siblings = parent.obj[open.name];
		if (Array.isArray(siblings)) siblings.push(value);
		else parent.obj[open.name] = [value];
	};
	try {
		parser.write(xml).close();
	} catch (error) {
		if (error !== DONE) throw error;
	}
	return result;
}

function hasKeys(value: object): boolean {
	for (const key in value) return key !== undefined;
	return false;
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
