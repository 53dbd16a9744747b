import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { fetchUrl } from '../../core/http/fetch';
import type { CustomSelectors, PresetName } from '../../core/html';
import { BanditoreError } from '../../core/errors';
import type { ReadOptions, SourceConfig } from '../../core/read';
import { socialTarget } from '../../core/social';
import { sourceList } from '../../core/sources';

interface SourceParameter {
	url?: string;
	kind?: 'auto' | 'rss' | 'html' | 'custom' | 'youtube' | 'facebook' | 'instagram';
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

/**
 * "Sources From: Input Field": the sources listed in the item's `sourcesField`, and the channel in
 * its `channelField` (none when that is empty), which each item read from them carries on.
 */
export function sourcesFromInput(json: IDataObject, itemIndex: number, sourcesField: string, channelField: string): { sources: SourceConfig[]; channel?: string } {
	const item = `input item ${itemIndex + 1}`;
	const sources = sourceList(json[sourcesField], `The "${sourcesField}" field of ${item}`);
	if (!channelField) return { sources };
	const channel = json[channelField];
	if (typeof channel !== 'string' || !channel.trim()) {
		throw new BanditoreError(
			'no_channel',
			`The "${channelField}" field of ${item} holds no channel ID`,
			'Connect Banditore Scheduler (Channel → Get Many), whose items carry the channel ID in "id", or set Channel Field to the field that holds it (empty: the items carry no channel).',
		);
	}
	return { sources, channel: channel.trim() };
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

/** Feed and trigger both: what they need to read the credential and name the node in an error. */
type CredentialContext = Pick<IExecuteFunctions, 'getCredentials' | 'getNode'>;

/**
 * The Meta Graph API credential in the read options when a source is a Facebook Page or an
 * Instagram account; the credential is optional on the node, so its absence is said here.
 */
export async function withMetaCredential(context: CredentialContext, sources: SourceConfig[], options: ReadOptions): Promise<ReadOptions> {
	if (!sources.some(isSocial)) return options;
	let credentials: { accessToken: string; baseUrl?: string; version?: string };
	try {
		credentials = await context.getCredentials<{ accessToken: string; baseUrl?: string; version?: string }>('metaGraphApi');
	} catch {
		throw new NodeOperationError(context.getNode(), 'Facebook and Instagram sources need a Meta Graph API credential.', {
			description: "Select or create a Meta Graph API credential on this node with the comune's Page access token.",
		});
	}
	return { ...options, meta: { accessToken: credentials.accessToken, baseUrl: credentials.baseUrl, version: credentials.version, tokenPlace: 'the Meta Graph API credential' } };
}

function isSocial(source: SourceConfig): boolean {
	try {
		return socialTarget(source.url, source.kind) !== null;
	} catch {
		// A social source with a bad id: the read says what is wrong with it.
		return true;
	}
}
