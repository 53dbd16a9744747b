import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { properties } from './description';
import { getChats } from './methods/loadOptions';
import { router } from './actions/router';

export class BanditoreWhatsApp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Banditore WhatsApp',
		name: 'banditoreWhatsApp',
		icon: { light: 'file:../../icons/banditore.svg', dark: 'file:../../icons/banditore.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["target"]}}',
		description: 'Post news to a WhatsApp Channel or Community, send it to opted-in subscribers, or write it to an outbox',
		defaults: { name: 'Banditore WhatsApp' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'whatsAppGatewayApi', required: true, displayOptions: { show: { target: ['channel'] } } },
			{ name: 'whatsAppCloudApi', required: true, displayOptions: { show: { target: ['subscribers'] } } },
			{ name: 'banditoreSchedulerApi', required: false },
		],
		properties,
	};

	methods = { loadOptions: { getChats } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
