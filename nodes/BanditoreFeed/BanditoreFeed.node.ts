import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { readSource } from '../../core/read';
import { selectItems } from '../../core/select';
import { errorJson, toNodeError } from '../shared/errors';
import { readOptions, sourcesProperty } from '../shared/source.description';
import { readOptionsFromParameter, sourcesFromParameter, withMetaCredential } from '../shared/source.params';
import { readNewItems } from '../shared/source.state';

export class BanditoreFeed implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Banditore Feed',
		name: 'banditoreFeed',
		icon: { light: 'file:../../icons/banditore.svg', dark: 'file:../../icons/banditore.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{$parameter["sources"]["source"] ? $parameter["sources"]["source"].length + " source(s)" : ""}}',
		description: "Read news and events from a comune's site and channels: RSS/Atom feeds, template pages, YouTube, Facebook, Instagram",
		defaults: { name: 'Banditore Feed' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Only Facebook and Instagram sources need it: the node says so when one is there without it.
		credentials: [{ name: 'metaGraphApi', required: false }],
		properties: [
			sourcesProperty,
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
			const sources = sourcesFromParameter(this.getNodeParameter('sources', itemIndex, {}) as IDataObject);
			const now = new Date();
			const limit = Number(options.limit ?? 50);
			for (const source of sources) {
				try {
					const readOptions = await withMetaCredential(this, [source], readOptionsFromParameter(options, now));
					const maxAgeHours = Number(options.maxAgeHours ?? 0);
					const { items, warnings } = options.onlyNew
						? await readNewItems(source, staticData, { readOptions, now, maxAgeHours, limit, emitExisting: true })
						: await readSource(source, readOptions).then((read) => ({
								items: selectItems(read.items, { now, maxAgeHours, limit }),
								warnings: read.warnings,
							}));
					for (const warning of warnings) this.addExecutionHints({ message: warning, location: 'outputPane' });
					output.push(...items.map((item) => ({ json: item as unknown as IDataObject, pairedItem: { item: itemIndex } })));
				} catch (error) {
					if (this.continueOnFail()) {
						output.push({ json: errorJson(error, source.url), pairedItem: { item: itemIndex } });
						continue;
					}
					throw toNodeError(this.getNode(), error, itemIndex);
				}
			}
		}
		return [output];
	}
}
