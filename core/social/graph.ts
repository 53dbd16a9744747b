// Meta's Graph API as a reader of a comune's own Facebook Page and Instagram account: where a source
// is, what an error means for the person who set it up, and how close the app is to its rate limit.
// Shapes as Meta documents them (read in 2026):
// - errors: {"error":{"message","type","code","error_subcode","fbtrace_id"}}, codes and what to do:
//   https://developers.facebook.com/docs/graph-api/guides/error-handling
// - paging: {"data":[…],"paging":{"cursors":{"before","after"},"next"}}, no `next` on the last page:
//   https://developers.facebook.com/docs/graph-api/results/
// - usage headers: X-App-Usage and X-Page-Usage {"call_count","total_time","total_cputime"} and
//   X-Business-Use-Case-Usage {"<id>":[{"type","call_count","total_time","total_cputime",
//   "estimated_time_to_regain_access"}]}, percentages of the limit, the wait in minutes; page tokens
//   are counted by the business use case (BUC) limits:
//   https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
import { BanditoreError } from '../errors';

export type SocialKind = 'facebook' | 'instagram';

export const DEFAULT_GRAPH_URL = 'https://graph.facebook.com';
export const DEFAULT_GRAPH_VERSION = 'v23.0';

/** The comune's own access to the Graph API: a Page access token, and where the API is. */
export interface MetaGraphOptions {
	accessToken: string;
	/** https://graph.facebook.com, or a local fake in tests. */
	baseUrl?: string;
	version?: string;
	/** Where the person keeps the token, said when it is refused ("the Meta Graph API credential"). */
	tokenPlace?: string;
}

export interface SocialTarget {
	kind: SocialKind;
	/** The Page id (or its user name) or the Instagram professional account id. */
	id: string;
}

const PREFIX = /^(facebook|instagram):\s*(\S+)$/i;
const FACEBOOK_HOST = /(^|\.)(facebook|fb)\.com$/i;
const INSTAGRAM_HOST = /(^|\.)instagram\.com$/i;
const GRAPH_ID = /^[\w.-]+$/;
// Paths of facebook.com that are not a Page's name.
const NOT_A_PAGE = new Set(['pages', 'people', 'profile.php', 'pg', 'groups', 'events', 'watch', 'share', 'sharer', 'story.php', 'permalink.php']);

/**
 * The social account a source names, or null when it is not one: `facebook:<id>`, a facebook.com
 * Page address, or an id with kind facebook/instagram. An instagram.com address has no id in it.
 */
export function socialTarget(url: string, kind?: string): SocialTarget | null {
	const value = url.trim();
	const prefixed = PREFIX.exec(value);
	if (prefixed) return target(prefixed[1].toLowerCase() as SocialKind, prefixed[2], value);
	const address = parseAddress(value);
	if (address && FACEBOOK_HOST.test(address.hostname) && (kind === 'facebook' || kind === 'auto' || kind === undefined)) {
		return { kind: 'facebook', id: pageIdOf(address, value) };
	}
	if (address && INSTAGRAM_HOST.test(address.hostname) && (kind === 'instagram' || kind === 'auto' || kind === undefined)) {
		throw new BanditoreError(
			'meta.bad_id',
			`${value} is an Instagram address; the Graph API reads an account by its id.`,
			"Give the Instagram professional account id (17841…): Meta Business Suite shows it, or ask the Graph API for /{page-id}?fields=instagram_business_account.",
		);
	}
	if (kind === 'facebook' || kind === 'instagram') return target(kind, value, value);
	return null;
}

