import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import * as channel from './actions/channel/Channel.resource';
import * as message from './actions/message/Message.resource';
import * as quota from './actions/quota/Quota.resource';
import { router } from './actions/router';
import * as slot from './actions/slot/Slot.resource';
import { getChannels } from './methods/loadOptions';

export class BanditoreScheduler implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Banditore Scheduler',
		name: 'banditoreScheduler',
		icon: { light: 'file:../../icons/banditore.svg', dark: 'file:../../icons/banditore.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Queue news for a WhatsApp channel within its weekly limit, reserve room, read the quota, list the channels',
		defaults: { name: 'Banditore Scheduler' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'banditoreSchedulerApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'message',
				options: [
					{ name: 'Channel', value: 'channel' },
					{ name: 'Message', value: 'message' },
					{ name: 'Quota', value: 'quota' },
					{ name: 'Slot', value: 'slot' },
				],
			},
			...channel.description,
			...message.description,
			...slot.description,
			...quota.description,
		],
	};

	methods = { loadOptions: { getChannels } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
