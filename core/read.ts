// Reading one source end to end: fetch politely, decode, recognise what it is, parse, normalise.
import { checkDeadline } from './deadline';
import { decodeDocument } from './encoding';
import { BanditoreError } from './errors';
import { looksLikeFeed, parseFeed, youtubeFeedUrl } from './feed';
import { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, gunzipIfCompressed, type Fetcher, type FetchOptions, type Validators } from './http/fetch';
import { discoverSources, detectPreset, mergeDetail, parseDetailPage, parseListing } from './html';
import type { CustomSelectors, PresetName } from './html';
import type { NewsItem, SourceKind } from './item';
import { readSocial, socialTarget, type MetaGraphOptions } from './social';

/** How a source may be read; auto: a feed as a feed, a page built on a known template with its preset. */
export const SOURCE_KIND_OPTIONS = ['auto', 'rss', 'html', 'youtube', 'facebook', 'instagram'] as const;
export type SourceKindOption = (typeof SOURCE_KIND_OPTIONS)[number];

export interface SourceConfig {
	url: string;
	/** auto: a feed is read as a feed, a page built on a known template with its preset. */
	kind?: SourceKindOption;
	preset?: PresetName | 'auto';
	selectors?: CustomSelectors;
	/** Shown as the item's source name; defaults to the feed or page title. */
	name?: string;
	/** Visit each item's page for the full date and text (listings show little). */
	fetchDetails?: boolean;
}

export interface ReadOptions extends Omit<FetchOptions, 'validators'> {
	fetch: Fetcher;
	now?: Date;
	zone?: string;
	/** Remembered from the previous read of this source, for a conditional GET. */
	validators?: Validators;
	/** At most this many detail pages a read (they cost one request each). */
	maxDetailPages?: number;
	/** The Page access token and Graph API address, for Facebook and Instagram sources. */
	meta?: MetaGraphOptions;
}

export interface ReadResult {
	url: string;
	kind: SourceKind | null;
	/** The server said nothing changed since the validators: nothing was parsed. */
	notModified: boolean;
	items: NewsItem[];
	warnings: string[];
	validators: Validators;
}

/** The bytes of a document, whatever brought them (HTTP, a file, a benchmark). */
export interface DocumentInput {
	body: Uint8Array;
	url: string;
	contentType?: string | null;
}

export interface ParsedDocument {
	kind: SourceKind;
	items: NewsItem[];
	warnings: string[];
	/** For pages that are not listings themselves: where the news and events are. */
	follow: string[];
}

export interface ParseOptions {
	now?: Date;
	zone?: string;
	/** Read the pages a home page leads to (only from the page asked for). */
	follow?: boolean;
	/** Epoch ms by which parsing must be over: past it, a clear 'timeout' error. */
	deadline?: number;
	/** Cap on a gzip file's decompressed size. */
	maxBytes?: number;
}