function target(kind: SocialKind, id: string, input: string): SocialTarget {
	const address = /^https?:\/\//i.test(id) ? parseAddress(id) : null;
	if (kind === 'facebook' && address && FACEBOOK_HOST.test(address.hostname)) return { kind, id: pageIdOf(address, input) };
	if (!GRAPH_ID.test(id)) {
		throw new BanditoreError(
			'meta.bad_id',
			`"${input}" is not a ${kind === 'facebook' ? 'Facebook Page' : 'Instagram account'} id.`,
			kind === 'facebook'
				? "Give the Page id (the Page's About tab, Page transparency) or the Page's facebook.com address."
				: 'Give the Instagram professional account id (17841…) linked to the Page.',
		);
	}
	return { kind, id };
}

function parseAddress(value: string): URL | null {
	try {
		return new URL(/^[a-z][\w+.-]*:\/\//i.test(value) ? value : /^(www\.|m\.)?(facebook|fb|instagram)\.com\b/i.test(value) ? `https://${value}` : '');
	} catch {
		return null;
	}
}

/** facebook.com/ComuneDiMeda, /profile.php?id=123, /people/Comune-di-Meda/123, /pages/Comune/123. */
function pageIdOf(address: URL, input: string): string {
	const id = address.searchParams.get('id');
	if (address.pathname.replace(/\/+$/, '') === '/profile.php' && id) return target('facebook', id, input).id;
	const parts = address.pathname.split('/').filter(Boolean);
	if ((parts[0] === 'people' || parts[0] === 'pages') && parts.length >= 3) return target('facebook', parts[2], input).id;
	if (parts.length >= 1 && !NOT_A_PAGE.has(parts[0].toLowerCase())) return target('facebook', parts[0], input).id;
	throw new BanditoreError('meta.bad_id', `${input} is not the address of a Facebook Page.`, "Give the Page id (the Page's About tab, Page transparency) or the Page's own address (facebook.com/NameOfThePage).");
}

/** The address of a Graph API path under the configured base and version. */
export function graphUrl(options: MetaGraphOptions, path: string[], query: Record<string, string>): string {
	const base = (options.baseUrl || DEFAULT_GRAPH_URL).replace(/\/+$/, '');
	const version = (options.version || DEFAULT_GRAPH_VERSION).replace(/^\/+|\/+$/g, '');
	return `${base}/${version}/${path.map(encodeURIComponent).join('/')}?${new URLSearchParams(query)}`;
}

/**
 * The next page to read: Meta's `paging.next` carries the access token in its query, which we send as
 * a header instead (kept out of every message and log). Null when it points away from the API.
 */
export function nextPageUrl(next: unknown, options: MetaGraphOptions): string | null {
	if (typeof next !== 'string' || !next) return null;
	let url: URL;
	try {
		url = new URL(next);
	} catch {
		return null;
	}
	const base = new URL(options.baseUrl || DEFAULT_GRAPH_URL);
	if (url.origin !== base.origin) return null;
	url.searchParams.delete('access_token');
	return url.href;
}

export interface Usage {
	/** The highest percentage of any limit in any usage header, 0 without headers. */
	percent: number;
	/** The header that gave it, for the message. */
	header: string | null;
	/** Minutes until Meta expects calls to pass again, when it says. */
	regainMinutes: number | null;
}

const USAGE_HEADERS = ['x-business-use-case-usage', 'x-page-usage', 'x-app-usage'];
const USAGE_FIELDS = ['call_count', 'total_time', 'total_cputime'];

/** How close the app and the Page are to Meta's rate limits, from the usage headers of an answer. */
export function usageOf(headers: Record<string, string> | undefined): Usage {
	const usage: Usage = { percent: 0, header: null, regainMinutes: null };
	for (const name of USAGE_HEADERS) {
		const raw = headers?.[name];
		if (!raw) continue;
		let parsed: unknown;
		try {
			parsed = JSON.parse(raw);
		} catch {
			continue;
		}
		// Business use case: one list of counters per business object; the others: one object.
		const records = name === 'x-business-use-case-usage' && isObject(parsed) ? Object.values(parsed).flat() : [parsed];
		for (const record of records.filter(isObject)) {
			for (const field of USAGE_FIELDS) {
				const value = Number(record[field]);
				if (Number.isFinite(value) && value > usage.percent) {
					usage.percent = value;
					usage.header = name;
				}
			}
			const regain = Number(record.estimated_time_to_regain_access);
			if (Number.isFinite(regain) && regain > 0) usage.regainMinutes = Math.max(usage.regainMinutes ?? 0, regain);
		}
	}
	return usage;
}

/** Above this share of a limit we stop paging: the next calls would push the Page into a block. */
export const USAGE_STOP_PERCENT = 95;

export function retryAdvice(usage: Usage): string {
	return usage.regainMinutes ? `try again in about ${usage.regainMinutes} minute${usage.regainMinutes === 1 ? '' : 's'}` : 'try again in an hour';
}

interface GraphErrorBody {
	error?: { message?: string; type?: string; code?: number; error_subcode?: number; fbtrace_id?: string };
}

// 4 app, 17 user, 32 Page, 613 custom-level, 80001 Pages and 80002 Instagram business use case limits.
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80001, 80002]);

