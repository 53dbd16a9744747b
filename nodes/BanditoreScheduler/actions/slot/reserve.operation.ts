import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { SlotInput } from '../../../../core/scheduler';
import { schedulerClient } from '../../../shared/scheduler.client';
import { channelProperty, justificationProperty, showFor } from '../common';

export const description: INodeProperties[] = showFor('slot', 'reserve', [
	channelProperty,
	{
		displayName: 'Dedupe Key',
		name: 'dedupeKey',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		description: 'One slot per key: reserving twice returns the same slot',
	},
	{
		displayName: 'Emergency',
		name: 'emergency',
		type: 'boolean',
		default: false,
		description: 'Whether this is an emergency: outside the weekly limit and quiet hours, with a justification',
	},
	justificationProperty,
]);

/** A refusal (quota used up, quiet hours, spacing, paused) is an answer, not an error: branch on `reserved`. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const channel = this.getNodeParameter('channel', itemIndex) as string;
	const emergency = this.getNodeParameter('emergency', itemIndex) as boolean;
	const body: SlotInput = { dedupeKey: this.getNodeParameter('dedupeKey', itemIndex) as string, emergency };
	if (emergency) body.justification = this.getNodeParameter('justification', itemIndex) as string;
	return (await (await schedulerClient(this, itemIndex)).reserveSlot(channel, body)) as IDataObject;
}
