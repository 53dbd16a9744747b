// Posting to a WhatsApp Channel (…@newsletter) or a Community announcement group (…@g.us) through an
// unofficial gateway. Gateways are known to answer 200/201 for channel posts that never appear
// (waha#1861, #1523, #1339), so every post is read back from the chat before it counts as sent.
import { BanditoreError } from '../../errors';
import type { HttpClient, HttpResponse } from '../http';

export interface GatewayConfig {
	kind: 'waha' | 'evolution';
	baseUrl: string;
	apiKey: string;
	/** WAHA session or Evolution instance. */
	session: string;
	http: HttpClient;
	timeoutMs?: number;
}

export interface GatewayPost {
	text: string;
	image?: { url: string; mimetype?: string; filename?: string } | null;
}

export interface ChatMessage {
	id: string;
	text: string;
	fromMe: boolean;
}

export interface ChatInfo {
	id: string;
	name: string;
	role?: string;
}

export interface Gateway {
	readonly name: string;
	/** Sends the post; the id the gateway gave it, or null when it gave none. */
	send(chatId: string, post: GatewayPost): Promise<string | null>;
	/** The latest messages of a chat, newest first. */
	recent(chatId: string, limit: number): Promise<ChatMessage[]>;
	/** Channels and groups the account may post to. */
	chats(): Promise<ChatInfo[]>;
}

export interface ConfirmOptions {
	/** Read-backs before giving up: a post takes a moment to show in the chat. */
	attempts?: number;
	delayMs?: number;
	sleep?: (ms: number) => Promise<void>;
}

export interface Posted {
	id: string;
	/** How the read-back found it. */
	matchedBy: 'id' | 'text';
}

/** Post, then read the chat back until the post is there; otherwise a `not_confirmed` error. */
export async function postAndConfirm(gateway: Gateway, chatId: string, post: GatewayPost, options: ConfirmOptions = {}): Promise<Posted> {
	const attempts = options.attempts ?? 4;
	const delayMs = options.delayMs ?? 1500;
	const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
	// What is already in the chat cannot confirm this post, even with the same text.
	const earlier = new Set((await gateway.recent(chatId, 20)).map((message) => message.id));
	const id = await gateway.send(chatId, post);
	for (let attempt = 1; attempt <= attempts; attempt++) {
		await sleep(delayMs * attempt);
		const fresh = (await gateway.recent(chatId, 20)).filter((message) => !earlier.has(message.id));
		const found = findPost(fresh, id, post.text);
		if (found) return found;
	}
	throw new BanditoreError(
		'not_confirmed',
		`${gateway.name} accepted the post${id ? ` (id ${id})` : ''} but it is not in ${chatId} after ${attempts} read-backs.`,
		'Gateways report success for channel posts that never appear: check the channel in WhatsApp and the gateway session (engine, connection) before posting again.',
	);
}

/** The post among the chat's messages: by id, else by its text (ids of channel posts can change). */
export function findPost(messages: ChatMessage[], id: string | null, text: string): Posted | null {
	if (id) {
		const byId = messages.find((message) => message.id === id || sameKey(message.id, id));
		if (byId) return { id: byId.id, matchedBy: 'id' };
	}
	const wanted = normalise(text);
	const byText = messages.find((message) => message.fromMe && wanted !== '' && normalise(message.text) === wanted);
	return byText ? { id: byText.id, matchedBy: 'text' } : null;
}

/** WAHA serialises ids as fromMe_chat_key: compare the key part. */
function sameKey(a: string, b: string): boolean {
	const key = (id: string) => id.split('_').pop() ?? id;
	return key(a) === key(b);
}

function normalise(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}

/** What an HTTP error of a gateway means: the n8n node's hints and the scheduler's retry decision both follow it. */
export type GatewayFault = 'auth' | 'notFound' | 'disconnected' | 'throttled' | 'unavailable' | 'refused';

export function gatewayFault(status: number): GatewayFault {
	if (status === 401 || status === 403) return 'auth';
	if (status === 404) return 'notFound';
	// WAHA and Evolution answer 409/422 while the session is not connected: it may come back.
	if (status === 409 || status === 422) return 'disconnected';
	if (status === 429) return 'throttled';
	if (status >= 500) return 'unavailable';
	return 'refused';
}

/** An error answer of a gateway as a BanditoreError with what to do. */
export function gatewayError(name: string, what: string, response: HttpResponse): BanditoreError {
	const body = response.body as { message?: unknown; error?: unknown; response?: { message?: unknown } } | string | null;
	const detail =
		typeof body === 'string'
			? body.slice(0, 200)
			: [body?.message, body?.error, body?.response?.message].flat().filter((part) => typeof part === 'string' && part).join(': ');
	const fault = gatewayFault(response.status);
	const hint =
		fault === 'auth'
			? `Check the API key in the WhatsApp Gateway credential.`
			: fault === 'notFound'
				? `Check the ${name === 'WAHA' ? 'session' : 'instance'} name and the chat id.`
				: fault === 'disconnected'
					? `The ${name} session is not connected: open the gateway and scan the QR code again.`
					: `See the ${name} log.`;
	return new BanditoreError('http_status', `${name} answered HTTP ${response.status} to ${what}${detail ? `: ${detail}` : ''}.`, hint);
}

/** image/jpeg from a URL's extension; WhatsApp takes JPEG and PNG. */
export function imageType(url: string): { mimetype: string; filename: string } {
	const path = url.split(/[?#]/)[0];
	const name = path.split('/').pop() || 'immagine.jpg';
	const mimetype = /\.png$/i.test(name) ? 'image/png' : /\.webp$/i.test(name) ? 'image/webp' : 'image/jpeg';
	return { mimetype, filename: /\.\w{3,4}$/.test(name) ? name : `${name}.jpg` };
}
