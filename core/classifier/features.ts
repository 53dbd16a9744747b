// The words a classifier sees in a news item: the same tokens and Italian stems as the rules
// (core/rules/match.ts), so "ordinanza" and "ordinanze", "candidato" and "candidati" are one feature.
// Pure: no I/O, no state but the stem and fold caches of the tokenizer.
import { FUNCTION_WORDS } from '../rules/italian';
import { tokenize, type Token } from '../rules/match';

/** What the classifier reads of an item: the fields of a NewsItem it uses. */
export interface ClassifierInput {
	title: string;
	summary?: string | null;
	link?: string | null;
	categories?: readonly string[] | null;
}

/** Stems shorter than this are kept as the word itself: "voto" and "vota" stay apart, as in the rules. */
const MIN_STEM = 5;
const DIGITS = /^\d+$/;
/** Only the path of the link: the host names the publisher, not what the item is about. */
const URL_PATH = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i;

function key(token: Token): string | null {
	const word = token.text;
	if (word.length < 2 || FUNCTION_WORDS.has(word)) return null;
	if (DIGITS.test(word)) return word.length === 4 ? '#year' : '#n';
	const stem = token.stem ?? word;
	return stem.length >= MIN_STEM ? stem : word;
}

function keys(text: string | null | undefined): string[] {
	if (!text) return [];
	const out: string[] = [];
	for (const token of tokenize(text)) {
		const k = key(token);
		if (k !== null) out.push(k);
	}
	return out;
}

/**
 * The item's features, each once: `w:` stemmed words of title and summary, `b:` pairs of adjacent
 * words (function words left out) within the title or the summary, `c:` words of the source's
 * categories, `u:` words of the link's path. Sorted, so that the order never depends on the text's.
 */
export function itemFeatures(item: ClassifierInput): string[] {
	const out = new Set<string>();
	for (const words of [keys(item.title), keys(item.summary)]) {
		for (let k = 0; k < words.length; k++) {
			out.add(`w:${words[k]}`);
			if (k > 0) out.add(`b:${words[k - 1]} ${words[k]}`);
		}
	}
	for (const category of item.categories ?? []) for (const k of keys(category)) out.add(`c:${k}`);
	const path = item.link ? URL_PATH.exec(item.link)?.[1] : undefined;
	if (path) for (const k of keys(decodePath(path))) if (k[0] !== '#') out.add(`u:${k}`);
	return [...out].sort();
}

function decodePath(path: string): string {
	try {
		return decodeURIComponent(path);
	} catch {
		return path;
	}
}
