// From a homepage (or a YouTube channel page) to the things worth reading: its feeds, the Novità
// list and the events list. The model's data-element hooks are required for PNRR compliance checks,
// so they are the most stable signposts on a comune's site.
import { htmlToText } from '../text';
import { absoluteUrl } from '../url';
import type { CheerioAPI } from '../vendor';
import { isElement, loadPage, pageBase } from './dom';

export interface DiscoveredFeed {
	url: string;
	title: string | null;
	type: 'rss' | 'atom' | 'youtube';
}

export interface Discovery {
	feeds: DiscoveredFeed[];
	news: string | null;
	events: string | null;
}

const FEED_TYPES = /^application\/(rss|atom|rdf)\+xml$/i;
const YOUTUBE_FEED = /^https?:\/\/(?:www\.)?youtube\.com\/feeds\/videos\.xml\?/i;
const CHANNEL_ID = /^UC[\w-]{22}$/;
const EVENTS_PATH = /(?:^|\/)eventi(?:\.html?)?\/?$/i;

export function discoverSources(html: string, url: string): Discovery {
	const $ = loadPage(html);
	return findSources($, pageBase($, url));
}

export function findSources($: CheerioAPI, base: string): Discovery {
	return { feeds: findFeeds($, base), news: findNews($, base), events: findEvents($, base) };
}

function findFeeds($: CheerioAPI, base: string): DiscoveredFeed[] {
	const feeds: DiscoveredFeed[] = [];
	const seen = new Set<string>();
	const add = (feed: DiscoveredFeed) => {
		if (!seen.has(feed.url)) {
			seen.add(feed.url);
			feeds.push(feed);
		}
	};
	$('link[href]').each((_, el) => {
		const rel = (el.attribs.rel ?? '').toLowerCase().split(/\s+/);
		if (!rel.includes('alternate')) return;
		const type = (el.attribs.type ?? '').trim();
		const url = absoluteUrl(el.attribs.href, base);
		if (!url) return;
		const youtube = YOUTUBE_FEED.test(url);
		if (!youtube && !FEED_TYPES.test(type)) return;
		const title = el.attribs.title?.trim() || null;
		// YouTube titles its channel feed just "RSS": the channel's name says more.
		const named = youtube && (!title || /^rss$/i.test(title)) ? pageTitle($) ?? title : title;
		add({ url, title: named, type: youtube ? 'youtube' : /atom/i.test(type) ? 'atom' : 'rss' });
	});
	if (!feeds.some((feed) => feed.type === 'youtube') && isYouTube(base)) {
		const channel = youtubeChannelId($);
		if (channel) {
			add({ url: `https://www.youtube.com/feeds/videos.xml?channel_id=${channel}`, title: pageTitle($), type: 'youtube' });
		}
	}
	return feeds;
}

/** A channel page without the feed <link>: the id is still in its metadata or canonical URL. */
function youtubeChannelId($: CheerioAPI): string | null {
	const candidates = [
		$('meta[itemprop="channelId"]').attr('content'),
		$('meta[itemprop="identifier"]').attr('content'),
		/\/channel\/(UC[\w-]{22})/.exec($('link[rel="canonical"]').attr('href') ?? '')?.[1],
		/\/channel\/(UC[\w-]{22})/.exec($('meta[property="og:url"]').attr('content') ?? '')?.[1],
	];
	return candidates.find((value): value is string => !!value && CHANNEL_ID.test(value)) ?? null;
}

function pageTitle($: CheerioAPI): string | null {
	return htmlToText($('meta[property="og:title"]').attr('content') ?? '') || htmlToText($('title').first().text()) || null;
}

function isYouTube(url: string): boolean {
	try {
		return /(?:^|\.)youtube\.com$/i.test(new URL(url).hostname);
	} catch {
		return false;
	}
}

function findNews($: CheerioAPI, base: string): string | null {
	const hooked = linkOf($, 'a[data-element="news"]', base);
	if (hooked) return hooked;
	// Sites without the hooks: a link that just says "Novità" or "Notizie".
	let found: string | null = null;
	$('a[href]').each((_, el) => {
		if (!/^(?:novit[àa]|notizie|news)$/i.test(htmlToText($(el).text()))) return undefined;
		// A menu toggle (href="#" or "javascript:…") is not the list: look on.
		const url = el.attribs.href.trim().startsWith('#') ? null : absoluteUrl(el.attribs.href, base);
		if (url && /^https?:/i.test(url)) {
			found = url;
			return false;
		}
		return undefined;
	});
	return found;
}

/** The events list itself when the page links it, else the "Vivere il comune" section that holds it. */
function findEvents($: CheerioAPI, base: string): string | null {
	const button = linkOf($, 'a[data-element="live-button-events"]', base);
	if (button) return button;
	let found: string | null = null;
	$('a[href]').each((_, el) => {
		const url = absoluteUrl(el.attribs.href, base);
		if (url && sameSite(url, base) && EVENTS_PATH.test(new URL(url).pathname)) {
			found = url;
			return false;
		}
		return undefined;
	});
	return found ?? linkOf($, 'a[data-element="live"]', base);
}

function linkOf($: CheerioAPI, selector: string, base: string): string | null {
	const href = $(selector)
		.toArray()
		.map((el) => (isElement(el) ? el.attribs.href?.trim() : undefined))
		.find((value) => value && !value.startsWith('#'));
	return absoluteUrl(href, base);
}

function sameSite(url: string, base: string): boolean {
	try {
		return new URL(url).host === new URL(base).host;
	} catch {
		return false;
	}
}
