import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { SchedulerApiError } from '../../../core/scheduler';
import { scheduler } from '../transport';

export type Ack = { status: 'sent'; providerMessageId: string | null } | { status: 'failed'; reason: string; retry: boolean };

/**
 * Items from the Banditore Scheduler Trigger carry `ackUrl` and `id`: the outcome goes back to the
 * scheduler, which counts the message in the week's quota or tries again. What happened is in the
 * output: 'acknowledged', 'no credential' or the scheduler's error.
 */
export async function acknowledge(context: IExecuteFunctions, json: IDataObject, ack: Ack): Promise<string | null> {
	if (typeof json.ackUrl !== 'string' || !json.ackUrl || typeof json.id !== 'string') return null;
	const client = await scheduler(context);
	if (!client) return 'not acknowledged: add the Banditore Scheduler API credential to this node';
	try {
		// To the address the scheduler gave with the message, which may differ from the credential's.
		await client.ack(json.id, ack, json.ackUrl);
		return 'acknowledged';
	} catch (error) {
		if (error instanceof SchedulerApiError) return `not acknowledged: the scheduler answered HTTP ${error.status}${error.apiMessage ? ` (${error.apiMessage})` : ''}`;
		return `not acknowledged: ${(error as Error).message}`;
	}
}
