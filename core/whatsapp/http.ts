// JSON over HTTP(S) with keep-alive connections: a broadcast makes thousands of requests to one host,
// and a new TLS handshake for each would cost more than the request itself.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { BanditoreError } from '../errors';

export interface HttpRequest {
	method: 'GET' | 'POST' | 'DELETE';
	url: string;
	headers?: Record<string, string>;
	body?: unknown;
	timeoutMs?: number;
}

export interface HttpResponse {
	status: number;
	body: unknown;
}

export type HttpClient = (request: HttpRequest) => Promise<HttpResponse>;

/**
 * A network error. `maybeDelivered` is true when the request had been written when it failed
 * (a timeout or a reset): the server may have acted on it, so resending could post twice.
 */
export class NetworkError extends BanditoreError {
	constructor(
		readonly url: string,
		readonly maybeDelivered: boolean,
		cause: unknown,
	) {
		const why = cause instanceof Error ? cause.message : String(cause);
		super(
			maybeDelivered ? 'timeout' : 'unreachable',
			maybeDelivered ? `No answer from ${origin(url)} (${why}): the message may or may not have been sent.` : `Cannot reach ${origin(url)} (${why}).`,
			maybeDelivered ? 'Check the delivery before sending again.' : 'Check the base URL and that the service is running.',
			{ cause },
		);
		this.name = 'NetworkError';
	}
}

export interface HttpClientOptions {
	/** Connections kept open per host. */
	maxSockets?: number;
	timeoutMs?: number;
}

export interface ClosableHttpClient extends HttpClient {
	close(): void;
}

export function createHttpClient(options: HttpClientOptions = {}): ClosableHttpClient {
	const maxSockets = options.maxSockets ?? 64;
	const http = new HttpAgent({ keepAlive: true, maxSockets });
	const https = new HttpsAgent({ keepAlive: true, maxSockets });
	const client = (request: HttpRequest) => send(request, request.url.startsWith('https:') ? https : http, options.timeoutMs ?? 30_000);
	return Object.assign(client, {
		close: () => {
			http.destroy();
			https.destroy();
		},
	});
}

function send(request: HttpRequest, agent: HttpAgent | HttpsAgent, defaultTimeout: number): Promise<HttpResponse> {
	const url = new URL(request.url);
	const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
	const headers: Record<string, string | number> = { accept: 'application/json', ...request.headers };
	if (payload) {
		headers['content-type'] = 'application/json';
		headers['content-length'] = payload.length;
	}
	const open = url.protocol === 'https:' ? httpsRequest : httpRequest;
	return new Promise((resolve, reject) => {
		let written = false;
		const req = open(url, { method: request.method, headers, agent }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('error', (error) => reject(new NetworkError(request.url, true, error)));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let body: unknown = text;
				try {
					body = text ? JSON.parse(text) : null;
				} catch {
					// Not JSON (an HTML error page of a proxy): keep the text for the message.
				}
				resolve({ status: res.statusCode ?? 0, body });
			});
		});
		req.setTimeout(request.timeoutMs ?? defaultTimeout, () => req.destroy(new Error('timed out')));
		req.on('finish', () => (written = true));
		req.on('error', (error) => reject(new NetworkError(request.url, written, error)));
		req.end(payload);
	});
}

function origin(url: string): string {
	try {
		return new URL(url).origin;
	} catch {
		return url;
	}
}

/** A base URL and path segments, each segment encoded (chat ids contain @). */
export function joinUrl(base: string, ...segments: string[]): string {
	return [base.replace(/\/+$/, ''), ...segments.map((segment) => encodeURIComponent(segment))].join('/');
}
