import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { toNodeError } from '../../shared/errors';
import * as channel from './channel/Channel.resource';
import * as message from './message/Message.resource';
import * as quota from './quota/Quota.resource';
import * as slot from './slot/Slot.resource';

/** One answer per input item, or a list (Get Many) that becomes one output item each. */
type Operation = (this: IExecuteFunctions, itemIndex: number, input: INodeExecutionData) => Promise<IDataObject | IDataObject[]>;

const operations: Record<string, Record<string, { execute: Operation }>> = {
	channel: { getAll: channel.getAll },
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
			const answer = await operations[resource][operation].execute.call(this, itemIndex, input[itemIndex]);
			for (const json of Array.isArray(answer) ? answer : [answer]) output.push({ json, pairedItem: { item: itemIndex } });
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