/** The error body of an answer, or null when the answer is not one. */
export function graphErrorOf(body: unknown): GraphErrorBody['error'] | null {
	const error = isObject(body) ? (body as GraphErrorBody).error : undefined;
	return isObject(error) ? error : null;
}

/** What went wrong with a Graph API answer, in the terms of the person who set up the source. */
export function graphError(source: SocialTarget, status: number, body: unknown, options: MetaGraphOptions, usage: Usage): BanditoreError {
	const error = graphErrorOf(body);
	const code = typeof error?.code === 'number' ? error.code : undefined;
	const what = source.kind === 'facebook' ? `the Facebook Page ${source.id}` : `the Instagram account ${source.id}`;
	const said = error?.message ? `: ${error.message.replace(/\s+/g, ' ').trim().replace(/\.$/, '')}` : '';
	const ref = code !== undefined ? ` (Graph API error ${code}${error?.error_subcode ? `/${error.error_subcode}` : ''})` : '';
	const place = options.tokenPlace ?? 'the Meta Graph API credential';
	if (code === 190 || code === 102) {
		return new BanditoreError('meta.token', `Meta refused the access token for ${what}: it has expired or was revoked${ref}.`, `Create a new Page access token and put it in ${place}.`);
	}
	if (code === 10 || (code !== undefined && code >= 200 && code <= 299)) {
		const permissions = source.kind === 'facebook' ? 'pages_read_engagement and pages_show_list' : 'instagram_basic, pages_read_engagement and pages_show_list';
		return new BanditoreError('meta.permission', `The access token may not read ${what}${said}${ref}.`, `Create the Page access token with the ${permissions} permissions, then put it in ${place}.`);
	}
	if (code !== undefined && RATE_LIMIT_CODES.has(code)) {
		return new BanditoreError('meta.rate_limit', `Meta is limiting the calls of this app to ${what}${ref}.`, `${capitalise(retryAdvice(usage))}, and poll less often.`);
	}
	if (code === 100 || code === 803) {
		return new BanditoreError(
			'meta.not_found',
			`Meta knows no ${source.kind === 'facebook' ? 'Facebook Page' : 'Instagram account'} "${source.id}" that this token can read${ref}.`,
			source.kind === 'facebook'
				? "Check the Page id (the Page's About tab, Page transparency) and that the token is a token of that Page."
				: 'Check the Instagram professional account id and that the account is linked to the Page of the token.',
		);
	}
	if (code === 1 || code === 2 || (code === undefined && status >= 500)) {
		return new BanditoreError('meta.unavailable', `The Graph API could not answer for ${what}${said}${ref || ` (HTTP ${status})`}.`, 'Meta has a temporary problem: try again later.');
	}
	return new BanditoreError('meta.error', `The Graph API refused to read ${what}${said}${ref || ` (HTTP ${status})`}.`, 'Check the id and the access token; the Graph API Explorer shows the same error for the same call.');
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
