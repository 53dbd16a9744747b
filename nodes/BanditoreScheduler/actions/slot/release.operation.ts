import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { schedulerRequest } from '../../../shared/scheduler.transport';
import { path, showFor } from '../common';
import { slotIdProperty } from './confirm.operation';

export const description: INodeProperties[] = showFor('slot', 'release', [slotIdProperty]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = this.getNodeParameter('slotId', itemIndex) as string;
	const { body } = await schedulerRequest.call(this, 'POST', path('/v1/slots', id, 'release'), {}, itemIndex);
	return body;
}
