import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { schedulerClient } from '../../../shared/scheduler.client';
import { showFor } from '../common';

export const description: INodeProperties[] = showFor('channel', 'getAll', [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: true,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1 },
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
]);

/**
 * Each channel as an item: id, name, its comune when the scheduler names one, and the sources of
 * its `sources:` in the config, for Banditore Feed to read with "Sources From: Input Field".
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, true) as boolean;
	const channels = await (await schedulerClient(this, itemIndex)).channels();
	const chosen = returnAll ? channels : channels.slice(0, this.getNodeParameter('limit', itemIndex, 50) as number);
	return chosen.map((channel) => ({
		id: channel.id,
		name: channel.name,
		...(channel.comune !== undefined ? { comune: channel.comune as IDataObject[string] } : {}),
		paused: channel.paused,
		sources: (channel.sources ?? []) as IDataObject[],
	}));
}
