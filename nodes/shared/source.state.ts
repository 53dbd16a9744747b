import type { IDataObject } from 'n8n-workflow';
import type { Validators } from '../../core/http/fetch';
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
