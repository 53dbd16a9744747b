import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { schedulerClient } from '../../../shared/scheduler.client';
import { showFor } from '../common';

export const messageIdProperty: INodeProperties = {
	displayName: 'Message ID',
	name: 'messageId',
	type: 'string',
	default: '={{ $json.id }}',
	required: true,
	description: 'The scheduler message, as returned by Enqueue or the Scheduler Trigger',
};

export const description: INodeProperties[] = showFor('message', 'cancel', [messageIdProperty]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = this.getNodeParameter('messageId', itemIndex) as string;
	return (await (await schedulerClient(this, itemIndex)).cancel(id)) as IDataObject;
}
