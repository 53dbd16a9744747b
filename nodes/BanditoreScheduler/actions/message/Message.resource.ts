import type { INodeProperties } from 'n8n-workflow';
import * as acknowledge from './acknowledge.operation';
import * as cancel from './cancel.operation';
import * as enqueue from './enqueue.operation';

export { acknowledge, cancel, enqueue };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		default: 'enqueue',
		options: [
			{ name: 'Acknowledge', value: 'acknowledge', description: 'Tell the scheduler a due message was sent or failed', action: 'Acknowledge a message' },
			{ name: 'Cancel', value: 'cancel', description: 'Withdraw a queued message', action: 'Cancel a message' },
			{ name: 'Enqueue', value: 'enqueue', description: 'Add a message to the outbox (idempotent)', action: 'Enqueue a message' },
		],
	},
	...enqueue.description,
	...cancel.description,
	...acknowledge.description,
];
