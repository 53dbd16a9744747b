/** Resolve a possibly relative URL against a base; null when there is nothing usable. */
export function absoluteUrl(value: string | null | undefined, base: string | undefined): string | null {
	const trimmed = value?.trim();
	if (!trimmed) return null;
	try {
		return new URL(trimmed, base || undefined).href;
	} catch {
		return null;
	}
}

/** Query parameters that only say where a click came from (newsletters, Facebook, Google, Instagram). */
const TRACKING = /^(utm_\w*|fbclid|gclid|igshid|mc_cid|mc_eid)$/i;

/**
 * The same page whatever way its address was copied: no scheme, lowercase host without "www.", no
 * fragment, no tracking parameters, no trailing slash, the other parameters sorted. Null when it is
 * not a web address.
 */
export function canonicalUrl(value: string | null | undefined): string | null {
	const trimmed = value?.trim();
	if (!trimmed) return null;
	let url: URL;
	try {
		url = new URL(trimmed);
	} catch {
		return null;
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
	const host = url.host.replace(/^www\./, '');
	const params = [...url.searchParams].filter(([name]) => !TRACKING.test(name)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	const query = params.length ? `?${new URLSearchParams(params).toString()}` : '';
	return `${host}${url.pathname.replace(/\/+$/, '')}${query}`;
}

// A saved copy's own links are file: URLs, which are still addresses; javascript:, data:, mailto: are not.
const WEB = /^(?:https?|file):/i;

/** An address a person can open: http(s) (or a saved file), never a script, inline data or mail. */
export function webUrl(value: string | null | undefined, base: string | undefined): string | null {
	const url = absoluteUrl(value, base);
	return url && WEB.test(url) ? url : null;
}
