// Feed reader: RSS 0.9x/2.0, RDF (RSS 1.0), Atom and YouTube channel feeds → NewsItem[].
import { BanditoreError } from '../errors';
import { normaliseItem, type NewsItem, type SourceKind, type SourceRef } from '../item';
import { htmlToText } from '../text';
import { absoluteUrl } from '../url';
import { atomLink, readAtomEntry, readRssItem, textConstruct, withBase, type EntryFields } from './items';
import { escapeStrayAmpersands, isEntityError, unprefixFeed, xhtmlToHtml } from './repair';
import { describeDocument, isFeedRoot, rootElement, stripLeadingJunk } from './sniff';
import { child, children, firstText, parseTree, type FeedTree, type XmlElement } from './tree';
import { isYoutubeFeed, readYoutubeEntry } from './youtube';

export { looksLikeFeed } from './sniff';
export { youtubeFeedUrl } from './youtube';

export interface ParsedFeed {
	kind: 'rss' | 'atom' | 'rdf' | 'youtube';
	title: string;
	link: string | null;
	items: NewsItem[];
}

export interface FeedContext {
	/** The URL the document came from: the base for relative links, and the source's identity. */
	url: string;
	/** Source name shown to people; defaults to the feed's title, then the host. */
	name?: string;
	now?: Date;
	/** Zone for dates written without one; Europe/Rome unless told otherwise. */
	zone?: string;
}

const ROOT_WINDOW = 64 * 1024;
const NOT_A_FEED_HINT = "Check the URL points at the RSS feed, or use kind 'html' with a preset.";
const MALFORMED_HINT =
	"The site publishes broken XML: tell the comune's web team, or read the news page with kind 'html' and a preset.";

export async function parseFeed(xml: string, ctx: FeedContext): Promise<ParsedFeed> {
	const source = unprefixFeed(stripLeadingJunk(typeof xml === 'string' ? xml : ''));
	const root = rootElement(source, ROOT_WINDOW);
	if ((root && !isFeedRoot(root)) || !/^[\s\ufeff]*</.test(source)) throw notAFeed(source, ctx);

	const tree = await readTree(xhtmlToHtml(source), source, root, ctx);
	try {
		return buildFeed(tree, ctx);
	} catch (error) {
		throw malformed(`The feed at ${ctx.url} has a shape we cannot read.`, error);
	}
}

async function readTree(xml: string, original: string, root: string | null, ctx: FeedContext): Promise<FeedTree> {
	try {
		return await parseTree(xml);
	} catch (error) {
		// An empty root (<rss/>, <feed/>) is valid XML that rss-parser does not recognise: a feed with nothing in it.
		if (root && isFeedRoot(root) && isNotRecognised(error)) return emptyTree(root);
		if (!isEntityError(error)) throw parseError(error, original, ctx);
		// Bare '&' or unknown entities: escape them and try once more (also defuses DOCTYPE entities).
		try {
			return await parseTree(escapeStrayAmpersands(xml));
		} catch (retryError) {
			throw parseError(retryError, original, ctx);
		}
	}
}

function isNotRecognised(error: unknown): boolean {
	return error instanceof Error && /not recognized/i.test(error.message);
}

function emptyTree(root: string): FeedTree {
	return { root: root === 'feed' ? 'feed' : root === 'rss' ? 'rss' : 'rdf', node: {} };
}

function parseError(error: unknown, original: string, ctx: FeedContext): BanditoreError {
	const message = error instanceof Error ? error.message : String(error);
	if (isNotRecognised(error)) return notAFeed(original, ctx, error);
	return malformed(`The feed at ${ctx.url} is not well-formed XML: ${describeSaxError(message)}.`, error);
}

function malformed(message: string, cause: unknown): BanditoreError {
	return new BanditoreError('malformed_feed', message, MALFORMED_HINT, { cause });
}

/** sax says "Unexpected close tag\nLine: 0\nColumn: 23\nChar: >" with lines counted from 0. */
function describeSaxError(message: string): string {
	const [first, ...rest] = message.split('\n');
	const line = /Line:\s*(\d+)/.exec(rest.join(' '));
	const column = /Column:\s*(\d+)/.exec(rest.join(' '));
	const what = first.trim().replace(/\.$/, '') || 'parse error';
	return line ? `${what} at line ${+line[1] + 1}${column ? `, column ${column[1]}` : ''}` : what;
}

function notAFeed(text: string, ctx: FeedContext, cause?: unknown): BanditoreError {
	return new BanditoreError(
		'not_a_feed',
		`The document at ${ctx.url} is ${describeDocument(text)}, not an RSS, Atom or RDF feed.`,
		NOT_A_FEED_HINT,
		cause === undefined ? undefined : { cause },
	);
}

interface FeedParts {
	kind: ParsedFeed['kind'];
	title: string;
	link: string | null;
	base: string;
	entries: EntryFields[];
}

function buildFeed(tree: FeedTree, ctx: FeedContext): ParsedFeed {
	const parts = tree.root === 'feed' ? atomParts(tree.node, ctx.url) : rssParts(tree.node, tree.root, ctx.url);
	const title = htmlToText(parts.title);
	const source: SourceRef = { name: ctx.name || title || hostOf(ctx.url), url: ctx.url, kind: parts.kind as SourceKind };
	const items = parts.entries.map((entry) => {
		const item = normaliseItem(entry.raw, { source, baseUrl: entry.baseUrl, zone: ctx.zone, now: ctx.now });
		// <description> that is only an image or &nbsp;: content:encoded has the text.
		if (!item.summary && entry.fallbackSummary) item.summary = htmlToText(entry.fallbackSummary, { multiline: true });
		return item;
	});
	return { kind: parts.kind, title, link: absoluteUrl(parts.link, parts.base), items };
}

function atomParts(feed: XmlElement, url: string): FeedParts {
	const base = withBase(feed, url);
	const youtube = isYoutubeFeed(feed);
	const read = youtube ? readYoutubeEntry : readAtomEntry;
	return {
		kind: youtube ? 'youtube' : 'atom',
		title: textConstruct(feed, 'title'),
		link: atomLink(children(feed, 'link')),
		base,
		entries: children(feed, 'entry').map((entry) => read(entry, base)),
	};
}

/**
 * RSS 0.9x/2.0 and RDF. Items are looked for where the spec puts them (inside <channel> for RSS,
 * next to it for RDF) and where broken feeds put them (the other place, or with no channel at all).
 */
function rssParts(root: XmlElement, kind: 'rss' | 'rdf', url: string): FeedParts {
	const channel = child(root, 'channel');
	const base = withBase(channel, withBase(root, url));
	const items = [...children(channel, 'item'), ...children(root, 'item')];
	const link = firstText(channel, 'link').trim() || atomLink(children(channel, 'atom:link')) || null;
	return {
		kind,
		title: firstText(channel, 'title', 'dc:title') || firstText(root, 'title'),
		link,
		base,
		entries: items.map((item) => readRssItem(item, base)),
	};
}

function hostOf(url: string): string {
	try {
		return new URL(url).host || url;
	} catch {
		return url;
	}
}
