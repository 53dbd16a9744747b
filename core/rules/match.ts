// Accent- and case-insensitive matching of whole words and phrases. Lists are compiled once per rules
// object into a token trie, so a text is read once whatever the number of words (500+ stay fast).
//
// What a list entry means (issue #13):
// - a plain word matches its Italian forms: "ordinanza" finds ordinanze, "chiuso" finds chiusa, chiusi,
//   chiuse, "evacuazione" finds evacuati (italian.ts). Short words stay exact: a word whose stem
//   has fewer than MIN_STEM letters ("vota", "voto", "lega", "votate"), and a word ending in an
//   accented vowel ("città", "perché", "attività"), which has no other forms;
// - "in quotes" a word or a phrase matches only as written: `"comizio"` does not find comizi;
// - `candidat*` matches every word beginning with "candidat", as before;
// - the words of a phrase may have one other word between them, not an article, preposition or
//   conjunction and not across punctuation: "allerta arancione" finds "allerta meteo arancione",
//   "lista civica" does not find "la lista del civico 3". In quotes they must be adjacent;
// - `~N` between two words lets up to N words (0–10) sit between them, commas included, within
//   one sentence: "allerta ~3 arancione";
// - hyphens and spaces inside a compound do not matter: "pre-allarme", "pre allarme" and
//   "preallarme" find each other, so do "e-mail" and "email", "black friday" and "blackfriday".
import { FUNCTION_WORDS, stemOf } from './italian';

/** A word of the text: folded (lowercase, no accents) plus where it sits in the original. */
export interface Token {
	text: string;
	start: number;
	end: number;
	/** The word's Italian stem, set by tokenize(): computed once per word of the text. */
	stem?: string;
	/** Ends in an accented vowel ("attività"): only an entry written the same way finds it. */
	accented?: boolean;
}

export interface Found {
	/** The list entry as the office wrote it. */
	entry: string;
	/** The words as they appear in the item, for the reason shown back. */
	quote: string;
}

/**
 * One word of a list entry: `exact` (folded), plus `stem` when its other forms match too; or a
 * prefix when the office wrote `candidat*`. `gap`: how many words may sit between the previous part
 * and this one (absent on the first part); `near` when the office set it with `~N`.
 */
export type EntryPart = ({ exact: string; stem?: string } | { prefix: string }) & { gap?: number; near?: boolean };

export type EntryError = 'empty' | 'wildcard' | 'shortPrefix';

const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const ENTRY_SYNTAX = /(["“”«»])|~(\d+)|([\p{L}\p{M}\p{N}]+\*?)/gu;
const BAD_WILDCARD = /\*(?=[\p{L}\p{M}\p{N}])|(?<![\p{L}\p{M}\p{N}])\*/u;
const MARKS = /\p{M}/gu;
const NON_ASCII = /\P{ASCII}/u;
/** A word ending in an accented vowel (città, perché, lunedì, or the same with a combining accent). */
const FINAL_ACCENT = /(?:[àèéìíòóùú]|\p{M})$/iu;
export const MIN_PREFIX = 3;
/** Words whose stem is shorter than this match exactly: "vota" must not find "voto" nor "votare". */
export const MIN_STEM = 4;
/** Words allowed between two words of a phrase when the entry does not say otherwise. */
export const DEFAULT_GAP = 1;
export const MAX_GAP = 10;
/** Compounds of up to this many words also match written as one word. */
const MAX_JOINED_PARTS = 4;

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
		const word = fold(m[0]);
		if (!word) continue;
		const token: Token = { text: word, start: m.index, end: m.index + m[0].length, stem: stemOf(word) };
		if (word !== m[0] && NON_ASCII.test(m[0]) && FINAL_ACCENT.test(m[0])) token.accented = true;
		tokens.push(token);
	}
	return tokens;
}

/** The key an entry word is matched by, or undefined when it must match exactly. */
function entryStem(word: string): string | undefined {
	const stem = stemOf(word);
	return stem.length >= MIN_STEM ? stem : undefined;
}

type Part = EntryPart & { fixed?: boolean };

export function parseEntry(entry: string): { parts: EntryPart[] } | { error: EntryError } {
	return parseParts(entry);
}

function parseParts(entry: string): { parts: Part[] } | { error: EntryError } {
	if (BAD_WILDCARD.test(entry)) return { error: 'wildcard' };
	const parts: Part[] = [];
	let quoted = false;
	let inQuotedRun = false;
	let near: number | null = null;
	for (const m of entry.matchAll(ENTRY_SYNTAX)) {
		if (m[1] !== undefined) {
			quoted = !quoted;
			inQuotedRun = false;
			continue;
		}
		if (m[2] !== undefined) {
			near = Math.min(Number(m[2]), MAX_GAP);
			continue;
		}
		const word = m[3];
		let part: Part;
		if (word.endsWith('*')) {
			const prefix = fold(word.slice(0, -1));
			if ([...prefix].length < MIN_PREFIX) return { error: 'shortPrefix' };
			part = { prefix };
		} else {
			const exact = fold(word);
			if (!exact) continue;
			const fixed = quoted || (NON_ASCII.test(word) && FINAL_ACCENT.test(word));
			const stem = fixed ? undefined : entryStem(exact);
			part = stem !== undefined ? { exact, stem } : { exact };
			if (fixed) Object.defineProperty(part, 'fixed', { value: true, enumerable: false });
		}
		if (parts.length) {
			if (near !== null) {
				part.gap = near;
				part.near = true;
			} else {
				part.gap = inQuotedRun ? 0 : DEFAULT_GAP;
			}
		}
		near = null;
		inQuotedRun = quoted;
		parts.push(part);
	}
	return parts.length ? { parts } : { error: 'empty' };
}

