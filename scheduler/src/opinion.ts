// The second opinion of a language model on an item the rules accepted (core/opinion), for the
// channels that configure one (`secondOpinion` in the config). It can only escalate: a concern holds
// the message for the office with the model's reason; a timeout or an error leaves the rules' verdict,
// and the caller writes an `opinion.unavailable` audit row. The office's approval waives it.
import { askOpinion, type Opinion, type OpinionFetch } from '../../core/opinion';
import type { NewsItem } from '../../core/item';
import { t } from '../../core/messages';
import type { SecondOpinionConfig } from './config';

/** The key in a message's `settled.waived` that records the office's approval of a concern. */
export const OPINION_WAIVER = 'secondOpinion';

/** What a message held by the model keeps in `messages.settled`. */
export interface StoredOpinion {
	model: string;
	category: string;
	reason: string;
}

const platformFetch: OpinionFetch = (url, init) => fetch(url, init);

/** Asks the channel's model about the item: title, summary and the host of its link, nothing else. Never throws. */
export function secondOpinion(settings: SecondOpinionConfig, item: NewsItem, fetchFn: OpinionFetch = platformFetch): Promise<Opinion> {
	return askOpinion(item, { url: settings.url, model: settings.model, apiKey: settings.apiKey, timeoutMs: settings.timeoutMs }, fetchFn);
}

/** The reason shown to the office with a message the model's concern holds. */
export function opinionReason(opinion: Pick<StoredOpinion, 'model' | 'reason'>): string {
	return t('scheduler.opinion.concern', { model: opinion.model, reason: opinion.reason });
}

/** The model's concern still holds the message: it raised one and the office has not approved it. */
export function heldByOpinion(settled: { secondOpinion?: StoredOpinion; waived?: readonly string[] }): boolean {
	return Boolean(settled.secondOpinion) && !(settled.waived ?? []).includes(OPINION_WAIVER);
}
