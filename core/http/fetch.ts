// Polite HTTP GET for comuni sites: conditional requests, compression, a size cap, a deadline and
// bounded redirects. Small PA servers are slow and sometimes huge pages are served by mistake.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { BanditoreError } from '../errors';

export interface Validators {
	etag?: string;
	lastModified?: string;
	/** The address that gave them: they are sent back to it only (not to where it redirects). */
	url?: string;
}

export interface FetchOptions {
	/** Whole-request deadline, headers and body included. */
	timeoutMs?: number;
	/** Cap on the decoded body. */
	maxBytes?: number;
	maxRedirects?: number;
	userAgent?: string;
	accept?: string;
	/** From the previous response: the server may answer 304 and we parse nothing. */
	validators?: Validators;
	/** Extra request headers (an API's Authorization); dropped when a redirect leaves the origin. */
	headers?: Record<string, string>;
	/** Return 4xx/5xx answers with their body instead of throwing: JSON APIs explain their errors there. */
	errorBodies?: boolean;
}

export interface FetchResponse {
	status: number;
	/** Final URL after redirects: the base for relative links. */
	url: string;
	contentType: string | null;
	body: Buffer;
	notModified: boolean;
	validators: Validators;
	/** Response headers, lower-case names (fetchers of local files have none). */
	headers?: Record<string, string>;
}

export type Fetcher = (url: string, options?: FetchOptions) => Promise<FetchResponse>;

export const DEFAULT_USER_AGENT =
	'Banditore/0.1 (+https://github.com/banditore/n8n-nodes-banditore; comune news to WhatsApp)';
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 20_000;
export const DEFAULT_MAX_REDIRECTS = 5;
const ACCEPT =
	'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5';

export const fetchUrl: Fetcher = async (url, options = {}) => {
	const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
	const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
	const first = parseHttpUrl(url);
	let current = first;
	for (let hop = 0; ; hop++) {
		const sent = validatorsFor(current, hop, options.validators);
		// Credentials go to the origin they were meant for only.
		const extra = current.origin === first.origin ? options.headers : undefined;
		const response = await get(current, sent, { ...options, headers: extra }, deadline, url);
		const location = response.headers.location;
		if (response.statusCode && response.statusCode >= 300 && response.statusCode < 400 && location) {
			response.resume();
			if (hop >= maxRedirects) {
				throw new BanditoreError(
					'too_many_redirects',
					`${url} redirected more than ${maxRedirects} times.`,
					'Open it in a browser to find the final address and use that one.',
				);
			}
			current = parseHttpUrl(new URL(location, current).href);
			continue;
		}
		return await readResponse(response, current.href, sent, options, deadline, url);
	}
};

/** Validators without an address (stored before they had one) belong to the address first asked. */
function validatorsFor(url: URL, hop: number, validators: Validators | undefined): Validators | undefined {
	if (!validators) return undefined;
	return (validators.url === undefined ? hop === 0 : validators.url === url.href) ? validators : undefined;
}

function parseHttpUrl(url: string): URL {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new BanditoreError('bad_url', `"${url}" is not a web address.`, 'Write the full address, starting with https://.');
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw new BanditoreError('bad_url', `"${url}" is not an http(s) address.`, 'Write the full address, starting with https://.');
	}
	return parsed;
}

function get(url: URL, validators: Validators | undefined, options: FetchOptions, deadline: number, original: string): Promise<IncomingMessage> {
	const headers: Record<string, string> = {
		'user-agent': options.userAgent ?? DEFAULT_USER_AGENT,
		accept: options.accept ?? ACCEPT,
		'accept-encoding': 'gzip, deflate, br',
		'accept-language': 'it-IT,it;q=0.9,en;q=0.5',
	};
	for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
	if (validators?.etag) headers['if-none-match'] = validators.etag;
	if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
	const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
	return new Promise((resolve, reject) => {
		const req = send(url, { method: 'GET', headers }, resolve);
		armDeadline(req, deadline, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, original, reject);
		req.on('error', (error) => reject(networkError(error, original)));
		req.end();
	});
}

function armDeadline(
	req: ReturnType<typeof httpRequest>,
	deadline: number,
	timeoutMs: number,
	original: string,
	reject: (error: Error) => void,
): void {
	const timer = setTimeout(() => {
		// The whole budget, not what is left of it (nothing, when this fires).
		const error = new BanditoreError(
			'timeout',
			`${original} did not answer within ${+(timeoutMs / 1000).toFixed(1)}s.`,
			'The site may be slow or down: try again later, or raise the timeout.',
		);
		reject(error);
		req.destroy(error);
	}, Math.max(0, deadline - Date.now()));
	req.on('close', () => clearTimeout(timer));
	// From the headers on, collect() keeps the deadline: two timers racing would report a stalled body
	// as a cut connection ('unreachable') about one time in five.
	req.on('response', () => clearTimeout(timer));
}

