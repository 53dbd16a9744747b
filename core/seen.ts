// Memory of items already passed on, so that a poll emits only new or meaningfully changed items,
// also after a restart (the caller stores the state: n8n static data, a file, a database).
// Items are tracked by id, not by date, so back-dated and undated items are handled like others.
import { createHash } from 'node:crypto';
import type { NewsItem } from './item';

export interface SeenState {
	version: 1;
	/** id → [fingerprint of the text, last time the item was in the source (epoch seconds)]. */
	items: Record<string, [string, number]>;
}

export interface Classified {
	fresh: NewsItem[];
	/** Seen before, but the title, summary or link changed since. */
	updated: NewsItem[];
	unchanged: NewsItem[];
}

/** Forget items absent from their source this long, and keep at most this many per source. */
const RETENTION_SECONDS = 180 * 24 * 3600;
const MAX_ENTRIES = 2_000;

export function emptySeenState(): SeenState {
	return { version: 1, items: {} };
}

export function isSeenState(value: unknown): value is SeenState {
	return (
		typeof value === 'object' &&
		value !== null &&
		(value as SeenState).version === 1 &&
		typeof (value as SeenState).items === 'object' &&
		// typeof null is 'object' too: a damaged state would crash classify.
		(value as SeenState).items !== null &&
		!Array.isArray((value as SeenState).items)
	);
}

/** A change of wording counts; a site re-saving the same text (new updatedAt) does not. */
export function fingerprint(item: NewsItem): string {
	const text = `${item.title}\n${item.summary}\n${item.link}`.toLocaleLowerCase('it').replace(/\s+/g, ' ');
	return createHash('sha1').update(text).digest('base64url').slice(0, 16);
}

export function classify(state: SeenState, items: NewsItem[]): Classified {
	const out: Classified = { fresh: [], updated: [], unchanged: [] };
	for (const item of items) {
		const known = state.items[item.id];
		if (!known) out.fresh.push(item);
		else if (known[0] !== fingerprint(item)) out.updated.push(item);
		else out.unchanged.push(item);
	}
	return out;
}

/** Record items as passed on. Only what was really emitted goes in: the rest comes out next time. */
export function remember(state: SeenState, items: NewsItem[], now: Date): SeenState {
	const nowSeconds = Math.floor(now.getTime() / 1000);
	const next: Record<string, [string, number]> = { ...state.items };
	for (const item of items) next[item.id] = [fingerprint(item), nowSeconds];
	let entries = Object.entries(next).filter(([, [, last]]) => nowSeconds - last <= RETENTION_SECONDS);
	if (entries.length > MAX_ENTRIES) entries = entries.sort((a, b) => b[1][1] - a[1][1]).slice(0, MAX_ENTRIES);
	return { version: 1, items: Object.fromEntries(entries) };
}
