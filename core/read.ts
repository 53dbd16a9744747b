// Reading one source end to end: fetch politely, decode, recognise what it is, parse, normalise.
import { decodeDocument } from './encoding';
import { BanditoreError } from './errors';
import { looksLikeFeed, parseFeed, youtubeFeedUrl } from './feed';
import type { Fetcher, FetchOptions, Validators } from './http/fetch';
import { discoverSources, detectPreset, parseDetailPage, parseListing } from './html';
import type { CustomSelectors, PresetName } from './html';
import type { NewsItem, SourceKind } from './item';

export type SourceKindOption = 'auto' | 'rss' | 'html' | 'youtube';

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

export async function readSource(config: SourceConfig, options: ReadOptions, hop = 0): Promise<ReadResult> {
	const kind = config.kind ?? 'auto';
	const url = kind === 'youtube' ? (youtubeFeedUrl(config.url) ?? config.url) : config.url;
	const response = await options.fetch(url, { ...options, validators: options.validators });
	if (response.notModified) {
		return { url, kind: null, notModified: true, items: [], warnings: [], validators: response.validators };
	}
	const parsed = await parseDocument({ body: response.body, url: response.url, contentType: response.contentType }, config, {
		...options,
		follow: hop === 0,
	});
	let { items, warnings } = parsed;
	if (parsed.follow.length > 0) {
		// A home page: read the news and events pages it links to (one hop, no conditional GET).
		const followed = await Promise.all(
			parsed.follow.map((next) => readSource({ ...config, url: next }, { ...options, validators: undefined }, hop + 1)),
		);
		items = dedupe(followed.flatMap((result) => result.items));
		warnings = [...warnings, ...followed.flatMap((result) => result.warnings)];
		// No validators: the home page being unchanged says nothing about the listings it links to.
		return { url, kind: followed[0]?.kind ?? parsed.kind, notModified: false, items, warnings, validators: {} };
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
	options: { now?: Date; zone?: string; follow?: boolean } = {},
): Promise<ParsedDocument> {
	const { text } = decodeDocument(input.body, { contentType: input.contentType });
	const kind = config.kind ?? 'auto';
	const ctx = { url: input.url, name: config.name, now: options.now, zone: options.zone };
	if (kind === 'rss' || ((kind === 'auto' || kind === 'youtube') && looksLikeFeed(text))) {
		const feed = await parseFeed(text, ctx);
		return { kind: feed.kind, items: feed.items, warnings: [], follow: [] };
	}
	if (kind === 'youtube') {
		// A channel page (youtube.com/@name): its head links the uploads feed.
		const feed = discoverSources(text, input.url).feeds.find((found) => found.type === 'youtube');
		if (feed) return { kind: 'youtube', items: [], warnings: [], follow: [feed.url] };
		throw new BanditoreError('not_a_feed', `${input.url} is not a YouTube channel or its feed.`, 'Give the channel address (youtube.com/channel/UC… or youtube.com/@name) or its id.');
	}
	if (config.selectors || (config.preset && config.preset !== 'auto')) {
		const listing = parseListing(text, { ...ctx, preset: config.preset, selectors: config.selectors });
		return { kind: 'html', items: listing.items, warnings: listing.warnings, follow: [] };
	}
	const discovery = discoverSources(text, input.url);
	const { news, events } = discovery;
	const onListing = [news, events].some((page) => page && sameUrl(page, input.url));
	if (options.follow !== false && news && !onListing) {
		// A home page: its menu leads to the Novità and events listings.
		return { kind: 'html', items: [], warnings: [], follow: events ? [news, events] : [news] };
	}
	if (detectPreset(text)) {
		const listing = parseListing(text, { ...ctx, preset: 'auto' });
		return { kind: 'html', items: listing.items, warnings: listing.warnings, follow: [] };
	}
	const feed = discovery.feeds[0];
	if (feed && kind === 'auto' && options.follow !== false) return { kind: 'html', items: [], warnings: [], follow: [feed.url] };
	// Let the listing reader say which templates it knows and what to do instead.
	const listing = parseListing(text, { ...ctx, preset: 'auto' });
	return { kind: 'html', items: listing.items, warnings: listing.warnings, follow: [] };
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
				out[index] = {
					...item,
					title: item.title || detail.title || '',
					summary: longer(item.summary, detail.summary),
					publishedAt: detail.publishedAt ?? item.publishedAt,
					updatedAt: detail.updatedAt ?? detail.publishedAt ?? item.updatedAt,
					image: item.image ?? detail.image ?? null,
				};
			} catch (error) {
				const reason = error instanceof BanditoreError ? error.message : String(error);
				warnings.push(`Could not read the page of "${item.title}": ${reason}`);
			}
		}
	};
	// Two at a time: a comune's server is small.
	await Promise.all([worker(), worker()]);
	return out;
}

function longer(a: string, b: string | undefined): string {
	return b && b.length > a.length ? b : a;
}

function sameUrl(a: string, b: string): boolean {
	const strip = (u: string) => u.replace(/#.*$/, '').replace(/\/$/, '');
	return strip(a) === strip(b);
}

export function dedupe(items: NewsItem[]): NewsItem[] {
	const seen = new Set<string>();
	return items.filter((item) => !seen.has(item.id) && !!seen.add(item.id));
}
