// Cloud API status webhooks: Meta's verification handshake, signed deliveries recorded once, and
// the lookup the broadcast engine uses to settle recipients whose send was in doubt.
import { parseStatusWebhook, splitCallbackData, verifySignature } from '../../core/whatsapp/webhook';
import type { Context } from './context';
import { ApiError } from './errors';
import type { Param } from './store';

/** Later statuses win when webhooks arrive out of order; failed is final. */
const RANK: Record<string, number> = { sent: 1, delivered: 2, read: 3, failed: 4 };

export interface RecordedStatus {
	messageId: string;
	status: 'sent' | 'delivered' | 'read' | 'failed';
	errorCode: number | null;
}

function settings(ctx: Context): { appSecret: string; verifyToken: string } {
	const { appSecret, verifyToken } = ctx.config.whatsapp ?? { appSecret: null, verifyToken: null };
	if (!appSecret || !verifyToken) {
		throw new ApiError(503, 'not_configured', 'WhatsApp status webhooks are not configured', 'Set WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN (or whatsapp.appSecret and whatsapp.verifyToken in the config file).');
	}
	return { appSecret, verifyToken };
}

/** GET handshake: echo hub.challenge when Meta presents our verify token. */
export function verifyHandshake(ctx: Context, query: Record<string, string | undefined>): string {
	const { verifyToken } = settings(ctx);
	if (query['hub.mode'] !== 'subscribe' || query['hub.verify_token'] !== verifyToken || !query['hub.challenge']) {
		throw new ApiError(403, 'forbidden', 'wrong hub.mode or hub.verify_token', 'Type the same verify token in the Meta app dashboard and in WHATSAPP_VERIFY_TOKEN.');
	}
	return query['hub.challenge'];
}

/** A signed delivery: every status recorded once (Meta retries, and replays change nothing). */
export async function receiveStatuses(ctx: Context, rawBody: Buffer | undefined, signature: string | string[] | undefined): Promise<number> {
	const { appSecret } = settings(ctx);
	if (!rawBody || !verifySignature(rawBody, signature, appSecret)) {
		throw new ApiError(401, 'bad_signature', 'X-Hub-Signature-256 is missing or does not match the body', 'Check WHATSAPP_APP_SECRET is the secret of the app that sends the webhooks.');
	}
	let json: unknown;
	try {
		json = JSON.parse(rawBody.toString('utf8'));
	} catch {
		throw new ApiError(400, 'invalid_json', 'the signed body is not valid JSON');
	}
	const events = parseStatusWebhook(json);
	const now = ctx.clock().getTime();
	let recorded = 0;
	await ctx.store.tx(async (q) => {
		for (const event of events) {
			const ours = event.callbackData ? splitCallbackData(event.callbackData) : null;
			recorded += await q.run(
				'INSERT INTO whatsapp_statuses (wamid, status, at, broadcast_id, recipient_key, error_code, received_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
				[event.messageId, event.status, Date.parse(event.at), ours?.broadcastId ?? null, ours?.key ?? null, event.errors[0]?.code ?? null, now],
			);
		}
	});
	return recorded;
}

/** The most advanced status of each recipient key of a broadcast that has one. */
export async function lookupStatuses(ctx: Context, broadcastId: string, keys: string[]): Promise<Record<string, RecordedStatus>> {
	if (keys.length === 0) return {};
	const params: Param[] = [broadcastId, ...keys];
	const rows = await ctx.store.all<{ wamid: string; status: string; recipient_key: string; error_code: number | null }>(
		`SELECT wamid, status, recipient_key, error_code FROM whatsapp_statuses WHERE broadcast_id = ? AND recipient_key IN (${keys.map(() => '?').join(', ')})`,
		params,
	);
	const out: Record<string, RecordedStatus> = {};
	for (const row of rows) {
		const known = out[row.recipient_key];
		if (!known || RANK[row.status] > RANK[known.status]) {
			out[row.recipient_key] = { messageId: row.wamid, status: row.status as RecordedStatus['status'], errorCode: row.error_code === null ? null : Number(row.error_code) };
		}
	}
	return out;
}