/**
 * The entry written with some of its adjacent words joined: "pre allarme" is also "preallarme",
 * "black friday" also "blackfriday". Parts joined across a `~N` or a `*` are not.
 */
function joinedVariants(parts: Part[]): Part[][] {
	const joinable: number[] = [];
	if (parts.length > MAX_JOINED_PARTS) return [];
	for (let k = 1; k < parts.length; k++) {
		const a = parts[k - 1];
		const b = parts[k];
		if ('exact' in a && 'exact' in b && !b.near) joinable.push(k);
	}
	const variants: Part[][] = [];
	for (let mask = 1; mask < 1 << joinable.length; mask++) {
		const join = new Set(joinable.filter((_, bit) => mask & (1 << bit)));
		const out: Part[] = [];
		let group: Part[] = [];
		const flush = (): void => {
			if (group.length === 1) out.push(group[0]);
			else {
				const exact = group.map((p) => (p as { exact: string }).exact).join('');
				const fixed = group.some((p) => p.fixed);
				const stem = fixed ? undefined : entryStem(exact);
				const merged: Part = stem !== undefined ? { exact, stem } : { exact };
				if (group[0].gap !== undefined) merged.gap = group[0].gap;
				if (group[0].near) merged.near = true;
				out.push(merged);
			}
			group = [];
		};
		parts.forEach((part, k) => {
			if (k > 0 && !join.has(k)) flush();
			group.push(part);
		});
		flush();
		variants.push(out);
	}
	return variants;
}

/** A listed word: `stemmed` when all its forms match, else only `exact` as written. */
interface Target {
	exact: string;
	stemmed: boolean;
	node: TrieNode;
}

/**
 * Everything a text word with one stem may be: listed words (checked against the word itself), and
 * the first half of a split compound: first half → first letter of the second half → second halves,
 * so "pre" before "allarme" is tried as "preallarme" only when a listed word continues "pre" + "a…".
 */
interface Slot {
	targets: Target[];
	heads: Map<string, Map<string, string[]>> | null;
}

/** The words that may follow one word of a phrase, and how far after it. */
interface Link {
	gap: number;
	near: boolean;
	/** By stem: a text word costs one lookup per link, whatever the list says about it. */
	words: Map<string, Slot>;
	prefixes: Array<{ prefix: string; node: TrieNode }>;
}

interface TrieNode {
	links: Link[];
	entry: string | null;
}

function node(): TrieNode {
	return { links: [], entry: null };
}

function linkOf(at: TrieNode, gap: number, near: boolean): Link {
	let link = at.links.find((l) => l.gap === gap && l.near === near);
	if (!link) at.links.push((link = { gap, near, words: new Map(), prefixes: [] }));
	return link;
}

function slotOf(link: Link, key: string): Slot {
	let slot = link.words.get(key);
	if (!slot) link.words.set(key, (slot = { targets: [], heads: null }));
	return slot;
}

/** Does a text word (folded) match this listed word? */
function accepts(target: Target, text: string, accented: boolean | undefined): boolean {
	return target.stemmed ? !accented || text === target.exact : text === target.exact;
}

/** Every split of a listed word (or its stem) into two halves of one letter or more. */
function addHeads(link: Link, key: string): void {
	for (let n = 1; n < key.length; n++) {
		const head = key.slice(0, n);
		const rest = key.slice(n);
		const slot = slotOf(link, stemOf(head));
		slot.heads ??= new Map();
		let byLetter = slot.heads.get(head);
		if (!byLetter) slot.heads.set(head, (byLetter = new Map()));
		const rests = byLetter.get(rest[0]);
		if (!rests) byLetter.set(rest[0], [rest]);
		else if (!rests.includes(rest)) rests.push(rest);
	}
}

/** Finds the first listed word or phrase in a text, leftmost then longest. */
export class PhraseMatcher {
	private readonly root = node();
	size = 0;

	/** Entries that do not parse are skipped here: the rules check reports them before compiling. */
	add(entry: string): void {
		const parsed = parseParts(entry);
		if (!('parts' in parsed)) return;
		const added = this.insert(parsed.parts, entry, true);
		for (const variant of joinedVariants(parsed.parts)) this.insert(variant, entry, false);
		if (added) this.size++;
	}

