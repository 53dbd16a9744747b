import type { IDataObject } from 'n8n-workflow';
import { fetchUrl } from '../../core/http/fetch';
import type { CustomSelectors, PresetName } from '../../core/html';
import type { ReadOptions, SourceConfig } from '../../core/read';

interface SourceParameter {
	url?: string;
	kind?: 'auto' | 'rss' | 'html' | 'custom' | 'youtube';
	preset?: PresetName | 'auto';
	name?: string;
	fetchDetails?: boolean;
	[selector: string]: unknown;
}

export function sourcesFromParameter(value: IDataObject): SourceConfig[] {
	const list = ((value?.source as SourceParameter[] | undefined) ?? []).filter((source) => source.url?.trim());
	return list.map((source) => ({
		url: source.url!.trim(),
		kind: source.kind === 'custom' ? 'html' : source.kind,
		preset: source.kind === 'html' ? source.preset : undefined,
		selectors: source.kind === 'custom' ? selectorsFrom(source) : undefined,
		name: source.name?.trim() || undefined,
		fetchDetails: source.fetchDetails ?? false,
	}));
}

function selectorsFrom(source: SourceParameter): CustomSelectors {
	const pick = (name: string) => (typeof source[`${name}Selector`] === 'string' && (source[`${name}Selector`] as string).trim()) || undefined;
	return {
		item: pick('item') ?? '',
		title: pick('title') ?? '',
		link: pick('link'),
		date: pick('date'),
		summary: pick('summary'),
		category: pick('category'),
		image: pick('image'),
	};
}

export function readOptionsFromParameter(options: IDataObject, now: Date): ReadOptions {
	return {
		fetch: fetchUrl,
		now,
		zone: 'Europe/Rome',
		timeoutMs: Number(options.timeoutSeconds ?? 20) * 1000,
		maxBytes: Math.round(Number(options.maxSizeMb ?? 10) * 1024 * 1024),
		maxDetailPages: Number(options.maxDetailPages ?? 30),
	};
}
