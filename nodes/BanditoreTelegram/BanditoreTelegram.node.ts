import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { properties } from './description';
import { router } from './actions/router';

export class BanditoreTelegram implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Banditore Telegram',
		name: 'banditoreTelegram',
		icon: { light: 'file:../../icons/banditore-telegram.svg', dark: 'file:../../icons/banditore-telegram.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["chat"]}}',
		description: "Post news to a Telegram channel or group through the official Bot API, in the same words as the comune's WhatsApp channel",
		defaults: { name: 'Banditore Telegram' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'telegramBotApi', required: true },
			{ name: 'banditoreSchedulerApi', required: false },
		],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
