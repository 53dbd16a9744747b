// Facebook Page posts and Instagram media as news items: the text gives the title and summary, the
// permalink is the link, and the page a post shares (the comune's own notice, often) is kept apart.
// Fields as Meta documents them: https://developers.facebook.com/docs/graph-api/reference/page/feed/,
// https://developers.facebook.com/docs/graph-api/reference/story-attachment/ and
// https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-media
import { toInstant } from '../dates';
import type { NewsItem, SourceRef } from '../item';
import { foldWhitespace } from '../text';
import { cut } from '../whatsapp/compose';
import type { SocialKind } from './graph';

/** What we ask for, and all we read: the fields of the posts edge and of the media edge. */
export const POST_FIELDS = 'id,message,created_time,permalink_url,full_picture,from{id,name},attachments{media_type,type,url,unshimmed_url,title,description,media}';
export const MEDIA_FIELDS = 'id,caption,timestamp,permalink,media_type,media_url,thumbnail_url,username';

export interface FacebookPost {
	id?: string;
	message?: string;
	created_time?: string;
	permalink_url?: string;
	full_picture?: string;
	from?: { id?: string; name?: string };
	attachments?: { data?: Attachment[] };
}

interface Attachment {
	media_type?: string;
	type?: string;
	url?: string;
	unshimmed_url?: string;
	title?: string;
	description?: string;
	media?: { image?: { src?: string } };
}

export interface InstagramMedia {
	id?: string;
	caption?: string;
	timestamp?: string;
	permalink?: string;
	media_type?: string;
	media_url?: string;
	thumbnail_url?: string;
	username?: string;
}

/** A post as an item, or the reason it is not one (no text and no link: a bare photo). */
export type PostResult = { item: NewsItem } | { skipped: string };

const TITLE_MAX = 120;
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"')\]]+/i;
const URLS_IN_TEXT = new RegExp(URL_IN_TEXT.source, 'gi');
const FACEBOOK_HOSTS = /(^|\.)(facebook|fb|instagram)\.com$|(^|\.)fb\.me$/i;

export function facebookItem(post: FacebookPost, source: SourceRef, zone: string): PostResult {
	const id = String(post.id ?? '');
	const attachment = post.attachments?.data?.find((found) => found.media_type === 'link' || found.type === 'share') ?? null;
	const text = plain(post.message);
	const sharedLink = externalUrl(attachment?.unshimmed_url) ?? externalUrl(unshim(attachment?.url)) ?? linkInText(text);
	const heading = text || plain(attachment?.title) || '';
	if (!heading && !sharedLink) return { skipped: `Facebook post ${id || '(no id)'} has no text and no link: skipped.` };
	const { title, summary } = titleAndSummary(heading || hostOf(sharedLink!), text ? '' : plain(attachment?.description));
	const picture = post.full_picture ?? post.attachments?.data?.map((found) => found.media?.image?.src).find(Boolean) ?? null;
	const publishedAt = toInstant(graphTime(post.created_time), { zone });
	return {
		item: {
			id: `facebook:${id}`,
			title,
			summary,
			link: post.permalink_url ?? `https://www.facebook.com/${encodeURIComponent(id)}`,
			publishedAt,
			// Not updated_time: Meta moves it when someone comments, not only when the comune edits.
			updatedAt: publishedAt,
			categories: [],
			image: picture,
			sharedLink,
			source,
		},
	};
}

export function instagramItem(media: InstagramMedia, source: SourceRef, zone: string): PostResult {
	const id = String(media.id ?? '');
	const text = plain(media.caption);
	const sharedLink = linkInText(text);
	if (!text) return { skipped: `Instagram post ${id || '(no id)'} has no caption: skipped.` };
	const { title, summary } = titleAndSummary(text, '');
	const publishedAt = toInstant(graphTime(media.timestamp), { zone });
	return {
		item: {
			id: `instagram:${id}`,
			title,
			summary,
			link: media.permalink ?? '',
			publishedAt,
			updatedAt: publishedAt,
			categories: [],
			// A video's media_url is the video: its thumbnail is the picture.
			image: (media.media_type === 'VIDEO' ? media.thumbnail_url : media.media_url) ?? media.thumbnail_url ?? null,
			sharedLink,
			source,
		},
	};
}

/**
 * The first line as the title when it is short, else its first sentence, else its start cut at a
 * word; the rest of the text is the summary (all of it when the title had to be cut).
 */
export function titleAndSummary(text: string, fallbackSummary: string): { title: string; summary: string } {
	const lines = text.split('\n');
	// An address reads badly as a title; the page it names stays in sharedLink.
	const first = lines[0].replace(URLS_IN_TEXT, '').replace(/\s{2,}/g, ' ').replace(/[\s:–—-]+$/, '').trim() || lines[0].trim();
	const rest = lines.slice(1).join('\n').trim();
	if ([...first].length <= TITLE_MAX) return { title: first, summary: rest || fallbackSummary };
	const sentence = /^(.{20,}?[.!?])\s+(?=\S)/u.exec(first);
	if (sentence && [...sentence[1]].length <= TITLE_MAX) {
		return { title: sentence[1], summary: [first.slice(sentence[0].length), rest].filter(Boolean).join('\n') };
	}
	return { title: cut(first, TITLE_MAX), summary: text };
}

/** Meta writes offsets without a colon (2026-11-23T08:00:00+0000). */
function graphTime(value: string | undefined): string | null {
	return value ? value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2') : null;
}

function plain(value: string | undefined): string {
	return value ? foldWhitespace(value, true) : '';
}

/** Facebook wraps outgoing links in l.facebook.com/l.php?u=…: the page is in `u`. */
function unshim(url: string | undefined): string | undefined {
	if (!url) return undefined;
	try {
		const parsed = new URL(url);
		return /(^|\.)facebook\.com$/i.test(parsed.hostname) && parsed.pathname === '/l.php' ? (parsed.searchParams.get('u') ?? undefined) : url;
	} catch {
		return undefined;
	}
}

/** A web address outside Meta's sites: a photo's own facebook.com page is not a shared link. */
function externalUrl(url: string | undefined): string | null {
	if (!url) return null;
	try {
		const parsed = new URL(url);
		return /^https?:$/.test(parsed.protocol) && !FACEBOOK_HOSTS.test(parsed.hostname) ? parsed.href : null;
	} catch {
		return null;
	}
}

function linkInText(text: string): string | null {
	const found = URL_IN_TEXT.exec(text)?.[0].replace(/[.,;:!?]+$/, '');
	return externalUrl(found);
}

function hostOf(url: string): string {
	return new URL(url).hostname.replace(/^www\./, '');
}

export function sourceRef(kind: SocialKind, id: string, name: string | undefined, owner: string | undefined): SourceRef {
	if (kind === 'facebook') return { name: name ?? owner ?? `Facebook ${id}`, url: `https://www.facebook.com/${encodeURIComponent(id)}`, kind };
	return { name: name ?? (owner ? `@${owner}` : `Instagram ${id}`), url: owner ? `https://www.instagram.com/${encodeURIComponent(owner)}/` : `https://www.instagram.com/`, kind };
}
