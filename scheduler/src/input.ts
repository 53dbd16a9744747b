// Text every request must hold, whatever the store: no NUL (PostgreSQL refuses it, SQLite would keep
// it) and no lone surrogate (not Unicode: it cannot be stored as UTF-8). Checked on parameters, query
// strings and bodies of every route (API and admin page) before anything reads them.
import { ApiError } from './errors';

// eslint-disable-next-line no-control-regex -- NUL is exactly what is looked for
const BAD = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Deeper than any document of ours: a deeper one is refused before a recursive step overflows. */
export const MAX_DEPTH = 32;

export const badText = (text: string): boolean => BAD.test(text);

/** Where a value first holds invalid text ("body/item/title"), too deep a nesting, or null when it is fine. */
export function invalidAt(value: unknown, where: string): { at: string; problem: 'text' | 'depth' } | null {
	// A stack, not recursion: a body of 100,000 nested arrays must not overflow the checker itself.
	const stack: Array<[unknown, string, number]> = [[value, where, 0]];
	while (stack.length) {
		const [v, at, depth] = stack.pop() as [unknown, string, number];
		if (typeof v === 'string') {
			if (badText(v)) return { at, problem: 'text' };
			continue;
		}
		if (v === null || typeof v !== 'object') continue;
		if (depth >= MAX_DEPTH) return { at, problem: 'depth' };
		for (const [key, item] of Object.entries(v)) {
			if (badText(key)) return { at, problem: 'text' };
			stack.push([item, `${at}/${key}`, depth + 1]);
		}
	}
	return null;
}

/** Throws a 400 naming the first part of the request that holds invalid text. */
export function checkInput(parts: Record<string, unknown>): void {
	for (const [part, value] of Object.entries(parts)) {
		if (Buffer.isBuffer(value)) continue;
		const found = invalidAt(value, part);
		if (!found) continue;
		if (found.problem === 'depth') throw new ApiError(400, 'invalid_request', `${found.at} is nested more than ${MAX_DEPTH} levels deep`);
		throw new ApiError(400, 'invalid_text', `${found.at} contains a NUL character or invalid Unicode (a lone surrogate)`, 'Send text as valid UTF-8 without control character U+0000.');
	}
}

/** A query string or form whose escapes are not UTF-8 would be read with replacement characters: refused. */
export function checkPercentEncoding(text: string, what: string): void {
	try {
		decodeURIComponent(text.replace(/\+/g, ' '));
	} catch {
		throw new ApiError(400, 'invalid_text', `${what} is not valid percent-encoded UTF-8`, 'Encode it with encodeURIComponent.');
	}
}

export function checkQueryEncoding(url: string): void {
	const at = url.indexOf('?');
	if (at >= 0) checkPercentEncoding(url.slice(at + 1), 'the query string');
}
