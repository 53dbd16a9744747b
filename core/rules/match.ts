// Accent- and case-insensitive matching of whole words and phrases. Lists are compiled once per rules
// object into a token trie, so a text is read once whatever the number of words (500+ stay fast).

/** A word of the text: folded (lowercase, no accents) plus where it sits in the original. */
export interface Token {
	text: string;
	start: number;
	end: number;
}

export interface Found {
	/** The list entry as the office wrote it. */
	entry: string;
	/** The words as they appear in the item, for the reason shown back. */
	quote: string;
}

/** One word of a list entry: exact, or a prefix when the office wrote `candidat*`. */
export type EntryPart = { exact: string } | { prefix: string };

export type EntryError = 'empty' | 'wildcard' | 'shortPrefix';

const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const ENTRY_WORD = /[\p{L}\p{M}\p{N}]+\*?/gu;
const BAD_WILDCARD = /\*(?=[\p{L}\p{M}\p{N}])|(?<![\p{L}\p{M}\p{N}])\*/u;
const MARKS = /\p{M}/gu;
const NON_ASCII = /\P{ASCII}/u;
export const MIN_PREFIX = 3;

const folded = new Map<string, string>();
const MAX_FOLDED = 50_000;

/** Lowercase without accents: "Votà" and "VOTA" both become "vota". Words repeat, so results are kept. */
export function fold(text: string): string {
	if (!NON_ASCII.test(text)) return text.toLowerCase();
	let out = folded.get(text);
	if (out === undefined) {
		out = text.normalize('NFD').replace(MARKS, '').toLowerCase();
		if (folded.size >= MAX_FOLDED) folded.clear();
		folded.set(text, out);
	}
	return out;
}

/** Accents removed, case kept: what regular expressions (flag i) are run against. */
export function stripAccents(text: string): string {
	return NON_ASCII.test(text) ? text.normalize('NFD').replace(MARKS, '').normalize('NFC') : text;
}

/** Words are runs of letters and digits; apostrophes, hyphens and punctuation separate them. */
export function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	for (const m of text.matchAll(WORD)) {
		const folded = fold(m[0]);
		if (folded) tokens.push({ text: folded, start: m.index, end: m.index + m[0].length });
	}
	return tokens;
}

export function parseEntry(entry: string): { parts: EntryPart[] } | { error: EntryError } {
	if (BAD_WILDCARD.test(entry)) return { error: 'wildcard' };
	const parts: EntryPart[] = [];
	for (const m of entry.matchAll(ENTRY_WORD)) {
		const word = m[0];
		if (word.endsWith('*')) {
			const prefix = fold(word.slice(0, -1));
			if ([...prefix].length < MIN_PREFIX) return { error: 'shortPrefix' };
			parts.push({ prefix });
		} else {
			const exact = fold(word);
			if (exact) parts.push({ exact });
		}
	}
	return parts.length ? { parts } : { error: 'empty' };
}

interface TrieNode {
	next: Map<string, TrieNode>;
	prefixes: Array<{ prefix: string; node: TrieNode }>;
	entry: string | null;
}

function node(): TrieNode {
	return { next: new Map(), prefixes: [], entry: null };
}

/** Finds the first listed word or phrase in a text, leftmost then longest. */
export class PhraseMatcher {
	private readonly root = node();
	size = 0;

	/** Entries that do not parse are skipped here: the rules check reports them before compiling. */
	add(entry: string): void {
		const parsed = parseEntry(entry);
		if (!('parts' in parsed)) return;
		let at = this.root;
		for (const part of parsed.parts) {
			if ('exact' in part) {
				let child = at.next.get(part.exact);
				if (!child) at.next.set(part.exact, (child = node()));
				at = child;
			} else {
				let slot = at.prefixes.find((p) => p.prefix === part.prefix);
				if (!slot) at.prefixes.push((slot = { prefix: part.prefix, node: node() }));
				at = slot.node;
			}
		}
		if (at.entry === null) {
			at.entry = entry;
			this.size++;
		}
	}

	find(tokens: Token[], original: string): Found | null {
		if (this.size === 0) return null;
		for (let i = 0; i < tokens.length; i++) {
			const hit = longest(this.root, tokens, i);
			if (hit) return { entry: hit.entry, quote: original.slice(tokens[i].start, tokens[hit.last].end) };
		}
		return null;
	}
}

type Hit = { entry: string; last: number };

function longest(at: TrieNode, tokens: Token[], i: number): Hit | null {
	if (i >= tokens.length) return null;
	const word = tokens[i].text;
	let best: Hit | null = null;
	const exact = at.next.get(word);
	if (exact) best = descend(exact, tokens, i);
	for (const p of at.prefixes) {
		if (!word.startsWith(p.prefix)) continue;
		const hit = descend(p.node, tokens, i);
		if (hit && (!best || hit.last > best.last)) best = hit;
	}
	return best;
}

/** The longest phrase through `child`, which matched token i. */
function descend(child: TrieNode, tokens: Token[], i: number): Hit | null {
	if (child.next.size || child.prefixes.length) {
		const deeper = longest(child, tokens, i + 1);
		if (deeper) return deeper;
	}
	return child.entry !== null ? { entry: child.entry, last: i } : null;
}

export function phraseMatcher(entries: Iterable<string>): PhraseMatcher {
	const matcher = new PhraseMatcher();
	for (const entry of entries) matcher.add(entry);
	return matcher;
}

/** Patterns see the text without accents, case-insensitively; the source is folded the same way. */
export function compilePattern(source: string): RegExp {
	return new RegExp(stripAccents(source), 'iu');
}
