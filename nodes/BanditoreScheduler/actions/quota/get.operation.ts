import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { schedulerClient } from '../../../shared/scheduler.client';
import { channelProperty, showFor } from '../common';

export const description: INodeProperties[] = showFor('quota', 'get', [channelProperty]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const channel = this.getNodeParameter('channel', itemIndex) as string;
	return (await (await schedulerClient(this, itemIndex)).quota(channel)) as IDataObject;
}
