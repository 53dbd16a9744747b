// Cross-posts (issue #14): a comune publishes a notice on its site, shares it on Facebook, posts a video
// on YouTube. The same notice is recognised by the page it links to, or by a nearly identical text a few
// days apart; of the copies, the richest is the one worth sending.
import type { NewsItem } from './item';
import { FUNCTION_WORDS } from './rules/italian';
import { tokenize } from './rules/match';
import { canonicalUrl } from './url';

export const DEFAULT_WINDOW_DAYS = 3;
/**
 * Share of the shorter text's words found in the other one. Measured on test/fixtures/crosspost/pairs.json
 * (see its README): its 21 cross-posts score 0.75 or more; of its 20 different notices, those the days
 * named do not already tell apart score at most 0.61 (the same service cut off the same day in other streets).
 */
export const TEXT_THRESHOLD = 0.7;
/** Fewer content words than this say too little to be told apart from another notice: the link decides. */
export const MIN_WORDS = 4;

export type CrossPostMatch = { kind: 'link'; url: string } | { kind: 'text'; similarity: number };

/** A site's home page is where many posts point: it does not name one notice. */
const HOME = /^[^/?]+(\/(index\.(php|html?)|home))?$/i;

/** The page an item stands for, in canonical form: a social post's shared page, else its own link. */
export function linkKey(item: Pick<NewsItem, 'link' | 'sharedLink'>): string | null {
	return pageOf(item.sharedLink) ?? pageOf(item.link);
}

/** Every page an item names (its link and the page it shares): another item standing for one of them is the same notice. */
export function linkKeys(item: Pick<NewsItem, 'link' | 'sharedLink'>): string[] {
	return [...new Set([pageOf(item.sharedLink), pageOf(item.link)].filter((key): key is string => key !== null))];
}

function pageOf(url: string | null | undefined): string | null {
	const key = canonicalUrl(url);
	return key === null || HOME.test(key) ? null : key;
}

const SOCIAL_KINDS = new Set(['facebook', 'instagram', 'youtube']);
const SOCIAL_HOSTS = /(^|\.)(facebook\.com|fb\.com|fb\.watch|instagram\.com|youtube\.com|youtu\.be|x\.com|twitter\.com|t\.me|tiktok\.com|threads\.net)$/i;

/** Read from a social account, or linking to a social permalink rather than to the comune's site. */
export function isSocial(item: Pick<NewsItem, 'link' | 'source'>): boolean {
	// Items come from callers too (the scheduler's API): a source may be missing.
	if (SOCIAL_KINDS.has(item.source?.kind ?? '')) return true;
	const key = canonicalUrl(item.link);
	return key !== null && SOCIAL_HOSTS.test(key.split(/[/?]/)[0]);
}

/** What makes a copy worth sending over another: the site's own page, then an image. */
export type Richer = 'site' | 'image';

/** Why `a` is richer than `b`, or null when it is not: the site's link beats a social permalink, an image beats none. */
export function richerThan(a: Pick<NewsItem, 'link' | 'source' | 'image'>, b: Pick<NewsItem, 'link' | 'source' | 'image'>): Richer | null {
	const social = [isSocial(a), isSocial(b)];
	if (social[0] !== social[1]) return social[0] ? null : 'site';
	return a.image && !b.image ? 'image' : null;
}

