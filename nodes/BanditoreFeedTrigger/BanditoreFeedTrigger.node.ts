import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import type { NewsItem } from '../../core/item';
import { readSource } from '../../core/read';
import { selectItems } from '../../core/select';
import { toNodeError } from '../shared/errors';
import { readOptions, sourcesProperty } from '../shared/source.description';
import { readOptionsFromParameter, sourcesFromParameter, withMetaCredential } from '../shared/source.params';
import { readNewItems } from '../shared/source.state';

const SAMPLE_SIZE = 3;

export class BanditoreFeedTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Banditore Feed Trigger',
		name: 'banditoreFeedTrigger',
		icon: { light: 'file:../../icons/banditore.svg', dark: 'file:../../icons/banditore.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"every poll: new and edited items"}}',
		description: "Starts the workflow when a comune's site publishes or edits a news item or event",
		defaults: { name: 'Banditore Feed Trigger' },
		polling: true,
		inputs: [],
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
						displayName: 'Emit Existing Items on First Poll',
						name: 'emitExisting',
						type: 'boolean',
						default: false,
						description:
							'Whether the first poll after activation emits what the site already shows; by default it only remembers it, so that only later news starts the workflow',
					},
					{
						displayName: 'Max Items per Source and Poll',
						name: 'maxItemsPerPoll',
						type: 'number',
						default: 0,
						typeOptions: { minValue: 0 },
						description: 'For each source, newest first; the rest come in the next polls. 0 emits all.',
					},
					...readOptions,
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const sources = sourcesFromParameter(this.getNodeParameter('sources', {}) as IDataObject);
		if (sources.length === 0) {
			throw new NodeOperationError(this.getNode(), 'No source to read.', { description: 'Add at least one source URL.' });
		}
		const now = new Date();
		const readOpts = readOptionsFromParameter(options, now);
		const maxAgeHours = Number(options.maxAgeHours ?? 0);

		if (this.getMode() === 'manual') {
			// A test run shows a sample and leaves the memory untouched.
			const reads = await Promise.all(sources.map(async (source) => readSource(source, await withMetaCredential(this, [source], readOpts)).catch((error) => { throw toNodeError(this.getNode(), error); })));
			const sample = selectItems(reads.flatMap((read) => read.items), { now, maxAgeHours, limit: SAMPLE_SIZE });
			return sample.length ? [toExecutionData(sample)] : null;
		}

		const staticData = this.getWorkflowStaticData('node');
		const limit = Number(options.maxItemsPerPoll ?? 0);
		const emitted: NewsItem[] = [];
		const failures: string[] = [];
		for (const source of sources) {
			try {
				const readOptions = await withMetaCredential(this, [source], readOpts);
				const { items } = await readNewItems(source, staticData, { readOptions, now, maxAgeHours, limit, emitExisting: options.emitExisting === true });
				emitted.push(...items);
			} catch (error) {
				const nodeError = toNodeError(this.getNode(), error);
				if (sources.length === 1) throw nodeError;
				// Other sources still deliver; this one keeps its memory and is retried next poll.
				failures.push(`${source.url}: ${nodeError.message}`);
				this.logger.warn(`Banditore Feed Trigger could not read ${source.url}: ${nodeError.message}`);
			}
		}
		if (failures.length === sources.length) {
			throw new NodeOperationError(this.getNode(), 'No source could be read.', { description: failures.join('\n') });
		}
		return emitted.length ? [toExecutionData(emitted)] : null;
	}
}

function toExecutionData(items: NewsItem[]): INodeExecutionData[] {
	return items.map((item) => ({ json: item as unknown as IDataObject }));
}
