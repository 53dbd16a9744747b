// How well a classifier model reads a labelled set: concern precision and recall at some thresholds,
// how many institutional items it would wrongly send to review, kind and category accuracy. Pure.
import { classify, type Classification, type Model, type TrainEntry } from './model';

export const REPORT_THRESHOLDS = [0.5, 0.7, 0.9] as const;

export interface Count {
	count: number;
	total: number;
}

export interface ThresholdFigures {
	threshold: number;
	/** Concern items scored at or above the threshold, of all concern items. */
	recall: Count;
	/** Concern items among all items scored at or above the threshold. */
	precision: Count;
	/** Institutional items scored at or above the threshold: they would go to review. */
	falseConcern: Count;
}

export interface ClassifierFigures {
	items: number;
	concerns: number;
	thresholds: ThresholdFigures[];
	/** Concern items whose kind (electoral, political, commercial) is right. */
	kind: Count;
	/** Institutional items with a labelled category the model knows, whose category is right. */
	category: Count;
}

export function measure(model: Model, entries: readonly TrainEntry[], thresholds: readonly number[] = REPORT_THRESHOLDS): ClassifierFigures {
	const results: Array<{ entry: TrainEntry; result: Classification }> = entries.map((entry) => ({ entry, result: classify(model, entry.item) }));
	const bad = (e: TrainEntry): boolean => e.label.kind !== 'institutional';
	const concerns = results.filter((r) => bad(r.entry));
	const good = results.filter((r) => !bad(r.entry));
	const known = new Set(model.heads.category.labels);
	const categorised = good.filter((r) => r.entry.label.category !== null && known.has(r.entry.label.category));
	return {
		items: entries.length,
		concerns: concerns.length,
		thresholds: thresholds.map((threshold) => {
			const flagged = results.filter((r) => r.result.concern >= threshold);
			return {
				threshold,
				recall: { count: concerns.filter((r) => r.result.concern >= threshold).length, total: concerns.length },
				precision: { count: flagged.filter((r) => bad(r.entry)).length, total: flagged.length },
				falseConcern: { count: good.filter((r) => r.result.concern >= threshold).length, total: good.length },
			};
		}),
		kind: { count: concerns.filter((r) => r.result.concernKind === r.entry.label.kind).length, total: concerns.length },
		category: { count: categorised.filter((r) => r.result.category === r.entry.label.category).length, total: categorised.length },
	};
}

/**
 * The lowest threshold (in steps of 0.05, up to 0.95) at which at most `maxFalse` of the institutional
 * items score as concerns; null when even 0.95 flags more.
 */
export function thresholdFor(model: Model, entries: readonly TrainEntry[], maxFalse: number): number | null {
	const good = entries.filter((e) => e.label.kind === 'institutional').map((e) => classify(model, e.item).concern);
	if (!good.length) return null;
	for (let t = 0.05; t < 0.9501; t += 0.05) {
		const threshold = Math.round(t * 100) / 100;
		if (good.filter((s) => s >= threshold).length / good.length <= maxFalse) return threshold;
	}
	return null;
}
