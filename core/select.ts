// Choosing which items of a read to pass on: newest first, not too old, at most N.
import type { NewsItem } from './item';

export interface SelectOptions {
	now: Date;
	/** Drop dated items older than this; undated items are kept (their age is unknown). */
	maxAgeHours?: number;
	/** 0 or undefined: all. */
	limit?: number;
}

export function selectItems(items: NewsItem[], options: SelectOptions): NewsItem[] {
	const oldest = options.maxAgeHours ? options.now.getTime() - options.maxAgeHours * 3_600_000 : -Infinity;
	const kept = items.filter((item) => !item.publishedAt || Date.parse(item.publishedAt) >= oldest);
	const sorted = newestFirst(kept);
	return options.limit ? sorted.slice(0, options.limit) : sorted;
}

/** Dated items newest first; undated ones after them, in the order the site lists them. */
export function newestFirst(items: NewsItem[]): NewsItem[] {
	return items
		.map((item, index) => ({ item, index, time: item.publishedAt ? Date.parse(item.publishedAt) : null }))
		.sort((a, b) => {
			if (a.time === null || b.time === null) return a.time === null && b.time === null ? a.index - b.index : a.time === null ? 1 : -1;
			return b.time - a.time || a.index - b.index;
		})
		.map(({ item }) => item);
}
