// YouTube channel feeds: an Atom feed with yt:videoId and a media:group per video.
import type { EntryFields } from './items';
import { plainAsHtml, withBase } from './items';
import { attr, child, children, firstText, type XmlElement, type XmlNode } from './tree';

const FEED_BASE = 'https://www.youtube.com/feeds/videos.xml?channel_id=';
const CHANNEL_ID = /^UC[\w-]{22}$/;

/**
 * The feed URL for a channel id ("UC…"), a youtube.com/channel/UC… URL, or the feed URL itself.
 * Handles (@name), /c/ and /user/ URLs give null: their channel id is only on the channel page.
 */
export function youtubeFeedUrl(input: string): string | null {
	const value = input.trim();
	if (CHANNEL_ID.test(value)) return FEED_BASE + value;
	let url: URL;
	try {
		url = new URL(/^[a-z][\w+.-]*:\/\//i.test(value) ? value : `https://${value}`);
	} catch {
		return null;
	}
	if (!/(^|\.)youtube\.com$/i.test(url.hostname)) return null;
	const fromQuery = url.pathname === '/feeds/videos.xml' ? url.searchParams.get('channel_id') : null;
	if (fromQuery && CHANNEL_ID.test(fromQuery)) return FEED_BASE + fromQuery;
	const fromPath = /^\/channel\/(UC[\w-]{22})(?:\/|$)/.exec(url.pathname);
	return fromPath ? FEED_BASE + fromPath[1] : null;
}

export function isYoutubeFeed(feed: XmlElement): boolean {
	if (feed.$ && Object.keys(feed.$).some((name) => name.startsWith('xmlns:') && feed.$?.[name].includes('youtube.com/xml/schemas'))) {
		return true;
	}
	return children(child(feed, 'entry'), 'yt:videoId').length > 0;
}

export function readYoutubeEntry(entry: XmlNode, feedBase: string): EntryFields {
	const videoId = firstText(entry, 'yt:videoId').trim();
	const group = child(entry, 'media:group');
	const description = firstText(group, 'media:description') || firstText(entry, 'media:description');
	const thumbnail = attr(child(group, 'media:thumbnail'), 'url') ?? attr(child(entry, 'media:thumbnail'), 'url');
	const alternate = children(entry, 'link').find((link) => (attr(link, 'rel') ?? 'alternate') === 'alternate');
	const id = firstText(entry, 'id').trim();
	return {
		raw: {
			guid: id || (videoId ? `yt:video:${videoId}` : null),
			title: firstText(entry, 'title') || firstText(group, 'media:title'),
			summary: plainAsHtml(description),
			link: videoId ? `https://www.youtube.com/watch?v=${encodeURIComponent(videoId)}` : (attr(alternate, 'href') ?? null),
			publishedAt: firstText(entry, 'published') || null,
			updatedAt: firstText(entry, 'updated') || null,
			categories: [],
			image: thumbnail ?? null,
		},
		baseUrl: withBase(entry, feedBase),
		fallbackSummary: '',
	};
}

