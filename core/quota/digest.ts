// The weekly digest: when one counted slot is left and more low-priority messages wait than it can
// hold, they go out together in one message (a "riepilogo") that counts once. Pure: the scheduler
// passes what waits, this decides what is bundled and writes the text.
import type { NewsItem } from '../item';
import { t } from '../messages';
import { cut, escapeMarkup, length, withFooter } from '../whatsapp/compose';
import type { DigestSettings } from '../rules/types';
import { LIMITS } from '../whatsapp/limits';

const URL = /https?:\/\/\S+/;
/** A title longer than this is cut: a digest line is a pointer to the news, not the news. */
const MAX_TITLE = 150;

export interface DigestCandidate {
	id: string;
	priority: number;
	emergency: boolean;
	/** The news item the message was made from, when there is one. */
	item: NewsItem | null;
	/** The message's own text: the title and link of a message written by hand. */
	text: string;
}

export interface DigestPlan {
	/** The bundled messages, in dispatch order. */
	ids: string[];
	text: string;
	/** The highest priority of its parts. */
	priority: number;
}

/** Never an emergency, never above the rules' maxPriority. */
export function bundleable(settings: DigestSettings | undefined, m: { priority: number; emergency: boolean }): boolean {
	return !!settings?.enabled && !m.emergency && m.priority <= settings.maxPriority;
}

/** One line of the digest: "• title" and, on the next line, its link. */
export function digestLine(m: Pick<DigestCandidate, 'item' | 'text'>): string {
	const firstLine = m.text.split('\n').map((l) => l.trim()).find((l) => l && !URL.test(l)) ?? '';
	const title = cut((m.item?.title ?? firstLine).replace(/\s+/g, ' ').trim() || '-', MAX_TITLE);
	const link = m.item?.link || (URL.exec(m.text)?.[0] ?? '');
	return link ? `• ${escapeMarkup(title)}\n${link}` : `• ${escapeMarkup(title)}`;
}

/**
 * The digest to make now, or null. `remaining` is the counted slots left in the window; `waiting`
 * the due messages in dispatch order. The digest takes the last slot, so only with exactly one left,
 * only when the first in line may be bundled (a higher-priority message takes the slot itself), and
 * only when at least minItems may be bundled (one alone just goes out). At most maxItems, and no more
 * than fit WhatsApp's text limit; the rest waits for the next window.
 */
export function planDigest(settings: DigestSettings | undefined, remaining: number, waiting: DigestCandidate[], footer = ''): DigestPlan | null {
	if (!settings?.enabled || remaining !== 1 || !waiting.length || !bundleable(settings, waiting[0])) return null;
	const heading = `*${escapeMarkup(settings.title?.trim() || t('digest.heading'))}*`;
	let text = heading;
	const ids: string[] = [];
	let priority = 0;
	for (const m of waiting) {
		if (ids.length >= settings.maxItems) break;
		if (!bundleable(settings, m)) continue;
		const next = `${text}\n\n${digestLine(m)}`;
		// The footer (the contact for problems) closes every digest, so it is counted from the first line.
		if (length(withFooter(next, footer)) > LIMITS.text) break;
		text = next;
		ids.push(m.id);
		priority = Math.max(priority, m.priority);
	}
	if (ids.length < Math.min(settings.minItems, settings.maxItems)) return null;
	return { ids, text: withFooter(text, footer), priority };
}
