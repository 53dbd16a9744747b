import { homedir } from 'node:os';
import { join } from 'node:path';
import { NodeApiError, NodeOperationError, type IExecuteFunctions, type ILoadOptionsFunctions, type JsonObject } from 'n8n-workflow';
import { BanditoreError } from '../../../core/errors';
import { createSchedulerClient, schedulerUrl, type SchedulerClient } from '../../../core/scheduler';
import { createHttpClient, evolutionGateway, wahaGateway, WhatsAppApiError, type CloudConfig, type Gateway, type HttpClient, type StatusSource } from '../../../core/whatsapp';

let shared: HttpClient | undefined;
/** One keep-alive pool for the whole n8n process: broadcasts reuse connections across executions. */
export function http(): HttpClient {
	shared ??= createHttpClient({ maxSockets: 256 });
	return shared;
}

export async function gateway(context: IExecuteFunctions | ILoadOptionsFunctions): Promise<Gateway> {
	const credentials = await context.getCredentials<{ kind: 'waha' | 'evolution'; baseUrl: string; apiKey: string; session: string }>('whatsAppGatewayApi');
	const config = { ...credentials, http: http(), timeoutMs: 30_000 };
	return credentials.kind === 'evolution' ? evolutionGateway(config) : wahaGateway(config);
}

export async function cloud(context: IExecuteFunctions): Promise<CloudConfig> {
	const credentials = await context.getCredentials<{ accessToken: string; phoneNumberId: string; baseUrl?: string; version?: string }>('whatsAppCloudApi');
	return {
		baseUrl: credentials.baseUrl || 'https://graph.facebook.com',
		version: credentials.version || 'v23.0',
		phoneNumberId: credentials.phoneNumberId,
		accessToken: credentials.accessToken,
		http: http(),
		timeoutMs: 30_000,
	};
}

/** Where files go when no path is given: the n8n user folder, as n8n itself does. */
export function dataFolder(...parts: string[]): string {
	const base = process.env.N8N_USER_FOLDER ?? homedir();
	return join(base, '.n8n', 'banditore', ...parts);
}

const API_CODES = /^(whatsapp\.|http_status|unreachable|timeout|not_confirmed)/;

/** Our errors as n8n shows them: what went wrong as the message, what to do as the description. */
export function toNodeError(context: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof BanditoreError) {
		if (API_CODES.test(error.code)) {
			const httpCode = error instanceof WhatsAppApiError ? String(error.httpStatus) : undefined;
			const graph = error instanceof WhatsAppApiError && error.graphCode !== undefined ? { graphCode: error.graphCode } : {};
			return new NodeApiError(context.getNode(), { code: error.code, message: error.message, ...graph } as JsonObject, {
				message: error.message,
				description: error.hint,
				httpCode,
				itemIndex,
			});
		}
		return new NodeOperationError(context.getNode(), error.message, { description: error.hint, itemIndex });
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/**
 * The scheduler's API client with this node's Banditore Scheduler API credential (optional here:
 * undefined without it), over the keep-alive pool with the token as a bearer.
 */
export async function scheduler(context: IExecuteFunctions): Promise<SchedulerClient | undefined> {
	let credentials: { url: string; token: string };
	try {
		credentials = await context.getCredentials<{ url: string; token: string }>('banditoreSchedulerApi');
	} catch {
		return undefined;
	}
	const baseUrl = credentials.url.replace(/\/+$/, '');
	return createSchedulerClient({
		baseUrl,
		unreachableHint: 'Check that the scheduler is running and the URL in the Banditore Scheduler API credential.',
		transport: async ({ method, path, body, headers }) => {
			const response = await http()({ method, url: schedulerUrl(baseUrl, path), headers: { ...headers, authorization: `Bearer ${credentials.token}` }, body, timeoutMs: 30_000 });
			return { status: response.status, body: response.body, headers: {} };
		},
	});
}

/**
 * The scheduler records Cloud API status webhooks; with its credential on this node, recipients whose
 * send was in doubt after a crash are settled from those statuses instead of being left unknown.
 */
export async function schedulerStatuses(context: IExecuteFunctions): Promise<StatusSource | undefined> {
	const client = await scheduler(context);
	return client && { lookup: (broadcastId, keys) => client.lookupStatuses(broadcastId, keys) };
}
