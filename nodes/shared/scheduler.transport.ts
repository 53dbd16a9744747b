import {
	NodeApiError,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type IHttpRequestMethods,
	type ILoadOptionsFunctions,
	type JsonObject,
} from 'n8n-workflow';

export const CREDENTIAL = 'banditoreSchedulerApi';

/**
 * A call to the scheduler's API (Banditore Scheduler, its trigger, and Banditore Policy reading the
 * channel's rules); its errors carry a message and a hint, shown as they are. A 304 answer to a
 * conditional request (If-None-Match in `headers`) is returned, not thrown.
 */
export async function schedulerRequest(
	this: IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions,
	method: IHttpRequestMethods,
	path: string,
	body?: IDataObject,
	itemIndex?: number,
	headers?: Record<string, string>,
): Promise<{ status: number; body: IDataObject; headers: Record<string, unknown> }> {
	const credentials = await this.getCredentials<{ url: string }>(CREDENTIAL);
	const baseURL = credentials.url.replace(/\/+$/, '');
	let response: { statusCode: number; body: IDataObject; headers?: Record<string, unknown> };
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL, {
			method,
			baseURL,
			url: path,
			body,
			...(headers ? { headers } : {}),
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 30_000,
		})) as typeof response;
	} catch (error) {
		// No answer at all: the service is down or the URL is wrong, not a refusal.
		throw new NodeApiError(this.getNode(), { message: (error as Error).message } as JsonObject, {
			message: `The Banditore scheduler at ${baseURL} cannot be reached`,
			description: 'Check that the scheduler is running (banditore scheduler) and the URL in the Banditore Scheduler API credential.',
			itemIndex,
		});
	}
	const status = response.statusCode;
	if (status >= 400 && !(status === 409 && path.endsWith('/slots'))) {
		const error = (response.body ?? {}) as { error?: string; message?: string; hint?: string };
		throw new NodeApiError(this.getNode(), (response.body ?? {}) as JsonObject, {
			message: error.message ?? `The scheduler answered HTTP ${status}`,
			description: error.hint ?? hintFor(status),
			httpCode: String(status),
			itemIndex,
		});
	}
	return { status, body: response.body ?? {}, headers: response.headers ?? {} };
}

function hintFor(status: number): string {
	if (status === 401) return 'Check the API token in the Banditore Scheduler API credential.';
	if (status === 404) return 'Check the channel or message id, and the scheduler URL.';
	return 'See the scheduler log for details.';
}
