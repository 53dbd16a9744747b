import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { BanditoreError } from '../../../core/errors';
import { TelegramApiError } from '../../../core/telegram';
import { NetworkError } from '../../../core/whatsapp/http';
import { acknowledge } from '../../BanditoreWhatsApp/actions/ack';
import { toNodeError } from '../transport';
import { sendMessage } from './send';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const input = this.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < input.length; itemIndex++) {
		const json = input[itemIndex].json;
		try {
			const result = await sendMessage(this, itemIndex, json);
			const ack = await acknowledge(this, json, { status: 'sent', providerMessageId: result.providerMessageId as string });
			output.push({ json: { ...result, ...(ack ? { ack } : {}) }, pairedItem: { item: itemIndex } });
		} catch (error) {
			const ack = await acknowledge(this, json, { status: 'failed', reason: (error as Error).message, retry: mayRetry(error) });
			if (this.continueOnFail()) {
				const retryAfter = error instanceof TelegramApiError ? error.retryAfter : null;
				output.push({
					json: { status: 'failed', error: (error as Error).message, hint: (error as BanditoreError).hint ?? null, ...(retryAfter !== null ? { retryAfter } : {}), ...(ack ? { ack } : {}) },
					pairedItem: { item: itemIndex },
				});
				continue;
			}
			throw toNodeError(this, error, itemIndex);
		}
	}
	return [output];
}

/**
 * What the scheduler may do again by itself: a request refused by flood control or never written.
 * A server error or a cut answer may come after the post went out: a decision for the office.
 */
function mayRetry(error: unknown): boolean {
	if (error instanceof NetworkError) return !error.maybeDelivered;
	return error instanceof TelegramApiError && error.fault === 'throttled';
}
