import { NodeApiError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type JsonObject } from 'n8n-workflow';
import { BanditoreError } from '../../../core/errors';
import { NetworkError } from '../../../core/whatsapp';
import { toNodeError } from '../transport';
import { acknowledge, type Ack } from './ack';
import { postToChannel } from './channel';
import { composePost } from './message';
import { writeToOutbox } from './outbox';
import { sendToSubscribers } from './subscribers';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const input = this.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < input.length; itemIndex++) {
		const json = input[itemIndex].json;
		const target = this.getNodeParameter('target', itemIndex) as 'channel' | 'subscribers' | 'outbox';
		try {
			const post = composePost(this, itemIndex, json);
			let result: IDataObject;
			if (target === 'outbox') result = await writeToOutbox(this, itemIndex, post, json);
			else if (target === 'channel') result = await postToChannel(this, itemIndex, post);
			else {
				const { json: sent, report } = await sendToSubscribers(this, itemIndex, post, json);
				if (report.stopped) {
					const stopped = report.stopped;
					const ack = await acknowledge(this, json, { status: 'failed', reason: stopped.message, retry: true });
					const response = { code: stopped.code, graphCode: stopped.graphCode, broadcastId: sent.broadcastId as string } as JsonObject;
					throw new NodeApiError(this.getNode(), response, {
						message: `Broadcast stopped: ${stopped.message}`,
						httpCode: stopped.httpStatus ? String(stopped.httpStatus) : undefined,
						description: `${stopped.hint ?? ''} ${report.sent} sent, ${report.notTried + report.failed} not yet: running the same message again continues where it stopped.${ack ? ` Scheduler: ${ack}.` : ''}`.trim(),
						itemIndex,
					});
				}
				result = sent;
			}
			const ack = await acknowledge(this, json, outcome(target, result, json));
			output.push({ json: { ...result, ...(ack ? { ack } : {}) }, pairedItem: { item: itemIndex } });
		} catch (error) {
			if (!(error instanceof NodeApiError) && target !== 'outbox') {
				await acknowledge(this, json, { status: 'failed', reason: (error as Error).message, retry: mayRetry(error) });
			}
			if (this.continueOnFail()) {
				output.push({ json: { status: 'failed', error: (error as Error).message, hint: (error as BanditoreError).hint ?? null }, pairedItem: { item: itemIndex } });
				continue;
			}
			throw toNodeError(this, error, itemIndex);
		}
	}
	return [output];
}

/** A post that may have gone out is not retried by the scheduler: a decision for the office. */
function mayRetry(error: unknown): boolean {
	if (error instanceof NetworkError) return !error.maybeDelivered;
	return !(error instanceof BanditoreError && error.code === 'not_confirmed');
}

/**
 * What the scheduler is told. A dry run counts like a post (the scheduler's own outbox transport does
 * the same), so the week's ledger shows what would have gone out. A partial broadcast asks to be run
 * again: the send log continues it, and nobody already reached gets it twice.
 */
function outcome(target: string, result: IDataObject, json: IDataObject): Ack {
	if (target === 'outbox') return { status: 'sent', providerMessageId: `outbox:${String(json.id ?? '')}` };
	if (result.status === 'partial') {
		const report = result.report as { failed: number; notTried: number; inDoubt: number };
		return { status: 'failed', reason: `broadcast incomplete: ${report.failed + report.notTried + report.inDoubt} recipients not reached yet`, retry: true };
	}
	return { status: 'sent', providerMessageId: (result.providerMessageId as string) ?? null };
}
