// The scheduler's API client (core/scheduler) for the nodes: Banditore Scheduler, its trigger, and
// Banditore Policy reading the channel's rules. n8n's httpRequestWithAuthentication carries the
// requests with the Banditore Scheduler API credential; the client's errors become NodeApiError with
// the scheduler's hint as the description.
import {
	NodeApiError,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type IHttpRequestMethods,
	type ILoadOptionsFunctions,
	type INode,
	type JsonObject,
} from 'n8n-workflow';
import { createSchedulerClient, SchedulerApiError, SchedulerUnreachableError, type SchedulerClient } from '../../core/scheduler';

export const CREDENTIAL = 'banditoreSchedulerApi';

/** The client for the scheduler of the node's credential; `itemIndex` goes into its errors. */
export async function schedulerClient(context: IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions, itemIndex?: number): Promise<SchedulerClient> {
	const credentials = await context.getCredentials<{ url: string }>(CREDENTIAL);
	const baseURL = credentials.url.replace(/\/+$/, '');
	return createSchedulerClient({
		baseUrl: baseURL,
		unreachableHint: 'Check that the scheduler is running (banditore scheduler) and the URL in the Banditore Scheduler API credential.',
		presentError: (error) => schedulerNodeError(context.getNode(), error, itemIndex),
		transport: async ({ method, path, body, headers }) => {
			const absolute = /^https?:\/\//i.test(path);
			const response = (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL, {
				method: method as IHttpRequestMethods,
				...(absolute ? {} : { baseURL }),
				url: path,
				body: body as IDataObject | undefined,
				...(headers ? { headers } : {}),
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: 30_000,
			})) as { statusCode: number; body: unknown; headers?: Record<string, unknown> };
			return { status: response.statusCode, body: response.body ?? null, headers: response.headers ?? {} };
		},
	});
}

/** The client's errors as n8n shows them: the message, and what to do as the description. */
export function schedulerNodeError(node: INode, error: SchedulerApiError | SchedulerUnreachableError, itemIndex?: number): NodeApiError {
	if (error instanceof SchedulerUnreachableError) {
		// No answer at all: the service is down or the URL is wrong, not a refusal.
		return new NodeApiError(node, { message: error.reason } as JsonObject, {
			message: `The Banditore scheduler at ${error.baseUrl} cannot be reached`,
			description: error.hint,
			itemIndex,
		});
	}
	return new NodeApiError(node, error.body as JsonObject, {
		message: error.message,
		description: error.hint ?? hintFor(error.status),
		httpCode: String(error.status),
		itemIndex,
	});
}

function hintFor(status: number): string {
	if (status === 401) return 'Check the API token in the Banditore Scheduler API credential.';
	if (status === 404) return 'Check the channel or message id, and the scheduler URL.';
	return 'See the scheduler log for details.';
}
