import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
	NodeConnectionTypes,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';
import { schedulerClient } from '../shared/scheduler.client';

export class BanditoreSchedulerTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Banditore Scheduler Trigger',
		name: 'banditoreSchedulerTrigger',
		icon: { light: 'file:../../icons/banditore.svg', dark: 'file:../../icons/banditore.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"POST /webhook/" + $parameter["path"]}}',
		description: 'Starts the delivery flow when the Banditore scheduler says a message is due',
		defaults: { name: 'Banditore Scheduler Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'banditoreSchedulerApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: '={{$parameter["path"]}}' }],
		properties: [
			{
				displayName: 'Path',
				name: 'path',
				type: 'string',
				default: 'banditore',
				required: true,
				description: 'Last part of the webhook URL (n8n puts the webhook ID before it). Activating the workflow registers the full URL with the scheduler, so there is nothing to copy.',
			},
			{
				displayName: 'Only Channels',
				name: 'channels',
				type: 'string',
				default: '',
				placeholder: 'meda, meda-emergenze',
				description: 'Comma-separated channel IDs this workflow delivers; empty accepts every channel',
			},
		],
	};

	// Activating the workflow tells the scheduler where to deliver; deactivating withdraws it.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const { webhookId } = this.getWorkflowStaticData('node');
				if (typeof webhookId !== 'string') return false;
				const hooks = await (await schedulerClient(this)).webhooks();
				return hooks.some((hook) => hook.id === webhookId && hook.url === this.getNodeWebhookUrl('default'));
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const webhook = await (await schedulerClient(this)).registerWebhook(
					this.getNodeWebhookUrl('default') as string,
					channelList(this.getNodeParameter('channels', '') as string),
				);
				this.getWorkflowStaticData('node').webhookId = webhook.id;
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node');
				if (typeof staticData.webhookId === 'string') {
					await (await schedulerClient(this)).unregisterWebhook(staticData.webhookId);
					delete staticData.webhookId;
				}
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const response = this.getResponseObject();
		const { token } = await this.getCredentials<{ token: string }>('banditoreSchedulerApi');
		// Only the scheduler knows its token: anyone else could make the channel post.
		if (!sameSecret(this.getHeaderData().authorization, `Bearer ${token}`)) {
			return answer(response, 401, { error: 'unauthorized', message: 'The Authorization header does not carry the scheduler API token.' });
		}
		const body = this.getBodyData() as { message?: IDataObject; ackUrl?: string };
		const message = body.message;
		if (!message || typeof message.id !== 'string' || typeof message.channel !== 'string') {
			return answer(response, 400, { error: 'bad_request', message: 'Expected {message: {id, channel, text, …}, ackUrl}.' });
		}
		const wanted = channelList(this.getNodeParameter('channels', '') as string);
		if (wanted && !wanted.includes(message.channel)) {
			// Not for this workflow: a non-2xx makes the scheduler retry later, which is wrong here; accept and ignore.
			return answer(response, 200, { ignored: true });
		}
		return { workflowData: [[{ json: { ...message, ackUrl: body.ackUrl ?? null } }]] };
	}
}

/** Plain Node response calls: they work on n8n's Express response as on any ServerResponse. */
function answer(response: ServerResponse, status: number, body: IDataObject): IWebhookResponseData {
	response.statusCode = status;
	response.setHeader('content-type', 'application/json');
	response.end(JSON.stringify(body));
	return { noWebhookResponse: true };
}

/** null: every channel. */
function channelList(text: string): string[] | null {
	const channels = text.split(',').map((channel) => channel.trim()).filter(Boolean);
	return channels.length ? channels : null;
}

function sameSecret(given: string | string[] | undefined, expected: string): boolean {
	const digest = (value: string) => createHash('sha256').update(value).digest();
	return typeof given === 'string' && timingSafeEqual(digest(given), digest(expected));
}
