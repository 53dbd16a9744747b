// Bytes from a comune's server turned into text. Servers and CMSs often lie about the charset
// (US-ASCII or ISO-8859-1 declared over UTF-8 content, UTF-8 declared over latin1), so every
// declaration is checked against the bytes, and UTF-8 that was decoded twice is repaired.
import { isUtf8 } from 'node:buffer';
import { iconv } from './vendor';

export interface DecodedDocument {
	text: string;
	/** The encoding actually used, lower case: 'utf-8', 'windows-1252', 'utf-16le', … */
	encoding: string;
	/** True when double-encoded UTF-8 ("Ã¨" for "è") was found and fixed. */
	repaired: boolean;
	/** Present when the text was said or taken to be UTF-8 but the bytes are not: read as windows-1252 instead. */
	invalidUtf8?: true;
}

export interface DecodeOptions {
	/** The HTTP Content-Type header, e.g. "application/rss+xml; charset=ISO-8859-1". */
	contentType?: string | null;
}

const UTF8 = 'utf-8';
const CP1252 = 'windows-1252';
const SNIFF_BYTES = 4096;


// Labels browsers treat as windows-1252 (a superset of latin1: it has € and curly quotes in 0x80–0x9F).
const CP1252_LABELS = new Set([
	'windows-1252', 'cp1252', 'x-cp1252', 'iso-8859-1', 'iso8859-1', 'iso_8859-1', 'iso-ir-100', 'latin1',
	'latin-1', 'l1', 'cp819', 'ibm819', 'csisolatin1', 'iso_8859-1:1987', '8859-1',
]);
const ASCII_LABELS = new Set(['us-ascii', 'ascii', 'ansi_x3.4-1968', 'iso646-us', 'csascii', 'us']);
const UTF8_LABELS = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8', 'x-unicode20utf8']);

export function decodeDocument(bytes: Uint8Array, options: DecodeOptions = {}): DecodedDocument {
	const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

	const bom = bomOf(buffer);
	if (bom?.encoding === UTF8) return decodeUtf8(buffer.subarray(bom.length));
	if (bom) return finish(decodeAs(buffer.subarray(bom.length), bom.encoding), bom.encoding);

	const layout = wideLayout(buffer);
	const declared =
		usable(charsetFromContentType(options.contentType), layout) ?? usable(declaredInDocument(buffer, layout), layout);
	const encoding = declared ?? layout ?? UTF8;

	if (encoding === UTF8) return decodeUtf8(buffer);
	return finish(decodeAs(buffer, encoding), encoding);
}

/** Invalid UTF-8 is most often latin1 sent as UTF-8: read it so, and say so. */
function decodeUtf8(buffer: Buffer): DecodedDocument {
	const text = tryUtf8(buffer);
	return text === null ? { ...finish(decodeCp1252(buffer), CP1252), invalidUtf8: true } : finish(text, UTF8);
}

function finish(text: string, encoding: string): DecodedDocument {
	const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	if (encoding !== UTF8 && encoding !== CP1252) return { text: clean, encoding, repaired: false };
	const fixed = repairDoubleEncoding(clean);
	return { text: fixed, encoding, repaired: fixed !== clean };
}

function bomOf(b: Buffer): { encoding: string; length: number } | null {
	if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: UTF8, length: 3 };
	if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return { encoding: 'utf-32le', length: 4 };
	if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return { encoding: 'utf-32be', length: 4 };
	if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
	if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
	return null;
}

/** UTF-16/32 without a BOM, recognised by how `<` (or `<?xml`) is laid out in bytes (XML 1.0 appendix F). */
function wideLayout(b: Buffer): string | null {
	if (b.length < 4) return null;
	const [a, c, d, e] = [b[0], b[1], b[2], b[3]];
	if (a === 0x3c && c === 0 && d === 0 && e === 0) return 'utf-32le';
	if (a === 0 && c === 0 && d === 0 && e === 0x3c) return 'utf-32be';
	if (a === 0x3c && c === 0 && e === 0) return 'utf-16le';
	if (a === 0 && c === 0x3c && d === 0) return 'utf-16be';
	return null;
}

/**
 * A declaration turned into the label we decode with, or null when it cannot be right:
 * unknown to iconv, or a wide encoding declared over bytes that plainly start with ASCII `<`
 * (and the other way round).
 */