export async function readSource(config: SourceConfig, options: ReadOptions, hop = 0): Promise<ReadResult> {
	// Facebook and Instagram are read through Meta's Graph API, not as documents (core/social).
	const social = socialTarget(config.url, config.kind);
	if (social) {
		const read = await readSocial(social, { ...options, name: config.name });
		return { url: read.url, kind: social.kind, notModified: false, items: read.items, warnings: read.warnings, validators: {} };
	}
	const kind = config.kind ?? 'auto';
	const url = kind === 'youtube' ? (youtubeFeedUrl(config.url) ?? config.url) : config.url;
	// Download and parsing share the one budget --timeout gives.
	const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
	const response = await options.fetch(url, { ...options, validators: options.validators });
	if (response.notModified) {
		return { url, kind: null, notModified: true, items: [], warnings: [], validators: response.validators };
	}
	const parsed = await parseDocument({ body: response.body, url: response.url, contentType: response.contentType }, config, {
		now: options.now,
		zone: options.zone,
		maxBytes: options.maxBytes,
		follow: hop === 0,
		deadline,
	});
	let { items, warnings } = parsed;
	if (parsed.follow.length > 0) {
		// A home page: read the news and events pages it links to (one hop, no conditional GET).
		const followed = await Promise.allSettled(
			parsed.follow.map((next) => readSource({ ...config, url: next }, { ...options, validators: undefined }, hop + 1)),
		);
		// The first page (the Novità list, or the feed) is the source; the events list is a best guess
		// (it may be the "Vivere il comune" section): when it cannot be read, the news still come.
		const [main, ...others] = followed;
		if (main.status === 'rejected') throw main.reason;
		const read = [main.value, ...others.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))];
		items = dedupe(read.flatMap((result) => result.items));
		warnings = [
			...warnings,
			...read.flatMap((result) => result.warnings),
			...others.flatMap((result, index) =>
				result.status === 'rejected' ? [`Could not read ${parsed.follow[index + 1]}: ${describe(result.reason)}`] : [],
			),
		];
		// No validators: the home page being unchanged says nothing about the listings it links to.
		return { url, kind: main.value.kind ?? parsed.kind, notModified: false, items, warnings, validators: {} };
	}
	if (config.fetchDetails && parsed.kind === 'html') {
		items = await withDetails(items, options, warnings);
	}
	return { url, kind: parsed.kind, notModified: false, items, warnings, validators: response.validators };
}

/** Parse bytes already in hand. Shared by readSource, the CLI on local files and the benchmark. */
export async function parseDocument(
	input: DocumentInput,
	config: Omit<SourceConfig, 'url'>,
	options: ParseOptions = {},
): Promise<ParsedDocument> {
	const { deadline } = options;
	const body = gunzipIfCompressed(Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength), options.maxBytes ?? DEFAULT_MAX_BYTES, input.url);
	const decoded = decodeDocument(body, { contentType: input.contentType });
	const { text } = decoded;
	const notes = decoded.invalidUtf8 ? [`${input.url} is not valid UTF-8: it was read as Windows-1252 (Latin-1), so some accented letters may be wrong.`] : [];
	checkDeadline(deadline, input.url);
	const parsed = await parseText(text, input.url, config, options);
	checkDeadline(deadline, input.url);
	return notes.length ? { ...parsed, warnings: [...notes, ...parsed.warnings] } : parsed;
}

async function parseText(text: string, url: string, config: Omit<SourceConfig, 'url'>, options: ParseOptions): Promise<ParsedDocument> {
	const { deadline } = options;
	const kind = config.kind ?? 'auto';
	const ctx = { url, name: config.name, now: options.now, zone: options.zone, deadline };
	if (kind === 'rss' || ((kind === 'auto' || kind === 'youtube') && looksLikeFeed(text))) {
		const feed = await parseFeed(text, ctx);
		return { kind: feed.kind, items: feed.items, warnings: [], follow: [] };
	}
	if (kind === 'youtube') {
		// A channel page (youtube.com/@name): its head links the uploads feed.
		const feed = discoverSources(text, url).feeds.find((found) => found.type === 'youtube');
		// Only from the page asked for: a "feed" that turns out to be a page again must not lead on and on.
		if (feed && options.follow !== false) return { kind: 'youtube', items: [], warnings: [], follow: [feed.url] };
		throw new BanditoreError('not_a_feed', `${url} is not a YouTube channel or its feed.`, 'Give the channel address (youtube.com/channel/UC… or youtube.com/@name) or its id.');
	}
	if (config.selectors || (config.preset && config.preset !== 'auto')) {
		const listing = parseListing(text, { ...ctx, preset: config.preset, selectors: config.selectors });
		return { kind: 'html', items: listing.items, warnings: listing.warnings, follow: [] };
	}
	const discovery = discoverSources(text, url);
	checkDeadline(deadline, url);
	const { news, events } = discovery;
	const follow = options.follow !== false;
	const template = detectPreset(text) !== null;
	const onListing = [news, events].some((page) => page && sameUrl(page, url));
	if (follow && news && !onListing) {
		// A page on a known template with news cards of its own is a listing even when its menu links
		// elsewhere: a category (/novita/notizie), a later page of the list, a saved copy read from a
		// file. Only the site root is followed regardless: its few "in evidenza" cards are not the list.
		const own = template && !isSiteRoot(url) ? listingOrNull(text, ctx) : null;
		if (own) return own;
		// A home page: its menu leads to the Novità and events listings.
		return { kind: 'html', items: [], warnings: [], follow: events ? [news, events] : [news] };
	}
	if (template) {
		const listing = parseListing(text, { ...ctx, preset: 'auto' });
		return { kind: 'html', items: listing.items, warnings: listing.warnings, follow: [] };
	}
	const feed = discovery.feeds[0];
	if (feed && kind === 'auto' && follow) return { kind: 'html', items: [], warnings: [], follow: [feed.url] };
	// Let the listing reader say which templates it knows and what to do instead.
	const listing = parseListing(text, { ...ctx, preset: 'auto' });
	return { kind: 'html', items: listing.items, warnings: listing.warnings, follow: [] };
}

