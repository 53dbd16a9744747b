// The n8n flow transport (kind `webhook`): POST the message to the n8n Scheduler Trigger. A 2xx means n8n has it and
// the ack will say how it went; a refused connection or a non-2xx means the flow never saw it. A
// timeout or a connection cut after sending is an unknown outcome: never resent without a decision.
import { t } from '../../../core/messages';
import { z } from '../../../core/vendor';
import type { Message } from '../model';
import { deliveryKind } from './kind';
import type { DeliveryResult, Transport } from './transport';

const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export class N8nFlowTransport implements Transport {
	readonly kind = 'webhook';
	constructor(
		readonly url: string,
		readonly timeoutMs: number,
		/** The scheduler's API token: the Scheduler Trigger accepts calls only with it. */
		private readonly token: string,
	) {}

	async deliver(message: Message, ackUrl: string): Promise<DeliveryResult> {
		let response: Response;
		try {
			response = await fetch(this.url, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					authorization: `Bearer ${this.token}`,
					'x-banditore-message-id': message.id,
				},
				body: JSON.stringify({ message, ackUrl }),
				signal: AbortSignal.timeout(this.timeoutMs),
			});
			await response.arrayBuffer().catch(() => undefined);
		} catch (error) {
			const code = errorCode(error);
			if (code && NOT_CONNECTED.has(code)) return { kind: 'notHandedOver', reason: t('scheduler.webhook.unreachable', { code }), retry: true };
			return { kind: 'unknown', reason: t('scheduler.webhook.noAnswer', { code: code ?? (error as Error).name }) };
		}
		if (response.ok) return { kind: 'handedOver' };
		return { kind: 'notHandedOver', reason: t('scheduler.webhook.status', { status: response.status }), retry: true };
	}

	async recover() {
		return { sent: false as const, known: false };
	}
}

function errorCode(error: unknown): string | undefined {
	const e = error as { code?: string; cause?: { code?: string } };
	return e?.cause?.code ?? e?.code;
}

export type N8nFlowDelivery = { kind: 'webhook'; url: string };

/** A request may take at most half the lease, so that the lease never ends while one is still waiting. */
export const flowTimeoutMs = (leaseSeconds: number): number => Math.min(30_000, (leaseSeconds * 1000) / 2);

export const n8nFlowKind = deliveryKind({
	kind: 'webhook',
	schema: z.object({ kind: z.literal('webhook'), url: z.string().url() }).strict(),
	direct: false,
	resolve: (written): N8nFlowDelivery => written,
	transport: (settings: N8nFlowDelivery, options) => new N8nFlowTransport(settings.url, flowTimeoutMs(options.leaseSeconds), options.token),
});
