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