function usable(label: string | null, layout: string | null): string | null {
	if (!label) return null;
	const name = label.trim().toLowerCase();
	if (UTF8_LABELS.has(name) || ASCII_LABELS.has(name)) return layout ? null : UTF8;
	if (CP1252_LABELS.has(name)) return layout ? null : CP1252;
	const wide = /^(?:utf-?|ucs-?)(16|32|2|4)(le|be)?$/.exec(name.replace(/_/g, '-'));
	if (wide) {
		if (!layout) return null;
		// "UTF-16" without endianness: the byte layout tells which one.
		const bits = wide[1] === '2' ? '16' : wide[1] === '4' ? '32' : wide[1];
		return wide[2] ? `utf-${bits}${wide[2]}` : layout.startsWith(`utf-${bits}`) ? layout : `utf-${bits}be`;
	}
	if (layout) return null;
	return iconv.encodingExists(name) ? name : null;
}

export function charsetFromContentType(contentType: string | null | undefined): string | null {
	if (!contentType) return null;
	const match = /charset\s*=\s*["']?([^;"'\s]+)/i.exec(contentType);
	return match ? match[1] : null;
}

/** The XML prolog's `encoding=`, or an HTML `<meta charset>` / `http-equiv` in the first few KB. */
function declaredInDocument(b: Buffer, layout: string | null): string | null {
	const head = layout ? decodeAs(b.subarray(0, 512), layout) : b.subarray(0, SNIFF_BYTES).toString('latin1');
	const prolog = /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']+)["']/i.exec(head);
	if (prolog) return layout ? layout : prolog[1];
	if (layout) return null;
	const meta = /<meta\b[^>]*?\bcharset\s*=\s*["']?([^"'\s;/>]+)/i.exec(head);
	return meta ? meta[1] : null;
}

/** Valid UTF-8 as text, else null. isUtf8 + toString is several times faster than a fatal TextDecoder. */
function tryUtf8(b: Buffer): string | null {
	return isUtf8(b) ? b.toString('utf8') : null;
}

function decodeAs(b: Buffer, encoding: string): string {
	if (encoding === UTF8) return tryUtf8(b) ?? decodeCp1252(b);
	if (encoding === CP1252) return decodeCp1252(b);
	return iconv.decode(b, encoding, { stripBOM: false });
}

// windows-1252 bytes 0x80–0x9F; the five unassigned ones stay C1 controls, as in browsers.
const CP1252_HIGH =
	'\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
	'\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const CP1252_BYTE = new Map<string, number>();
for (let i = 0; i < 32; i++) CP1252_BYTE.set(CP1252_HIGH[i], 0x80 + i);

/** Node has latin1 natively; only 0x80–0x9F differ, so patch those (rare, hence cheap). */
export function decodeCp1252(b: Uint8Array): string {
	const latin1 = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
	return latin1.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

// One UTF-8 sequence read back as windows-1252 (or latin1): a lead byte then the exact number of
// continuation bytes. Only the leads real mojibake is made of are looked for: Â/Ã/Ä/Å (latin letters,
// «», NBSP), â (’ “ ” – … €) and ð (emoji), so genuine "PERCHÈ»" or "È&nbsp;" is never touched.
const CONT = `[\\u0080-\\u00bf${escapeClass(CP1252_HIGH)}]`;
const MOJIBAKE = new RegExp(`[\\u00c2-\\u00c5]${CONT}|\\u00e2${CONT}{2}|\\u00f0${CONT}{3}`, 'g');

/**
 * Fix UTF-8 that was decoded as windows-1252/latin1 somewhere upstream. Each suspicious run is
 * re-encoded to bytes and kept only if those bytes are valid UTF-8, which also works when only
 * some items of a feed are damaged. Repeats for triple encoding ("ÃƒÂ¨").
 */
export function repairDoubleEncoding(text: string): string {
	let current = text;
	for (let pass = 0; pass < 3; pass++) {
		MOJIBAKE.lastIndex = 0;
		if (!MOJIBAKE.test(current)) break;
		const next = current.replace(MOJIBAKE, fixRun);
		if (next === current) break;
		current = next;
	}
	return current;
}

function fixRun(run: string): string {
	const bytes = Buffer.alloc(run.length);
	for (let i = 0; i < run.length; i++) {
		const code = run.charCodeAt(i);
		// The regex only lets through latin1 code points or the windows-1252 extras, so one of these holds.
		bytes[i] = code < 0x100 ? code : (CP1252_BYTE.get(run[i]) ?? 0);
	}
	const decoded = tryUtf8(bytes);
	return decoded !== null && decoded.length < run.length ? decoded : run;
}

function escapeClass(chars: string): string {
	return Array.from(chars, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
}
