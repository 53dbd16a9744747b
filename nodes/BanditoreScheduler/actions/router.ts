import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { toNodeError } from '../../shared/errors';
import * as message from './message/Message.resource';
import * as quota from './quota/Quota.resource';
import * as slot from './slot/Slot.resource';

type Operation = (this: IExecuteFunctions, itemIndex: number, input: INodeExecutionData) => Promise<IDataObject>;

const operations: Record<string, Record<string, { execute: Operation }>> = {
	message: { acknowledge: message.acknowledge, cancel: message.cancel, enqueue: message.enqueue },
	slot: { confirm: slot.confirm, release: slot.release, reserve: slot.reserve },
	quota: { get: quota.get },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const input = this.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < input.length; itemIndex++) {
		const resource = this.getNodeParameter('resource', itemIndex) as string;
		const operation = this.getNodeParameter('operation', itemIndex) as string;
		try {
			const json = await operations[resource][operation].execute.call(this, itemIndex, input[itemIndex]);
			output.push({ json, pairedItem: { item: itemIndex } });
		} catch (error) {
			if (this.continueOnFail()) {
				output.push({ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } });
				continue;
			}
			throw toNodeError(this.getNode(), error, itemIndex);
		}
	}
	return [output];
}
