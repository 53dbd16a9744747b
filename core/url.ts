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

// A saved copy's own links are file: URLs, which are still addresses; javascript:, data:, mailto: are not.
const WEB = /^(?:https?|file):/i;

/** An address a person can open: http(s) (or a saved file), never a script, inline data or mail. */
export function webUrl(value: string | null | undefined, base: string | undefined): string | null {
	const url = absoluteUrl(value, base);
	return url && WEB.test(url) ? url : null;
}
