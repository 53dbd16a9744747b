// The scheduler's HTTP API from the command line: core's client over fetch, with the address from
// --url or $BANDITORE_URL and the token from $BANDITORE_API_TOKEN. Its errors carry the scheduler's
// message and hint, printed as they are.
import { createSchedulerClient, fetchTransport, type SchedulerClient } from '../core/scheduler';
import { UsageError } from './usage';

/** The client of the scheduler at `url` (default $BANDITORE_URL, then the local one). */
export function schedulerClient(url: string | undefined): SchedulerClient {
	const baseUrl = (url ?? process.env.BANDITORE_URL ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
	const token = process.env.BANDITORE_API_TOKEN;
	if (!token) throw new UsageError('BANDITORE_API_TOKEN is not set: export the scheduler API token first.');
	return createSchedulerClient({
		baseUrl,
		transport: fetchTransport({ baseUrl, token }),
		unreachableHint: 'Start it with "banditore scheduler", or give its address with --url.',
	});
}
