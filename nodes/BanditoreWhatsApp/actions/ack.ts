import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { http } from '../transport';

export type Ack = { status: 'sent'; providerMessageId: string | null } | { status: 'failed'; reason: string; retry: boolean };

/**
 * Items from the Banditore Scheduler Trigger carry `ackUrl` and `id`: the outcome goes back to the
 * scheduler, which counts the message in the week's quota or tries again. What happened is in the
 * output: 'acknowledged', 'no credential' or the scheduler's error.
 */
export async function acknowledge(context: IExecuteFunctions, json: IDataObject, ack: Ack): Promise<string | null> {
	if (typeof json.ackUrl !== 'string' || !json.ackUrl || typeof json.id !== 'string') return null;
	let token: string;
	try {
		token = (await context.getCredentials<{ token: string }>('banditoreSchedulerApi')).token;
	} catch {
		return 'not acknowledged: add the Banditore Scheduler API credential to this node';
	}
	try {
		const response = await http()({ method: 'POST', url: json.ackUrl, headers: { authorization: `Bearer ${token}` }, body: ack, timeoutMs: 30_000 });
		if (response.status >= 200 && response.status < 300) return 'acknowledged';
		const body = response.body as { message?: string } | null;
		return `not acknowledged: the scheduler answered HTTP ${response.status}${body?.message ? ` (${body.message})` : ''}`;
	} catch (error) {
		return `not acknowledged: ${(error as Error).message}`;
	}
}
