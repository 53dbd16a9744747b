import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { schedulerClient } from '../../../shared/scheduler.client';
import { channelProperty, dropEmpty, justificationProperty, showFor } from '../common';

export const description: INodeProperties[] = showFor('message', 'enqueue', [
	channelProperty,
	{
		displayName: 'Message Source',
		name: 'source',
		type: 'options',
		default: 'item',
		options: [
			{
				name: 'News Item (Channel Rules Decide)',
				value: 'item',
				description: 'The input item from Banditore Feed or Policy; the scheduler applies the channel rules',
			},
			{ name: 'Written Message', value: 'text', description: 'A message written here, e.g. an emergency' },
		],
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description: 'The WhatsApp text as citizens will read it',
		displayOptions: { show: { source: ['text'] } },
	},
	{
		displayName: 'Emergency',
		name: 'emergency',
		type: 'boolean',
		default: false,
		description: 'Whether this is an emergency: outside the weekly limit and quiet hours, with a justification',
		displayOptions: { show: { source: ['text'] } },
	},
	{ ...justificationProperty, displayOptions: { show: { source: ['text'], emergency: [true] } } },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Category', name: 'category', type: 'string', default: '', description: 'Category ID from the rules, for a written message' },
			{ displayName: 'Dedupe Key', name: 'dedupeKey', type: 'string', default: '', description: 'Enqueueing the same key twice returns the first message; default: the item ID' },
			{ displayName: 'Earliest Send Time', name: 'earliestAt', type: 'dateTime', default: '', description: 'Do not send before this time' },
			{ displayName: 'Expiry Time', name: 'expiresAt', type: 'dateTime', default: '', description: 'Do not send after this time: the message expires' },
			{ displayName: 'Priority', name: 'priority', type: 'number', default: 0, description: 'Higher goes first when the budget is short' },
		],
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number, input: INodeExecutionData): Promise<IDataObject> {
	const channel = this.getNodeParameter('channel', itemIndex) as string;
	const source = this.getNodeParameter('source', itemIndex) as 'item' | 'text';
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body: IDataObject = dropEmpty({ ...options, earliestAt: iso(options.earliestAt), expiresAt: iso(options.expiresAt) });
	if (source === 'item') {
		// The channel's own rules decide in the scheduler; a Policy node's verdict is not sent along.
		body.item = { ...input.json, decision: undefined };
	} else {
		body.text = this.getNodeParameter('text', itemIndex) as string;
		body.emergency = this.getNodeParameter('emergency', itemIndex) as boolean;
		if (body.emergency) body.justification = this.getNodeParameter('justification', itemIndex) as string;
		body.dedupeKey ??= `${this.getExecutionId()}:${this.getNode().id}:${itemIndex}`;
	}
	const answer = await (await schedulerClient(this, itemIndex)).enqueue(channel, body);
	return { created: answer.created, ...(answer.message as IDataObject) };
}

function iso(value: unknown): string | undefined {
	return value ? new Date(value as string).toISOString() : undefined;
}
