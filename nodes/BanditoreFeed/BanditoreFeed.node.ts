import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { readSource, type SourceConfig } from '../../core/read';
import { selectItems } from '../../core/select';
import { errorJson, toNodeError } from '../shared/errors';
import { readOptions, sourcesProperty } from '../shared/source.description';
import { readOptionsFromParameter, sourcesFromInput, sourcesFromParameter, withMetaCredential } from '../shared/source.params';
import { readNewItems } from '../shared/source.state';

export class BanditoreFeed implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Banditore Feed',
		name: 'banditoreFeed',
		icon: { light: 'file:../../icons/banditore.svg', dark: 'file:../../icons/banditore.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{$parameter["sourcesFrom"] === "input" ? "sources from input" : $parameter["sources"]["source"] ? $parameter["sources"]["source"].length + " source(s)" : ""}}',
		description: "Read news and events from a comune's site and channels: RSS/Atom feeds, template pages, YouTube, Facebook, Instagram",
		defaults: { name: 'Banditore Feed' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Only Facebook and Instagram sources need it: the node says so when one is there without it.
		credentials: [{ name: 'metaGraphApi', required: false }],
		properties: [
			{
				displayName: 'Sources From',
				name: 'sourcesFrom',
				type: 'options',
				noDataExpression: true,
				default: 'parameter',
				options: [
					{ name: 'Listed Here', value: 'parameter', description: 'The sources below, read once for each input item' },
					{
						name: 'Input Field',
						value: 'input',
						description: "Each input item's own list, e.g. the channels from Banditore Scheduler (Channel → Get Many): one workflow for many comuni",
					},
				],
			},
			{ ...sourcesProperty, displayOptions: { show: { sourcesFrom: ['parameter'] } } },
			{
				displayName: 'Sources Field',
				name: 'sourcesField',
				type: 'string',
				default: 'sources',
				required: true,
				displayOptions: { show: { sourcesFrom: ['input'] } },
				description: "The input item field with the list of sources, as Banditore Scheduler's Get Many gives them: each an address and optionally a kind (auto, rss, html, youtube, facebook or instagram)",
			},
			{
				displayName: 'Channel Field',
				name: 'channelField',
				type: 'string',
				default: 'id',
				displayOptions: { show: { sourcesFrom: ['input'] } },
				description:
					'The input item field with the channel ID. Each item read carries it in a "channel" field, which Banditore Policy and Scheduler take as their channel by an expression. Empty: no channel.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Limit',
						name: 'limit',
						type: 'number',
						default: 50,
						typeOptions: { minValue: 1 },
						description: 'Max number of results to return',
					},
					{
						displayName: 'Only Items Not Seen Before',
						name: 'onlyNew',
						type: 'boolean',
						default: false,
						description:
							'Whether to skip items this node already returned in an earlier run (remembered per workflow; edited items come again)',
					},
					...readOptions,
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const input = this.getInputData();
		const output: INodeExecutionData[] = [];
		const staticData = this.getWorkflowStaticData('node');
		for (let itemIndex = 0; itemIndex < input.length; itemIndex++) {
			const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			let sources: SourceConfig[];
			let channel: string | undefined;
			try {
				({ sources, channel } = sourcesFor(this, input[itemIndex], itemIndex));
			} catch (error) {
				if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, itemIndex);
				output.push({ json: errorJson(error, 'input'), pairedItem: { item: itemIndex } });
				continue;
			}
			// Each item says whose it is; a source two channels share is remembered for each.
			const tag = channel === undefined ? {} : { channel };
			const now = new Date();
			const limit = Number(options.limit ?? 50);
			for (const source of sources) {
				try {
					const readOptions = await withMetaCredential(this, [source], readOptionsFromParameter(options, now));
					const maxAgeHours = Number(options.maxAgeHours ?? 0);
					const { items, warnings } = options.onlyNew
						? await readNewItems(source, staticData, { readOptions, now, maxAgeHours, limit, emitExisting: true, key: channel && `${channel} ${source.url}` })
						: await readSource(source, readOptions).then((read) => ({
								items: selectItems(read.items, { now, maxAgeHours, limit }),
								warnings: read.warnings,
							}));
					for (const warning of warnings) this.addExecutionHints({ message: warning, location: 'outputPane' });
					output.push(...items.map((item) => ({ json: { ...item, ...tag } as unknown as IDataObject, pairedItem: { item: itemIndex } })));
				} catch (error) {
					if (this.continueOnFail()) {
						output.push({ json: { ...errorJson(error, source.url), ...tag }, pairedItem: { item: itemIndex } });
						continue;
					}
					throw toNodeError(this.getNode(), error, itemIndex);
				}
			}
		}
		return [output];
	}
}

/** The node's own list, or (Sources From: Input Field) the item's, with the channel its items carry. */
function sourcesFor(context: IExecuteFunctions, item: INodeExecutionData, itemIndex: number): { sources: SourceConfig[]; channel?: string } {
	if (context.getNodeParameter('sourcesFrom', itemIndex, 'parameter') !== 'input') {
		return { sources: sourcesFromParameter(context.getNodeParameter('sources', itemIndex, {}) as IDataObject) };
	}
	const field = context.getNodeParameter('sourcesField', itemIndex) as string;
	return sourcesFromInput(item.json, itemIndex, field, context.getNodeParameter('channelField', itemIndex, '') as string);
}
