// The scheduler's HTTP API from the command line: its address, the token, errors in the user's terms.
import { BanditoreError } from '../core/errors';
import { UsageError } from './usage';

/** A call to the scheduler's API with $BANDITORE_API_TOKEN; its error message and hint on failure. */
export async function schedulerRequest(url: string | undefined, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
	const base = (url ?? process.env.BANDITORE_URL ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
	const token = process.env.BANDITORE_API_TOKEN;
	if (!token) throw new UsageError('BANDITORE_API_TOKEN is not set: export the scheduler API token first.');
	let response: Response;
	try {
		response = await fetch(`${base}${path}`, {
			method,
			headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(30_000),
		});
	} catch {
		throw new BanditoreError('unreachable', `The scheduler at ${base} cannot be reached.`, 'Start it with "banditore scheduler", or give its address with --url.');
	}
	const answer = (await response.json().catch(() => ({}))) as { message?: string; hint?: string };
	if (!response.ok) throw new BanditoreError('scheduler_error', answer.message ?? `The scheduler answered HTTP ${response.status}.`, answer.hint);
	return answer;
}
