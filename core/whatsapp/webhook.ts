// Cloud API status webhooks: the signature check and the parsing the scheduler's endpoint uses.
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * X-Hub-Signature-256 is "sha256=" and the hex HMAC-SHA256 of the raw body bytes keyed with the App
 * Secret. Check it on the bytes as received, before any JSON parsing, in constant time.
 */
export function verifySignature(rawBody: Buffer | string, header: string | string[] | undefined | null, appSecret: string): boolean {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string' || !appSecret) return false;
	const match = /^sha256=([0-9a-f]{64})$/i.exec(value.trim());
	if (!match) return false;
	const expected = createHmac('sha256', appSecret).update(rawBody).digest();
	const given = Buffer.from(match[1], 'hex');
	return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface StatusError {
	code: number | null;
	title: string;
	details: string | null;
}

export interface StatusEvent {
	/** The wamid the send answered. */
	messageId: string;
	status: 'sent' | 'delivered' | 'read' | 'failed';
	/** ISO instant. */
	at: string;
	/** The recipient's number: keep it out of logs and of what staff see. */
	recipientId: string;
	/** biz_opaque_callback_data: `<broadcastId>:<recipient key>` for our broadcasts. */
	callbackData: string | null;
	phoneNumberId: string | null;
	errors: StatusError[];
}

const STATUSES = new Set(['sent', 'delivered', 'read', 'failed']);

/**
 * Every status event of a webhook payload, in payload order (Meta does not guarantee order across
 * deliveries). Anything that is not a status (incoming messages, malformed entries) is skipped.
 */
export function parseStatusWebhook(json: unknown): StatusEvent[] {
	const events: StatusEvent[] = [];
	const payload = json as { object?: unknown; entry?: unknown } | null;
	if (!payload || payload.object !== 'whatsapp_business_account' || !Array.isArray(payload.entry)) return events;
	for (const entry of payload.entry as Array<{ changes?: unknown }>) {
		for (const change of Array.isArray(entry?.changes) ? (entry.changes as Array<{ value?: Record<string, unknown> }>) : []) {
			const value = change?.value ?? {};
			const phoneNumberId = ((value.metadata ?? {}) as { phone_number_id?: unknown }).phone_number_id;
			for (const status of Array.isArray(value.statuses) ? (value.statuses as Array<Record<string, unknown>>) : []) {
				if (typeof status.id !== 'string' || typeof status.status !== 'string' || !STATUSES.has(status.status)) continue;
				events.push({
					messageId: status.id,
					status: status.status as StatusEvent['status'],
					at: instant(status.timestamp),
					recipientId: typeof status.recipient_id === 'string' ? status.recipient_id : '',
					callbackData: typeof status.biz_opaque_callback_data === 'string' ? status.biz_opaque_callback_data : null,
					phoneNumberId: typeof phoneNumberId === 'string' ? phoneNumberId : null,
					errors: (Array.isArray(status.errors) ? (status.errors as Array<Record<string, unknown>>) : []).map((error) => ({
						code: typeof error.code === 'number' ? error.code : null,
						title: String(error.title ?? error.message ?? ''),
						details: typeof (error.error_data as { details?: unknown } | undefined)?.details === 'string' ? String((error.error_data as { details: string }).details) : null,
					})),
				});
			}
		}
	}
	return events;
}

/** `<broadcastId>:<recipient key>`: the key may contain ':', the broadcast id may not. */
export function callbackData(broadcastId: string, key: string): string {
	return `${broadcastId}:${key}`;
}

export function splitCallbackData(data: string): { broadcastId: string; key: string } | null {
	const at = data.indexOf(':');
	return at > 0 ? { broadcastId: data.slice(0, at), key: data.slice(at + 1) } : null;
}

function instant(timestamp: unknown): string {
	const seconds = Number(timestamp);
	return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : new Date(0).toISOString();
}
