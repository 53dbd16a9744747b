import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { schedulerRequest } from '../../../shared/scheduler.transport';
import { channelProperty, justificationProperty, path, showFor } from '../common';

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
	const body: IDataObject = { dedupeKey: this.getNodeParameter('dedupeKey', itemIndex) as string, emergency };
	if (emergency) body.justification = this.getNodeParameter('justification', itemIndex) as string;
	const { status, body: answer } = await schedulerRequest.call(this, 'POST', path('/v1/channels', channel, 'slots'), body, itemIndex);
	return status === 409 ? { reserved: false, ...answer } : { reserved: true, ...answer };
}
