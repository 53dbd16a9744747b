import type { IDataObject } from 'n8n-workflow';
import type { Validators } from '../../core/http/fetch';
import type { NewsItem } from '../../core/item';
import { readSource, type ReadOptions, type SourceConfig } from '../../core/read';
import { classify, remember } from '../../core/seen';
import { newestFirst, selectItems } from '../../core/select';
import { emptySeenState, isSeenState, type SeenState } from '../../core/seen';

/** What a node remembers of one source between runs, in the workflow's static data. */
export interface SourceState {
	validators?: Validators;
	seen: SeenState;
	/** False until the first successful read: the trigger does not flood on activation. */
	primed: boolean;
}

export function loadSourceState(staticData: IDataObject, url: string): SourceState {
	const stored = (staticData.sources as IDataObject | undefined)?.[url] as Partial<SourceState> | undefined;
	return {
		validators: stored?.validators,
		seen: isSeenState(stored?.seen) ? stored.seen : emptySeenState(),
		primed: stored?.primed === true,
	};
}

export function saveSourceState(staticData: IDataObject, url: string, state: SourceState): void {
	const sources = (staticData.sources as IDataObject | undefined) ?? {};
	sources[url] = state as unknown as IDataObject;
	staticData.sources = sources;
}

export interface NewItemsOptions {
	readOptions: ReadOptions;
	now: Date;
	maxAgeHours: number;
	/** 0: all. What the limit holds back comes out next time. */
	limit: number;
	/** On the first read of a source: pass on what it already shows, or only remember it. */
	emitExisting: boolean;
	/** Where the source's state is kept; its URL unless a source read for several channels needs one each. */
	key?: string;
}

/**
 * Read a source and pass on only what is new or edited since the last time, remembering exactly
 * what was passed on. Shared by the Feed node's "only items not seen before" and the Feed Trigger.
 */
export async function readNewItems(
	source: SourceConfig,
	staticData: IDataObject,
	options: NewItemsOptions,
): Promise<{ items: NewsItem[]; warnings: string[] }> {
	const key = options.key ?? source.url;
	const state = loadSourceState(staticData, key);
	const read = await readSource(source, { ...options.readOptions, validators: state.validators });
	if (read.notModified) return { items: [], warnings: [] };
	const candidates = selectItems(read.items, { now: options.now, maxAgeHours: options.maxAgeHours });
	const { fresh, updated, unchanged } = classify(state.seen, candidates);
	const changed = newestFirst([...fresh, ...updated]);
	const quiet = !state.primed && !options.emitExisting;
	const items = quiet ? [] : options.limit ? changed.slice(0, options.limit) : changed;
	saveSourceState(staticData, key, {
		// A 304 next time would hide what the limit held back: keep the validators only when nothing is held.
		validators: quiet || items.length === changed.length ? read.validators : undefined,
		seen: remember(state.seen, quiet ? candidates : [...items, ...unchanged], options.now),
		primed: true,
	});
	return { items, warnings: read.warnings };
}