const MONTHS: Record<string, number> = {
	gennaio: 1, febbraio: 2, marzo: 3, aprile: 4, maggio: 5, giugno: 6, luglio: 7, agosto: 8, settembre: 9, ottobre: 10, novembre: 11, dicembre: 12,
	gen: 1, feb: 2, mar: 3, apr: 4, mag: 5, giu: 6, lug: 7, ago: 8, set: 9, sett: 9, ott: 10, nov: 11, dic: 12,
};
/** Words that join the days of one month: "dal 12 al 14 marzo", "mercoledì 4 e giovedì 5 novembre". */
const DAY_JOINERS = new Set(['dal', 'al', 'e', 'ed', 'a', 'o', 'fino', 'tra', 'fra', 'lunedi', 'martedi', 'mercoledi', 'giovedi', 'venerdi', 'sabato', 'domenica']);
/** Words of posts that only point elsewhere ("Leggi di più", "link in bio") and of any notice. */
const NOISE = new Set(
	('leggi piu continua leggere scopri clicca qui link bio sito articolo completo dettagli info informazioni maggiori ' +
		'comune si sono e stato stata sara questo questa questi queste anche tutti tutte tutto ogni nostro nostra vostro vostra ' +
		'ore gli loro essere ha hanno puo possono').split(' '),
);
/** What may sit between the days of one date: spaces, commas, dashes, the ordinal sign of "1°". */
const JOINED = /^[\s,\-–°º]*$/;
const URLS = /\b(?:https?:\/\/|www\.)\S+/gi;
const TAGS = /[#@][\p{L}\p{N}_]+/gu;
const NUMERIC_DATE = /\b(\d{1,2})\/(\d{1,2})(?:\/\d{2,4})?\b|\b(\d{1,2})[.-](\d{1,2})[.-]\d{2,4}\b/g;

/** An item's text reduced to what tells notices apart: its content words (stems) and the days it names. */
export interface Gist {
	words: Set<string>;
	/** "12-3" for 12 March: days named with their month, in words or figures. */
	dates: Set<string>;
}

export function gist(item: Pick<NewsItem, 'title' | 'summary'>): Gist {
	const text = `${item.title ?? ''}\n${item.summary ?? ''}`.replace(URLS, ' ').replace(TAGS, ' ');
	const dates = new Set<string>();
	for (const m of text.matchAll(NUMERIC_DATE)) addDate(dates, Number(m[1] ?? m[3]), Number(m[2] ?? m[4]));
	const plain = text.replace(NUMERIC_DATE, ' ');
	const found = tokenize(plain);
	const tokens = found.map((token) => token.text);
	const words = new Set<string>();
	tokens.forEach((word, i) => {
		const month = MONTHS[word];
		if (month !== undefined) {
			// Back from the month over days and joining words, not across a full stop ("dalle 8 alle 18. Lunedì 2 novembre").
			for (let j = i - 1; j >= 0 && j >= i - 6 && JOINED.test(plain.slice(found[j].end, found[j + 1].start)); j--) {
				if (/^\d{1,2}$/.test(tokens[j])) addDate(dates, Number(tokens[j]), month);
				else if (!DAY_JOINERS.has(tokens[j])) break;
			}
			return;
		}
		if (/^\d+$/.test(word) || FUNCTION_WORDS.has(word) || NOISE.has(word) || word.length < 2) return;
		words.add(found[i].stem ?? word);
	});
	return { words, dates };
}

function addDate(dates: Set<string>, day: number, month: number): void {
	if (day >= 1 && day <= 31 && month >= 1 && month <= 12) dates.add(`${day}-${month}`);
}

/** Share of the shorter text's words that the other one has too (0 when either says too little). */
export function similarity(a: Gist, b: Gist): number {
	const [small, large] = a.words.size <= b.words.size ? [a.words, b.words] : [b.words, a.words];
	if (small.size < MIN_WORDS) return 0;
	let shared = 0;
	for (const word of small) if (large.has(word)) shared++;
	return shared / small.size;
}

/**
 * Each names a day the other does not: two notices of one series, the same closure on another day. A
 * copy may name fewer days than the notice (a post cut short), not others.
 */
export function datesDiffer(a: Gist, b: Gist): boolean {
	const missing = (from: Set<string>, to: Set<string>) => [...from].some((date) => !to.has(date));
	return missing(a.dates, b.dates) && missing(b.dates, a.dates);
}

export interface MatchOptions {
	/** How far apart two publications of one notice may be, in days. */
	windowDays?: number;
	threshold?: number;
}

type Comparable = Pick<NewsItem, 'title' | 'summary' | 'link' | 'sharedLink' | 'publishedAt' | 'source'>;

/**
 * Two sources, both known: one source publishing two items under two links publishes two notices (a
 * feed whose summaries are all "Dettagli sul sito" must not merge them); a cross-post comes from elsewhere.
 */
export function otherSources(a: Pick<NewsItem, 'source'>, b: Pick<NewsItem, 'source'>): boolean {
	const [x, y] = [canonicalUrl(a.source?.url), canonicalUrl(b.source?.url)];
	return x !== null && y !== null && x !== y;
}

/**
 * Whether `b` is the same notice as `a`, and how it was told: the same page (an edited notice, a post
 * sharing it), else, from another source, nearly the same words a few days apart naming no other days.
 */
export function sameNotice(a: Comparable, b: Comparable, options: MatchOptions = {}): CrossPostMatch | null {
	const keys = new Set(linkKeys(a));
	const shared = linkKeys(b).find((key) => keys.has(key));
	if (shared) return { kind: 'link', url: shared };
	const windowMs = (options.windowDays ?? DEFAULT_WINDOW_DAYS) * 86_400_000;
	if (windowMs <= 0 || !otherSources(a, b)) return null;
	if (a.publishedAt && b.publishedAt && Math.abs(Date.parse(a.publishedAt) - Date.parse(b.publishedAt)) > windowMs) return null;
	const [ga, gb] = [gist(a), gist(b)];
	if (datesDiffer(ga, gb)) return null;
	const score = similarity(ga, gb);
	return score >= (options.threshold ?? TEXT_THRESHOLD) ? { kind: 'text', similarity: Math.round(score * 100) / 100 } : null;
}

/**
 * The earlier item `item` repeats, among `earlier` (most recent first): one naming the same page wins
 * over one with a similar text; among similar texts, the most similar.
 */
export function findOriginal<T extends { item: Comparable }>(item: Comparable, earlier: readonly T[], options: MatchOptions = {}): { original: T; match: CrossPostMatch } | null {
	let best: { original: T; match: CrossPostMatch } | null = null;
	for (const candidate of earlier) {
		const match = sameNotice(candidate.item, item, options);
		if (!match) continue;
		if (match.kind === 'link') return { original: candidate, match };
		if (!best || (best.match.kind === 'text' && match.similarity > best.match.similarity)) best = { original: candidate, match };
	}
	return best;
}
