import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { schedulerRequest } from '../../../shared/scheduler.transport';
import { path, showFor } from '../common';

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
	const { body } = await schedulerRequest.call(this, 'POST', path('/v1/messages', id, 'cancel'), {}, itemIndex);
	return body.message as IDataObject;
}
