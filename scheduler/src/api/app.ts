// The HTTP API v1: JSON, bearer-token auth on everything but /healthz and /readyz, OpenAPI at /openapi.json.
import { timingSafeEqual } from 'node:crypto';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Context } from '../context';
import { ApiError, databaseUnavailable } from '../errors';
import { readiness } from '../health';
import { StoreFault } from '../store';
import { receiveStatuses, verifyHandshake } from '../whatsapp';
import { routes } from './routes';
import { adminPlugin } from '../admin/plugin';

// Meta calls the status webhook with its own proof (the verify token, the body signature).
const OPEN = new Set(['/healthz', '/readyz', '/webhooks/whatsapp']);

function sameToken(given: string, expected: string): boolean {
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

export async function buildApp(ctx: Context, logger: FastifyServerOptions['logger']): Promise<FastifyInstance> {
	const app = Fastify({ logger, ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array' } } });

	// Empty bodies are fine on action endpoints (cancel, release…), even with a JSON content type.
	// The raw bytes are kept: a webhook signature is computed over them, not over parsed JSON.
	app.removeContentTypeParser('application/json');
	app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
		(req as { rawBody?: Buffer }).rawBody = body as Buffer;
		const text = (body as Buffer).toString('utf8');
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

	app.addHook('onRequest', async (request, reply) => {
		const path = request.url.split('?')[0];
		// The admin page has its own login and session cookie.
		if (OPEN.has(path) || path === '/admin' || path.startsWith('/admin/')) return;
		const header = request.headers.authorization ?? '';
		const token = header.startsWith('Bearer ') ? header.slice(7) : '';
		if (!token || !sameToken(token, ctx.config.apiToken)) {
			await reply.code(401).send({ error: 'unauthorized', message: 'missing or wrong bearer token', hint: 'Send "Authorization: Bearer <BANDITORE_API_TOKEN>".' });
		}
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
		if (e.statusCode && e.statusCode < 500) return reply.code(e.statusCode).send({ error: 'invalid_request', message: e.message });
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
	app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
		reply.header('content-type', ctx.metrics.registry.contentType);
		return ctx.metrics.registry.metrics();
	});
	app.get<{ Querystring: Record<string, string> }>('/webhooks/whatsapp', { schema: { hide: true } }, async (request, reply) =>
		reply.type('text/plain').send(verifyHandshake(ctx, request.query)),
	);
	app.post('/webhooks/whatsapp', { schema: { hide: true } }, async (request) => ({
		recorded: await receiveStatuses(ctx, (request as { rawBody?: Buffer }).rawBody, request.headers['x-hub-signature-256']),
	}));
	await app.register(routes(ctx), { prefix: '/v1' });
	await app.register(adminPlugin(ctx, { sessionHours: ctx.config.admin?.sessionHours ?? 8 }), { prefix: '/admin' });
	return app;
}
