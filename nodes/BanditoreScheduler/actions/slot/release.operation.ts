import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { schedulerClient } from '../../../shared/scheduler.client';
import { showFor } from '../common';
import { slotIdProperty } from './confirm.operation';

export const description: INodeProperties[] = showFor('slot', 'release', [slotIdProperty]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = this.getNodeParameter('slotId', itemIndex) as string;
	return (await (await schedulerClient(this, itemIndex)).releaseSlot(id)) as IDataObject;
}
