// The HTTP API v1: JSON, bearer-token auth on everything but /healthz and /readyz, OpenAPI at /openapi.json.
import { timingSafeEqual } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { Context } from '../context';
import { ApiError, databaseUnavailable } from '../errors';
import { readiness } from '../health';
import { checkInput, checkQueryEncoding } from '../input';
import { StoreFault } from '../store';
import { receiveStatuses, verifyHandshake } from '../cloud-webhook';
import { routes } from './routes';
import { forbiddenForComune } from './scope';
import { comuneScope, INSTALLATION, type Scope } from '../comuni';
import { authenticate } from '../tokens';
import { validatorCompiler } from './validation';
import { adminPlugin } from '../admin/plugin';

// Meta calls the status webhook with its own proof (the verify token, the body signature).
const OPEN = new Set(['/healthz', '/readyz', '/webhooks/whatsapp']);

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The API's error code for a status fastify sets itself. */
const CODES: Record<number, string> = { 404: 'not_found', 405: 'method_not_allowed', 413: 'too_large', 414: 'uri_too_long', 415: 'unsupported_media_type', 431: 'headers_too_large' };
const codeOf = (status: number): string => CODES[status] ?? 'invalid_request';

/** A request Node's HTTP parser refused: answered on the socket in the API's shape, then closed. */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
	if (error.code === 'ECONNRESET' || !socket.writable) {
		socket.destroy();
		return;
	}
	const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'HPE_URI_TOO_LONG' ? 414 : 400;
	const body = JSON.stringify({ error: codeOf(status), message: status === 431 ? 'the request line or headers are too large' : 'the request is not valid HTTP' });
	socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

declare module 'fastify' {
	interface FastifyRequest {
		/** What the bearer token sees: the installation, or one comune (api/scope.ts checks each route). */
		apiScope: Scope;
	}
}

function sameToken(given: string, expected: string): boolean {
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

/** A route the app serves: tests go through every one (the admin pages' and the API's). */
export interface RouteEntry {
	method: string;
	url: string;
}

export async function buildApp(ctx: Context, logger: FastifyServerOptions['logger'], routeList: RouteEntry[] = []): Promise<FastifyInstance> {
	const app = Fastify({
		logger,
		trustProxy: ctx.config.trustProxy ?? false,
		// Errors of the router (a parameter too long, a URL that does not decode) in the API's shape.
		frameworkErrors: (error, _request, reply) => {
			const status = (error as { statusCode?: number }).statusCode ?? 400;
			void (reply as FastifyReply).code(status).send({ error: codeOf(status), message: error.message });
		},
		// Errors before any route (headers too large, a request that does not parse), in the same shape.
		clientErrorHandler: answerClientError,
	});
	app.setValidatorCompiler(validatorCompiler());
	app.addHook('onRoute', (route) => {
		for (const method of [route.method].flat()) routeList.push({ method, url: route.url });
	});
	app.decorateRequest('apiScope', null as never);

	// Empty bodies are fine on action endpoints (cancel, release…), even with a JSON content type.
	// Bytes that are not UTF-8 are refused, not turned into replacement characters.
	app.removeContentTypeParser('application/json');
	app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
		let text: string;
		try {
			text = UTF8.decode(body as Buffer);
		} catch {
			return done(new ApiError(400, 'invalid_text', 'the request body is not UTF-8 text', 'Send JSON encoded as UTF-8.'), undefined);
		}
		if (!text.trim()) return done(null, undefined);
		try {
			done(null, JSON.parse(text));
		} catch {
			done(new ApiError(400, 'invalid_json', 'the request body is not valid JSON'), undefined);
		}
	});

	await app.register(swagger, {
		openapi: {
			openapi: '3.0.3',
			info: { title: 'Banditore scheduler', version: '1.0.0', description: 'Outbox and weekly ledger of a one-way WhatsApp channel.' },
			components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
			security: [{ bearer: [] }],
		},
	});

	// Every route, the admin page's included: no text the stores cannot keep, no body without a value.
	app.addHook('preValidation', async (request) => {
		if (request.body === undefined) request.body = null;
		checkQueryEncoding(request.url);
		checkInput({ params: request.params, querystring: request.query, body: request.body });
	});

	app.addHook('onRequest', async (request, reply) => {
		const path = request.url.split('?')[0];
		// The admin page has its own login and session cookie.
		if (OPEN.has(path) || path === '/admin' || path.startsWith('/admin/')) return;
		const header = request.headers.authorization ?? '';
		const token = header.startsWith('Bearer ') ? header.slice(7) : '';
		// The installation's token sees everything; a comune's token (issue #17) only that comune.
		if (token && sameToken(token, ctx.config.apiToken)) {
			request.apiScope = INSTALLATION;
			return;
		}
		const comuneToken = token ? await authenticate(ctx.store, token, ctx.clock().getTime()) : null;
		if (comuneToken) {
			request.apiScope = comuneScope(comuneToken.comune);
			return;
		}
		await reply.code(401).send({ error: 'unauthorized', message: 'missing, wrong or revoked bearer token', hint: 'Send "Authorization: Bearer <token>": BANDITORE_API_TOKEN, or a live token of your comune.' });
	});

	app.setErrorHandler((error, request, reply) => {
		if (error instanceof StoreFault) {
			// Nothing was decided or written (or it is safe to ask again): the caller retries.
			request.log.warn({ err: error.cause, fault: error.kind }, 'database unavailable');
			reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryInMs / 1000))));
			error = databaseUnavailable(error.kind, error.retryInMs);
		}
		if (error instanceof ApiError) {
			return reply.code(error.status).send({ error: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}), ...error.extra });
		}
		const e = error as { validation?: unknown; statusCode?: number; message: string; code?: string };
		if (e.validation) return reply.code(400).send({ error: 'invalid_request', message: e.message });
		if (e.statusCode && e.statusCode < 500) return reply.code(e.statusCode).send({ error: codeOf(e.statusCode), message: e.message });
		request.log.error({ err: error }, 'request failed');
		return reply.code(500).send({ error: 'internal', message: 'internal error, see the scheduler log' });
	});

	app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }));

	app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
	app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
		const ready = await readiness(ctx);
		if (ready.ready) return { status: 'ready' };
		const e = databaseUnavailable(ready.fault, 0);
		return reply.code(503).send({ error: e.code, message: `${e.message}: ${ready.message}`, hint: e.hint, ...e.extra });
	});
	app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
	app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
		// Every channel's figures: the installation's token only.
		if (request.apiScope.kind !== 'installation') throw forbiddenForComune();
		reply.header('content-type', ctx.metrics.registry.contentType);
		return ctx.metrics.registry.metrics();
	});
	app.get<{ Querystring: Record<string, string> }>('/webhooks/whatsapp', { schema: { hide: true } }, async (request, reply) =>
		reply.type('text/plain').send(verifyHandshake(ctx, request.query)),
	);
	// The signature is over the raw bytes and is checked before anything parses them.
	await app.register(async (webhook) => {
		webhook.removeContentTypeParser('application/json');
		webhook.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
		webhook.post('/webhooks/whatsapp', { schema: { hide: true } }, async (request) => ({
			recorded: await receiveStatuses(ctx, Buffer.isBuffer(request.body) ? request.body : undefined, request.headers['x-hub-signature-256']),
		}));
	});
	await app.register(routes(ctx), { prefix: '/v1' });
	await app.register(adminPlugin(ctx, { sessionHours: ctx.config.admin?.sessionHours ?? 8 }), { prefix: '/admin' });
	return app;
}
