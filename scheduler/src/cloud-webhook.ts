// The Cloud API webhook: Meta's verification handshake; signed deliveries of statuses, recorded once,
// and of citizens' messages (sign-up, confirmation, STOP, anything else), handled once; and the lookup
// the broadcast engine uses to settle recipients whose send was in doubt.
import { parseStatusWebhook, splitCallbackData, verifySignature } from '../../core/whatsapp/webhook';
import type { Context } from './context';
import { ApiError } from './errors';
import { checkInput } from './input';
import type { Param } from './store';
import { messageDigest } from './subscribers/crypto';
import { receiveMessages } from './subscribers/inbound';
import { removeOptedOut } from './subscribers/store';

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

/**
 * A signed delivery: every status recorded once (Meta retries, and replays change nothing), a
 * subscriber who stopped marketing messages (131050) removed, and every inbound message handled
 * once. Returns how many statuses were recorded.
 */
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
	checkInput({ body: json });
	const events = parseStatusWebhook(json);
	const now = ctx.clock().getTime();
	let recorded = 0;
	await ctx.store.tx(async (q) => {
		for (const event of events) {
			const ours = event.callbackData ? splitCallbackData(event.callbackData) : null;
			recorded += await q.run(
				'INSERT INTO whatsapp_statuses (wamid, status, at, broadcast_id, recipient_key, error_code, received_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
				[storedId(ctx, event.messageId), event.status, Date.parse(event.at), ours?.broadcastId ?? null, ours?.key ?? null, event.errors[0]?.code ?? null, now],
			);
		}
		const optedOut = events.filter((e) => e.status === 'failed' && e.errors.some((x) => x.code === 131050) && e.callbackData);
		if (optedOut.length) await removeOptedOut(q, ctx, optedOut.map((e) => splitCallbackData(e.callbackData as string)?.key ?? ''), now);
	});
	await receiveMessages(ctx, json);
	return recorded;
}

/**
 * Meta's message ids embed the recipient's number (base64 after a short header): with subscriber keys
 * configured, a keyed digest is kept instead. It is still unique per message, which is all we need.
 */
function storedId(ctx: Context, wamid: string): string {
	const keys = ctx.config.subscribers;
	return keys ? `digest:${messageDigest(keys, wamid)}` : wamid;
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
