// Reading a Facebook Page's posts or an Instagram account's media through the Graph API: a few pages
// at most, stopping early when Meta's usage headers say the app is near its limit.
import { BanditoreError } from '../errors';
import type { Fetcher, FetchOptions } from '../http/fetch';
import type { NewsItem } from '../item';
import { graphError, graphErrorOf, graphUrl, nextPageUrl, retryAdvice, usageOf, USAGE_STOP_PERCENT, type MetaGraphOptions, type SocialTarget } from './graph';
import { facebookItem, instagramItem, MEDIA_FIELDS, POST_FIELDS, sourceRef, type FacebookPost, type InstagramMedia, type PostResult } from './posts';

export interface SocialReadOptions extends Pick<FetchOptions, 'timeoutMs' | 'maxBytes' | 'userAgent'> {
	fetch: Fetcher;
	meta?: MetaGraphOptions;
	zone?: string;
	/** Source name shown on the items; by default the Page's name or the account's @name. */
	name?: string;
	/** Stop after this many items or pages, whichever comes first. */
	maxItems?: number;
	maxPages?: number;
}

export interface SocialRead {
	url: string;
	items: NewsItem[];
	warnings: string[];
}

export const DEFAULT_MAX_ITEMS = 50;
export const DEFAULT_MAX_PAGES = 3;
// Ask for the whole read in one call: Meta may still answer fewer (it caps heavy fields), and `next` says so.
const MAX_PAGE_SIZE = 100;

export async function readSocial(target: SocialTarget, options: SocialReadOptions): Promise<SocialRead> {
	const meta = options.meta;
	if (!meta?.accessToken) {
		throw new BanditoreError(
			'meta.no_token',
			`Reading ${target.kind === 'facebook' ? 'a Facebook Page' : 'an Instagram account'} needs the Page access token of the comune.`,
			'Add a Meta Graph API credential (n8n) or set BANDITORE_META_TOKEN (command line).',
		);
	}
	const maxItems = options.maxItems ?? DEFAULT_MAX_ITEMS;
	const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
	const edge = target.kind === 'facebook' ? 'posts' : 'media';
	const fields = target.kind === 'facebook' ? POST_FIELDS : MEDIA_FIELDS;
	const request = { timeoutMs: options.timeoutMs, maxBytes: options.maxBytes, userAgent: options.userAgent, accept: 'application/json', errorBodies: true, headers: { authorization: `Bearer ${meta.accessToken}` } };
	const raw: Array<FacebookPost | InstagramMedia> = [];
	const warnings: string[] = [];
	let next: string | null = graphUrl(meta, [target.id, edge], { fields, limit: String(Math.min(MAX_PAGE_SIZE, maxItems)) });
	for (let page = 0; next && page < maxPages && raw.length < maxItems; page++) {
		const response = await options.fetch(next, request);
		const usage = usageOf(response.headers);
		const body = parseJson(response.body);
		if (response.status < 200 || response.status >= 300 || graphErrorOf(body)) {
			const error = graphError(target, response.status, body, meta, usage);
			// What the first pages gave is still news: a later page failing only ends the read.
			if (page === 0) throw error;
			warnings.push(`Stopped after ${page} page${page === 1 ? '' : 's'}: ${error.describe()}`);
			break;
		}
		const data = (body as { data?: unknown } | null)?.data;
		if (!Array.isArray(data)) {
			throw new BanditoreError('meta.bad_answer', `The Graph API answered without a list of ${edge} for ${target.id}.`, 'Check the Graph API base URL and version.');
		}
		raw.push(...data.slice(0, maxItems - raw.length));
		next = nextPageUrl((body as { paging?: { next?: unknown } }).paging?.next, meta);
		if (next && usage.percent >= USAGE_STOP_PERCENT && raw.length < maxItems) {
			warnings.push(`Meta's rate limit is at ${usage.percent}% (${usage.header}): stopped reading further pages to keep the Page from being blocked; ${retryAdvice(usage)}.`);
			break;
		}
	}
	const owner = firstOwner(raw, target);
	const source = sourceRef(target.kind, target.id, options.name, owner);
	const zone = options.zone ?? 'Europe/Rome';
	const results: PostResult[] = raw.map((post) => (target.kind === 'facebook' ? facebookItem(post as FacebookPost, source, zone) : instagramItem(post as InstagramMedia, source, zone)));
	return {
		url: source.url,
		items: results.flatMap((result) => ('item' in result ? [result.item] : [])),
		warnings: [...results.flatMap((result) => ('skipped' in result ? [result.skipped] : [])), ...warnings],
	};
}

function firstOwner(raw: Array<FacebookPost | InstagramMedia>, target: SocialTarget): string | undefined {
	for (const post of raw) {
		const owner = target.kind === 'facebook' ? (post as FacebookPost).from?.name : (post as InstagramMedia).username;
		if (owner) return owner;
	}
	return undefined;
}

function parseJson(body: Buffer): unknown {
	try {
		return JSON.parse(body.toString('utf8'));
	} catch {
		return null;
	}
}