/** The page's own cards, or null when the templates find none on it. */
function listingOrNull(text: string, ctx: { url: string; name?: string; now?: Date; zone?: string; deadline?: number }): ParsedDocument | null {
	try {
		const listing = parseListing(text, { ...ctx, preset: 'auto' });
		return { kind: 'html', items: listing.items, warnings: listing.warnings, follow: [] };
	} catch (error) {
		if (error instanceof BanditoreError && error.code === 'no_matches') return null;
		throw error;
	}
}

const HOME_NAMES = /^(?:(?:index|home|default|home-page|homepage)(?:\.\w+)?|it)?$/i;
const HTML_FILE = /\.x?html?$/i;

/** A comune's home page: the root of its site, or the usual names for it; a saved copy by its file name. */
function isSiteRoot(url: string): boolean {
	try {
		const { protocol, pathname } = new URL(url);
		if (protocol === 'file:') return HOME_NAMES.test(pathname.slice(pathname.lastIndexOf('/') + 1)) && HTML_FILE.test(pathname);
		return HOME_NAMES.test(pathname.replace(/^\/|\/$/g, ''));
	} catch {
		return false;
	}
}

async function withDetails(items: NewsItem[], options: ReadOptions, warnings: string[]): Promise<NewsItem[]> {
	const limit = options.maxDetailPages ?? 30;
	const out = [...items];
	const queue = out.map((item, index) => ({ item, index })).filter(({ item }) => item.link).slice(0, limit);
	const worker = async () => {
		for (let next = queue.shift(); next; next = queue.shift()) {
			const { item, index } = next;
			try {
				const page = await options.fetch(item.link, { ...options, validators: undefined });
				const { text } = decodeDocument(page.body, { contentType: page.contentType });
				const detail = parseDetailPage(text, { url: page.url, now: options.now, zone: options.zone });
				out[index] = mergeDetail(item, detail, options.zone);
			} catch (error) {
				warnings.push(`Could not read the page of "${item.title}": ${describe(error)}`);
			}
		}
	};
	// Two at a time: a comune's server is small.
	await Promise.all([worker(), worker()]);
	return out;
}

function describe(error: unknown): string {
	return error instanceof BanditoreError ? error.message : String(error);
}

function sameUrl(a: string, b: string): boolean {
	const strip = (u: string) => u.replace(/#.*$/, '').replace(/\/$/, '');
	return strip(a) === strip(b);
}

export function dedupe(items: NewsItem[]): NewsItem[] {
	const seen = new Set<string>();
	return items.filter((item) => !seen.has(item.id) && !!seen.add(item.id));
}
