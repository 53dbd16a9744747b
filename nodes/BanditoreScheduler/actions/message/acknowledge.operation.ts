import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { schedulerClient } from '../../../shared/scheduler.client';
import type { AckInput } from '../../../../core/scheduler';
import { showFor } from '../common';
import { messageIdProperty } from './cancel.operation';

export const description: INodeProperties[] = showFor('message', 'acknowledge', [
	messageIdProperty,
	{
		displayName: 'Outcome',
		name: 'status',
		type: 'options',
		default: 'sent',
		options: [
			{ name: 'Sent', value: 'sent' },
			{ name: 'Failed', value: 'failed' },
		],
	},
	{
		displayName: 'Provider Message ID',
		name: 'providerMessageId',
		type: 'string',
		default: '',
		description: 'The ID WhatsApp or the gateway gave the post',
		displayOptions: { show: { status: ['sent'] } },
	},
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { status: ['failed'] } },
	},
	{
		displayName: 'Retry',
		name: 'retry',
		type: 'boolean',
		default: true,
		description: 'Whether the scheduler should try again later (false when the post may have gone out)',
		displayOptions: { show: { status: ['failed'] } },
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = this.getNodeParameter('messageId', itemIndex) as string;
	const status = this.getNodeParameter('status', itemIndex) as 'sent' | 'failed';
	const outcome: AckInput =
		status === 'sent'
			? { status, providerMessageId: (this.getNodeParameter('providerMessageId', itemIndex) as string) || undefined }
			: { status, reason: this.getNodeParameter('reason', itemIndex) as string, retry: this.getNodeParameter('retry', itemIndex) as boolean };
	return (await (await schedulerClient(this, itemIndex)).ack(id, outcome)) as IDataObject;
}
