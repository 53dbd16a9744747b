import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { schedulerRequest } from '../../../shared/scheduler.transport';
import { channelProperty, path, showFor } from '../common';

export const description: INodeProperties[] = showFor('quota', 'get', [channelProperty]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const channel = this.getNodeParameter('channel', itemIndex) as string;
	const { body } = await schedulerRequest.call(this, 'GET', path('/v1/channels', channel, 'quota'), undefined, itemIndex);
	return body;
}
