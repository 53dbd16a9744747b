// Small walks over the parsed tree. They avoid a cheerio selector per card, which is what keeps a
// 500-card page fast: selectors are compiled once per page, everything per card is plain traversal.
import { BanditoreError } from '../errors';
import { loadHtml, type AnyNode, type CheerioAPI, type Element } from '../vendor';
import { absoluteUrl } from '../url';
import { limitDepth } from './depth';

const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'svg']);
const BLOCKS = new Set(['p', 'div', 'br', 'li', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'blockquote', 'section', 'article']);

/** Every page is parsed here, nested no deeper than the parser and the walks can afford. */
export function loadPage(html: string): CheerioAPI {
	return loadHtml(limitDepth(html));
}

export function isElement(node: AnyNode | null | undefined): node is Element {
	return !!node && 'attribs' in node;
}

export function hasClass(el: Element, name: string): boolean {
	const value = el.attribs.class;
	if (!value) return false;
	// indexOf with word boundaries: called for every ancestor of every card.
	for (let at = value.indexOf(name); at !== -1; at = value.indexOf(name, at + 1)) {
		const end = at + name.length;
		if ((at === 0 || /\s/.test(value[at - 1])) && (end === value.length || /\s/.test(value[end]))) return true;
	}
	return false;
}

export interface TextOptions {
	/** Put a space between text nodes: "<span>26</span><span>Agosto</span>" reads "26 Agosto". */
	spaced?: boolean;
	/** Newlines around block elements, for summaries that have paragraphs. */
	blocks?: boolean;
	/** Elements whose text does not belong to the field (the date inside an OpenCity abstract). */
	skipClasses?: string[];
}

export function textOf(node: AnyNode, options: TextOptions = {}): string {
	const parts: string[] = [];
	walkText(node, options, parts);
	return parts.join(options.spaced ? ' ' : '');
}

function walkText(node: AnyNode, options: TextOptions, parts: string[]): void {
	const type = node.type as string;
	if (type === 'text') {
		parts.push((node as { data: string }).data);
		return;
	}
	if (!isElement(node) && type !== 'root') return;
	if (isElement(node)) {
		if (SKIPPED.has(node.name)) return;
		if (options.skipClasses?.some((name) => hasClass(node, name))) return;
	}
	const block = options.blocks && isElement(node) && BLOCKS.has(node.name);
	if (block) parts.push('\n');
	for (const child of (node as Element).children) walkText(child, options, parts);
	if (block) parts.push('\n');
}

/** The first element under `root` (root excluded) that satisfies `test`, in document order. */
export function findDescendant(root: AnyNode, test: (el: Element) => boolean): Element | null {
	if (!isElement(root) && (root.type as string) !== 'root') return null;
	for (const child of (root as Element).children) {
		if (!isElement(child)) continue;
		if (test(child)) return child;
		const found = findDescendant(child, test);
		if (found) return found;
	}
	return null;
}

/** The nearest ancestor-or-self satisfying `test`, not climbing past `stop`. */
export function closest(el: Element, test: (el: Element) => boolean, stop?: AnyNode): Element | null {
	for (let node: AnyNode | null = el; node; node = node.parent) {
		if (isElement(node) && test(node)) return node;
		if (node === stop) break;
	}
	return null;
}

/** An href worth following: not empty, not a same-page anchor, not a script. */
export function usableHref(el: Element): string | null {
	const href = el.attribs.href?.trim();
	if (!href || href.startsWith('#') || /^javascript:/i.test(href)) return null;
	return href;
}

export function isLink(el: Element): boolean {
	return el.name === 'a' && usableHref(el) !== null;
}

/** The picture an <img> shows, preferring the lazy-loading attributes over a placeholder src. */
export function imageSource(el: Element): string | null {
	const img = el.name === 'img' ? el : findDescendant(el, (child) => child.name === 'img');
	if (!img) return null;
	const attrs = img.attribs;
	for (const value of [attrs['data-src'], attrs['data-lazy-src'], attrs['data-original'], attrs.src, firstSrcset(attrs['data-srcset'] ?? attrs.srcset)]) {
		const trimmed = value?.trim();
		if (trimmed && !trimmed.startsWith('data:')) return trimmed;
	}
	return null;
}

function firstSrcset(value: string | undefined): string | undefined {
	return value?.split(',')[0]?.trim().split(/\s+/)[0];
}

/** Run a selector over the whole page; an invalid selector becomes an error a person can fix. */
export function selectAll($: CheerioAPI, selector: string, role: string): Element[] {
	try {
		return $(selector).toArray().filter(isElement);
	} catch (error) {
		throw badSelector(selector, role, error);
	}
}

export function badSelector(selector: string, role: string, cause: unknown): BanditoreError {
	return new BanditoreError(
		'bad_selector',
		`The ${role} selector '${selector}' is not valid CSS.`,
		'Check it in the browser console with document.querySelectorAll(…); cheerio supports CSS3 plus :has() and :contains().',
		{ cause },
	);
}

/**
 * An element directly under <head> ("title", "base"), found without a page-wide query. Null when
 * the page has no <head> element, so the caller can fall back to a query.
 */
export function headChildren(root: AnyNode): Element[] | null {
	const html = findChild(root, 'html') ?? root;
	const head = findChild(html, 'head');
	return head ? head.children.filter(isElement) : null;
}

function findChild(node: AnyNode, name: string): Element | null {
	if (!('children' in node)) return null;
	for (const child of node.children) if (isElement(child) && child.name === name) return child;
	return null;
}

/**
 * The address a page's relative links are read against: its <base href>, else its own. A copy read
 * from a file (saved from the browser, or by a proxy) has a file: address whose links lead nowhere:
 * the address it was saved from, in og:url or the canonical link, stands in for it.
 */
export function pageBase($: CheerioAPI, url: string): string {
	const head = headChildren($.root()[0]) ?? $('base, meta, link').toArray().filter(isElement);
	const attrOf = (test: (el: Element) => boolean, name: string) => head.find((el) => test(el) && el.attribs[name]?.trim())?.attribs[name];
	let own = url;
	if (url.startsWith('file:')) {
		const saved = attrOf((el) => el.name === 'meta' && el.attribs.property === 'og:url', 'content') ?? attrOf((el) => el.name === 'link' && (el.attribs.rel ?? '').toLowerCase().split(/\s+/).includes('canonical'), 'href');
		const address = absoluteUrl(saved, url);
		if (address && /^https?:/i.test(address)) own = address;
	}
	return absoluteUrl(attrOf((el) => el.name === 'base', 'href'), own) ?? own;
}
