// Images and categories, wherever a feed puts them.
import { decodeHTML } from '../vendor';
import { attr, children, text, type XmlNode } from './tree';

const IMAGE_FILE = /\.(?:jpe?g|png|gif|webp|avif|bmp)(?:[?#]|$)/i;
const IMG_TAG = /<img\b[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;

/** media:content / media:thumbnail / media:group / enclosure / Atom link rel=enclosure, then an <img> in the HTML. */
export function findImage(node: XmlNode, html: string[]): string | null {
	return mediaImage(node) ?? enclosureImage(node) ?? firstImgInHtml(html);
}

function mediaImage(node: XmlNode): string | null {
	for (const content of children(node, 'media:content')) {
		const url = attr(content, 'url');
		if (url && isImage(content, url)) return url;
	}
	const thumb = attr(children(node, 'media:thumbnail')[0], 'url');
	if (thumb) return thumb;
	for (const group of children(node, 'media:group')) {
		const found = mediaImage(group);
		if (found) return found;
	}
	return null;
}

function isImage(media: XmlNode, url: string): boolean {
	const medium = attr(media, 'medium');
	const type = attr(media, 'type');
	if (medium) return medium === 'image';
	if (type) return type.startsWith('image/');
	return IMAGE_FILE.test(url);
}

function enclosureImage(node: XmlNode): string | null {
	for (const enclosure of children(node, 'enclosure')) {
		const url = attr(enclosure, 'url');
		if (url && isImage(enclosure, url)) return url;
	}
	for (const link of children(node, 'link')) {
		const href = attr(link, 'href');
		if (href && attr(link, 'rel') === 'enclosure' && isImage(link, href)) return href;
	}
	return null;
}

export function firstImgInHtml(html: string[]): string | null {
	for (const fragment of html) {
		if (!fragment) continue;
		let source = fragment;
		// HTML escaped twice: the tag only shows up once the entities are decoded.
		if (!source.includes('<img') && !source.includes('<IMG') && /&lt;img/i.test(source)) source = decodeHTML(source);
		const match = IMG_TAG.exec(source);
		const src = match ? (match[1] ?? match[2] ?? match[3]) : undefined;
		if (src && !src.startsWith('data:')) return decodeHTML(src);
	}
	return null;
}

/** RSS <category>, Atom category@label/@term, dc:subject. Duplicates are removed by normaliseItem. */
export function findCategories(node: XmlNode): string[] {
	const out: string[] = [];
	for (const category of children(node, 'category')) {
		const value = attr(category, 'label') || attr(category, 'term') || text(category);
		if (value) out.push(value);
	}
	for (const subject of children(node, 'dc:subject')) out.push(text(subject));
	return out;
}
