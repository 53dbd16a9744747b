// A transport for the scheduler client over the platform's fetch, with the API token as a bearer:
// the CLI's, and anything else outside n8n (n8n's nodes use its own HTTP helper, see nodes/shared).
import { schedulerUrl, type SchedulerTransport } from './client';

export interface FetchTransportOptions {
	baseUrl: string;
	token: string;
	/** Whole request, answer included (default 30 s); past it the scheduler counts as unreachable. */
	timeoutMs?: number;
}

export function fetchTransport(options: FetchTransportOptions): SchedulerTransport {
	return async ({ method, path, body, headers }) => {
		const response = await fetch(schedulerUrl(options.baseUrl, path), {
			method,
			headers: { authorization: `Bearer ${options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
		});
		const text = await response.text();
		let parsed: unknown = text || null;
		try {
			parsed = text ? JSON.parse(text) : null;
		} catch {
			// Not JSON (a proxy's HTML error page): the status describes it.
		}
		return { status: response.status, body: parsed, headers: Object.fromEntries(response.headers) };
	};
}
