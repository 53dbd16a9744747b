import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { schedulerClient } from '../../../shared/scheduler.client';
import { showFor } from '../common';

export const slotIdProperty: INodeProperties = {
	displayName: 'Slot ID',
	name: 'slotId',
	type: 'string',
	default: '={{ $json.slot.id }}',
	required: true,
	description: 'The slot returned by Reserve',
};

export const description: INodeProperties[] = showFor('slot', 'confirm', [
	slotIdProperty,
	{
		displayName: 'Provider Message ID',
		name: 'providerMessageId',
		type: 'string',
		default: '',
		description: 'The ID WhatsApp or the gateway gave the post',
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = this.getNodeParameter('slotId', itemIndex) as string;
	const providerMessageId = (this.getNodeParameter('providerMessageId', itemIndex) as string) || undefined;
	return (await (await schedulerClient(this, itemIndex)).confirmSlot(id, providerMessageId)) as IDataObject;
}