	private insert(parts: Part[], entry: string, original: boolean): boolean {
		let at = this.root;
		parts.forEach((part, k) => {
			const link = linkOf(at, k === 0 ? 0 : (part.gap ?? DEFAULT_GAP), k > 0 && part.near === true);
			let child: TrieNode | undefined;
			if ('prefix' in part) {
				let slot = link.prefixes.find((p) => p.prefix === part.prefix);
				if (!slot) link.prefixes.push((slot = { prefix: part.prefix, node: node() }));
				child = slot.node;
			} else {
				if (original) addHeads(link, part.stem ?? part.exact);
				const stemmed = part.stem !== undefined;
				const slot = slotOf(link, part.stem ?? stemOf(part.exact));
				let target = slot.targets.find((t) => t.stemmed === stemmed && (stemmed || t.exact === part.exact));
				if (!target) slot.targets.push((target = { exact: part.exact, stemmed, node: node() }));
				child = target.node;
			}
			at = child;
		});
		if (at.entry !== null) return false;
		at.entry = entry;
		return true;
	}

	find(tokens: Token[], original: string): Found | null {
		if (this.size === 0) return null;
		const root = this.root.links[0];
		for (let i = 0; i < tokens.length; i++) {
			const hit = matchWord(root, tokens, original, i);
			if (hit) return { entry: hit.entry, quote: original.slice(tokens[i].start, tokens[hit.last].end) };
		}
		return null;
	}
}

type Hit = { entry: string; last: number };

const better = (hit: Hit | null, best: Hit | null): boolean => hit !== null && (best === null || hit.last > best.last);

/** Between two halves of a split compound: spaces, or one hyphen ("pre-allarme", "pre allarme"). */
const COMPOUND_GAP = /^(?:\s+|\s*[-‐‑]\s*)$/u;

/** The longest phrase from `link` whose word is token i (or tokens i and i+1 written as one). */
function matchWord(link: Link, tokens: Token[], original: string, i: number): Hit | null {
	const token = tokens[i];
	const word = token.text;
	let best: Hit | null = null;
	const slot = link.words.get(token.stem ?? stemOf(word));
	if (slot) {
		for (const target of slot.targets) {
			if (!accepts(target, word, token.accented)) continue;
			const hit = descend(target.node, tokens, original, i);
			if (better(hit, best)) best = hit;
		}
		const byLetter = slot.heads?.get(word);
		if (byLetter && i + 1 < tokens.length) {
			const hit = matchJoined(link, byLetter, tokens, original, i);
			if (better(hit, best)) best = hit;
		}
	}
	for (const p of link.prefixes) {
		if (!word.startsWith(p.prefix)) continue;
		const hit = descend(p.node, tokens, original, i);
		if (better(hit, best)) best = hit;
	}
	return best;
}

/** Tokens i and i+1 read as one word, when a listed word begins that way and only a space or a hyphen parts them. */
function matchJoined(link: Link, byLetter: Map<string, string[]>, tokens: Token[], original: string, i: number): Hit | null {
	const next = tokens[i + 1];
	const rests = byLetter.get(next.text[0]);
	if (!rests || !rests.some((rest) => next.text.startsWith(rest))) return null;
	if (!COMPOUND_GAP.test(original.slice(tokens[i].end, next.start))) return null;
	const joined = tokens[i].text + next.text;
	const slot = link.words.get(stemOf(joined));
	let best: Hit | null = null;
	for (const target of slot?.targets ?? []) {
		if (!accepts(target, joined, next.accented)) continue;
		const hit = descend(target.node, tokens, original, i + 1);
		if (better(hit, best)) best = hit;
	}
	return best;
}

/** Only words, spaces, hyphens, apostrophes and quotes: the words around still make one phrase. */
const PHRASE_GAP = /^[\p{L}\p{M}\p{N}\s'’‘"“”«»-]*$/u;
/** The end of a sentence or a line: a `~N` gap does not reach across it. */
const SENTENCE_END = /[.!?;…](?:\s|$)|[\r\n]/u;

/** May tokens strictly between `last` and `j` be skipped under this link's rule? */
function gapAllowed(link: Link, tokens: Token[], original: string, last: number, j: number): boolean {
	const between = original.slice(tokens[last].end, tokens[j].start);
	if (link.near) return !SENTENCE_END.test(between);
	return !FUNCTION_WORDS.has(tokens[j - 1].text) && PHRASE_GAP.test(between);
}

/** The longest phrase through `child`, whose word ended at token `last`. */
function descend(child: TrieNode, tokens: Token[], original: string, last: number): Hit | null {
	let best: Hit | null = null;
	for (const link of child.links) {
		for (let j = last + 1; j <= last + 1 + link.gap && j < tokens.length; j++) {
			if (j > last + 1 && !gapAllowed(link, tokens, original, last, j)) break;
			const hit = matchWord(link, tokens, original, j);
			if (better(hit, best)) best = hit;
		}
	}
	if (best) return best;
	return child.entry !== null ? { entry: child.entry, last } : null;
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