async function readResponse(
	response: IncomingMessage,
	finalUrl: string,
	sent: Validators | undefined,
	options: FetchOptions,
	deadline: number,
	original: string,
): Promise<FetchResponse> {
	const status = response.statusCode ?? 0;
	// A 304 may omit the validators it confirms; a 200 without them means there are none any more.
	const kept = status === 304 ? sent : undefined;
	const validators = validatorsOf(finalUrl, header(response, 'etag') ?? kept?.etag, header(response, 'last-modified') ?? kept?.lastModified);
	const contentType = header(response, 'content-type') ?? null;
	if (status === 304) {
		response.resume();
		return { status, url: finalUrl, contentType, body: Buffer.alloc(0), notModified: true, validators };
	}
	if ((status < 200 || status >= 300) && !options.errorBodies) {
		response.resume();
		throw httpStatusError(status, original);
	}
	const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
	const declared = Number(header(response, 'content-length'));
	if (declared > maxBytes) {
		response.destroy();
		throw tooBig(original, maxBytes);
	}
	const raw = await collect(response, maxBytes, original, deadline);
	const body = decompress(raw, header(response, 'content-encoding'), maxBytes, original);
	return { status, url: finalUrl, contentType, body, notModified: false, validators, headers: headersOf(response) };
}

function headersOf(response: IncomingMessage): Record<string, string> {
	return Object.fromEntries(Object.entries(response.headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]])));
}

function collect(response: IncomingMessage, maxBytes: number, original: string, deadline: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		const timer = setTimeout(() => {
			response.destroy();
			reject(new BanditoreError('timeout', `${original} was too slow to send its content.`, 'Try again later, or raise the timeout.'));
		}, Math.max(0, deadline - Date.now()));
		response.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > maxBytes) {
				clearTimeout(timer);
				response.destroy();
				reject(tooBig(original, maxBytes));
				return;
			}
			chunks.push(chunk);
		});
		response.on('end', () => {
			clearTimeout(timer);
			resolve(Buffer.concat(chunks, size));
		});
		response.on('error', (error) => {
			clearTimeout(timer);
			reject(networkError(error, original));
		});
	});
}

function decompress(raw: Buffer, encoding: string | undefined, maxBytes: number, original: string): Buffer {
	const kind = encoding?.trim().toLowerCase();
	const limits = { maxOutputLength: maxBytes };
	try {
		if (kind === 'gzip' || kind === 'x-gzip') return gunzipSync(raw, limits);
		if (kind === 'br') return brotliDecompressSync(raw, limits);
		if (kind === 'deflate') {
			// Servers disagree on what "deflate" means: zlib-wrapped (RFC 1950) or raw (RFC 1951).
			return (raw[0] & 0x0f) === 8 ? inflateSync(raw, limits) : inflateRawSync(raw, limits);
		}
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooBig(original, maxBytes);
		throw new BanditoreError('bad_encoding', `${original} sent a corrupt ${kind} body.`, 'Try again later; if it persists the site is misconfigured.', { cause: error });
	}
	return raw;
}

/**
 * A gzip file (a saved feed.xml.gz, or a server that compressed twice) is read as what it holds;
 * anything else is returned as it is.
 */
export function gunzipIfCompressed(body: Buffer, maxBytes: number, url: string): Buffer {
	if (body.length < 2 || body[0] !== 0x1f || body[1] !== 0x8b) return body;
	try {
		return gunzipSync(body, { maxOutputLength: maxBytes });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooBig(`${url} (once decompressed)`, maxBytes);
		throw new BanditoreError(
			'bad_encoding',
			`${url} is a gzip-compressed file that cannot be decompressed: it is cut short or corrupt.`,
			'Download it again, or give the address of the feed or page itself.',
			{ cause: error },
		);
	}
}

function validatorsOf(url: string, etag: string | undefined, lastModified: string | undefined): Validators {
	if (etag === undefined && lastModified === undefined) return {};
	return { ...(etag !== undefined && { etag }), ...(lastModified !== undefined && { lastModified }), url };
}

function header(response: IncomingMessage, name: string): string | undefined {
	const value = response.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

export function tooBig(url: string, maxBytes: number): BanditoreError {
	return new BanditoreError(
		'too_big',
		`${url} is larger than ${maxBytes >= 1024 * 1024 ? `${+(maxBytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(maxBytes / 1024)} KB`}.`,
		'Check it is the news feed or listing and not a file download, or raise the size limit.',
	);
}

function httpStatusError(status: number, url: string): BanditoreError {
	const hint =
		status === 404 || status === 410
			? 'The page is not there (any more): check the address on the comune site.'
			: status === 401 || status === 403
				? 'The site refuses automated reading: ask the site manager to allow it, or use its RSS feed.'
				: status === 429
					? 'The site asks us to slow down: poll less often.'
					: status >= 500
						? 'The site has a problem of its own: try again later.'
						: 'Check the address.';
	return new BanditoreError('http_status', `${url} answered HTTP ${status}.`, hint);
}

function networkError(error: Error, url: string): Error {
	if (error instanceof BanditoreError) return error;
	const code = (error as NodeJS.ErrnoException).code;
	const what =
		code === 'ENOTFOUND' || code === 'EAI_AGAIN'
			? 'its host name could not be resolved'
			: code === 'ECONNREFUSED'
				? 'the connection was refused'
				: code === 'ECONNRESET'
					? 'the connection was cut'
					: code?.startsWith('ERR_TLS') || code?.includes('CERT')
						? 'its TLS certificate is not valid'
						: error.message;
	return new BanditoreError('unreachable', `${url} cannot be reached: ${what}.`, 'Check the address and the network, then try again.', {
		cause: error,
	});
}
