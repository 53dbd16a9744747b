// A fake Graph API for tests and the broadcast benchmark: POST /{version}/{phone-number-id}/messages
// answers after a latency, optionally with scripted errors, and posts a signed status webhook for each
// accepted message to a recorder, as Meta does. No jest here: bench/broadcast.ts uses it too.
import { createHmac } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GraphAnswer {
	status: number;
	body: unknown;
}

export interface FakeGraphOptions {
	latencyMs?: number;
	/** Latency of one request, overriding latencyMs. */
	latencyFor?: (body: Record<string, unknown>, n: number) => number;
	/** An answer for the nth request (1-based), or undefined to accept it. */
	script?: (body: Record<string, unknown>, n: number) => GraphAnswer | undefined;
	/** Where status webhooks go, and the App Secret that signs them. */
	webhookUrl?: string;
	appSecret?: string;
}

export interface FakeGraph {
	url: string;
	requests: number;
	/** Accepted messages per recipient number. */
	accepted: Map<string, number>;
	bodies: Array<Record<string, unknown>>;
	keepBodies: boolean;
	close(): Promise<void>;
}

export function graphError(code: number, message = 'error', status = 400): GraphAnswer {
	return { status, body: { error: { message, type: 'OAuthException', code, error_data: { details: message }, fbtrace_id: 'test' } } };
}

export async function startFakeGraph(options: FakeGraphOptions = {}): Promise<FakeGraph> {
	let sequence = 0;
	const state: Omit<FakeGraph, 'url' | 'close'> = { requests: 0, accepted: new Map(), bodies: [], keepBodies: true };
	const server = createServer((req, res) => {
		readBody(req).then((raw) => {
			const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
			if (req.method === 'GET') return answer(res, 200, { id: req.url?.split('/').pop(), display_phone_number: '+39 0362 000000', verified_name: 'Comune di Esempio' });
			const n = ++state.requests;
			if (state.keepBodies) state.bodies.push(body);
			const scripted = options.script?.(body, n);
			setTimeout(() => {
				if (scripted) return answer(res, scripted.status, scripted.body);
				const to = String(body.to);
				const wamid = `wamid.${++sequence}`;
				state.accepted.set(to, (state.accepted.get(to) ?? 0) + 1);
				const ok = { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: wamid, message_status: 'accepted' }] };
				// Meta sends the status webhook on its own schedule; here it is delivered before the answer,
				// so a client killed while waiting still leaves a recorded status, and a busy test process
				// cannot let webhooks lag seconds behind the sends.
				if (!options.webhookUrl) return answer(res, 200, ok);
				postStatus(options.webhookUrl, options.appSecret ?? '', to, wamid, body.biz_opaque_callback_data).then(() => answer(res, 200, ok));
			}, options.latencyFor?.(body, n) ?? options.latencyMs ?? 0);
		}, () => res.destroy());
	});
	server.keepAliveTimeout = 30_000;
	const url = await listen(server);
	return Object.assign(state, { url, close: () => close(server) });
}

export function statusPayload(to: string, wamid: string, callbackData: unknown, status = 'sent'): Record<string, unknown> {
	const value: Record<string, unknown> = {
		id: wamid,
		status,
		timestamp: String(Math.floor(Date.now() / 1000)),
		recipient_id: to,
	};
	if (typeof callbackData === 'string') value.biz_opaque_callback_data = callbackData;
	return {
		object: 'whatsapp_business_account',
		entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '390362000000', phone_number_id: '1234567890' }, statuses: [value] } }] }],
	};
}

function postStatus(url: string, secret: string, to: string, wamid: string, callbackData: unknown): Promise<void> {
	const raw = Buffer.from(JSON.stringify(statusPayload(to, wamid, callbackData)));
	const signature = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
	return new Promise((resolve) => {
		const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature, 'content-length': raw.length } });
		req.on('error', () => resolve());
		req.on('response', (res) => {
			res.resume();
			res.on('end', () => resolve());
		});
		req.end(raw);
	});
}

export function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

export function answer(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
	res.end(text);
}

export function listen(server: Server): Promise<string> {
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

export function close(server: Server): Promise<void> {
	server.closeAllConnections();
	return new Promise((resolve) => server.close(() => resolve()));
}
