// The admin page under /admin: Bootstrap Italia assets, form bodies, the session cookie, CSRF on
// every POST, roles on the server, and HTML error pages. Each page is a file in pages/.
import { parse as parseForm } from 'node:querystring';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t, type MessageKey } from '../../../core/messages';
import { refreshChannels } from '../channels';
import type { Scope } from '../comuni';
import type { Context } from '../context';
import { ApiError } from '../errors';
import { checkPercentEncoding } from '../input';
import { StoreFault } from '../store';
import { ADMIN_CSS, ADMIN_JS, FAVICON_SVG } from './assets';
import { readCookie } from './cookies';
import { html } from './html';
import { ASSETS, layout } from './layout';
import { COOKIE, loadSession, sameToken, type Session } from './sessions';
import type { Role } from './users';
import { AdminError, enterComune, formOf, requestComune, scopeOfUser } from './request';
import { assetRoutes } from './static';
import { auditPages } from './pages/audit';
import { dashboardPages } from './pages/dashboard';
import { emergencyPages } from './pages/emergency';
import { loginPages, LOGIN_COOKIE } from './pages/login';
import { notificationsPages } from './pages/notifications';
import { queuePages } from './pages/queue';
import { rulesPages } from './pages/rules';
import { subscribersPages } from './pages/subscribers';
import { usersPages } from './pages/users';
import { tokensPages } from './pages/tokens';
import { comuniPages } from './pages/comuni';

declare module 'fastify' {
	interface FastifyRequest {
		adminSession: Session | null;
		/** The comuni the signed-in user may see (request.ts, scopeOfUser). */
		adminScope: Scope;
		/** The comune this request is about: its channel's, its `comune` field's, else the first the user sees. */
		adminComune: string | null;
	}
	interface FastifyContextConfig {
		/** Only this role in the request's comune (administrators may do everything). */
		adminRole?: Role;
		/** Only installation administrators (the comuni page). */
		adminInstallation?: boolean;
		/** Reachable without a session (login, assets). */
		adminPublic?: boolean;
	}
}

export interface AdminOptions {
	sessionHours: number;
}

const HOUR = 3600_000;
const FIELD = { anyOf: [{ type: 'string' }, { type: 'array', maxItems: 50, items: { type: 'string' } }] };
const FORM = { type: ['object', 'null'], additionalProperties: FIELD };
const PARAMS = { type: 'object', additionalProperties: { type: 'string', maxLength: 100 } };

export function adminPlugin(ctx: Context, options: AdminOptions) {
	const ttl = options.sessionHours * HOUR;
	return async (app: FastifyInstance): Promise<void> => {
		// Every page's query string and form are text fields (a field sent twice is a list of them), nothing else.
		app.addHook('onRoute', (route) => {
			route.schema = { hide: true, params: PARAMS, querystring: FORM, ...(route.method === 'POST' ? { body: FORM } : {}), ...route.schema };
		});
		await app.register(formbody, {
			parser: (text: string) => {
				checkPercentEncoding(text, 'the form');
				return parseForm(text);
			},
		});
		app.decorateRequest('adminSession', null);
		app.decorateRequest('adminScope', null as never);
		app.decorateRequest('adminComune', null);
		app.addHook('onRequest', async (request, reply) => {
			reply.header('x-frame-options', 'DENY');
			reply.header('x-content-type-options', 'nosniff');
			reply.header('referrer-policy', 'same-origin');
			// Bootstrap Italia's stylesheet embeds one icon font as a data: URL: fonts from the page's own origin and that only.
			reply.header('content-security-policy', "default-src 'self'; img-src 'self' data:; font-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
			if (request.url.startsWith(`${ASSETS}/`)) return;
			reply.header('cache-control', 'no-store');
			request.adminSession = await loadSession(ctx.store, readCookie(request, COOKIE), ctx.clock().getTime(), ttl);
		});

		app.addHook('preHandler', async (request, reply) => {
			const config = request.routeOptions.config;
			if (request.url.startsWith(`${ASSETS}/`) || config.adminPublic) {
				if (request.method === 'POST' && !sameToken(formOf(request)._csrf, readCookie(request, LOGIN_COOKIE) ?? '')) throw new AdminError(403, t('admin.error.csrf'));
				return;
			}
			const session = request.adminSession;
			if (!session) {
				if (request.method === 'GET') return reply.redirect(`/admin/login?next=${encodeURIComponent(request.url)}`, 303);
				throw new AdminError(401, t('admin.login.expired'));
			}
			// Synchronizer token: every state-changing request carries the session's token.
			if (request.method !== 'GET' && request.method !== 'HEAD' && !sameToken(formOf(request)._csrf, session.csrf)) throw new AdminError(403, t('admin.error.csrf'));
			// The comuni the user sees, and the role in the one this request is about (404 for another's).
			request.adminScope = scopeOfUser(session.user);
			enterComune(request, await requestComune(ctx, request));
			if (config.adminInstallation && !session.user.installationAdmin) throw new AdminError(403, t('admin.error.forbidden'));
			// Rules another process saved: the page shows (and acts on) the newest.
			await refreshChannels(ctx);
			return undefined;
		});

		app.setErrorHandler((error, request, reply) => errorPage(error, request, reply));
		app.setNotFoundHandler((request, reply) => sendError(request, reply, 404, t('admin.error.notFound')));

		await app.register(assetRoutes);

		app.get('/assets/admin.css', { config: { adminPublic: true } }, async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(ADMIN_CSS));
		app.get('/assets/favicon.svg', { config: { adminPublic: true } }, async (_request, reply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON_SVG));
		app.get('/assets/admin.js', { config: { adminPublic: true } }, async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(ADMIN_JS));

		const pages = { ctx, ttl };
		await app.register(loginPages(pages));
		await app.register(dashboardPages(pages));
		await app.register(queuePages(pages));
		await app.register(emergencyPages(pages));
		await app.register(rulesPages(pages));
		await app.register(subscribersPages(pages));
		await app.register(auditPages(pages));
		await app.register(usersPages(pages));
		await app.register(notificationsPages(pages));
		await app.register(tokensPages(pages));
		await app.register(comuniPages(pages));
	};
}

/** What the office reads for an API error code. */
const ADMIN_ERRORS: Record<string, MessageKey> = { not_found: 'admin.error.notFound', invalid_state: 'admin.error.conflict', invalid_text: 'admin.error.invalidText' };

function errorPage(error: unknown, request: FastifyRequest, reply: FastifyReply) {
	if (error instanceof AdminError) {
		if (error.status === 401) return reply.redirect('/admin/login?expired=1', 303);
		return sendError(request, reply, error.status, error.message);
	}
	// The domain's errors are in English for the API: the office reads what they mean.
	if (error instanceof ApiError && error.status < 500) {
		return sendError(request, reply, error.status, t(ADMIN_ERRORS[error.code] ?? 'admin.error.badRequest'));
	}
	if (error instanceof StoreFault) {
		request.log.warn({ err: error.cause, fault: error.kind }, 'database unavailable');
		return sendError(request, reply, 503, t('admin.error.database'));
	}
	const e = error as { statusCode?: number };
	if (e.statusCode && e.statusCode < 500) return sendError(request, reply, e.statusCode, t('admin.error.badRequest'));
	request.log.error({ err: error }, 'admin page failed');
	return sendError(request, reply, 500, t('admin.error.internal'));
}

function sendError(request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
	const body = html`<div class="alert alert-danger" role="alert">${message}</div><p><a href="/admin">${t('admin.error.back')}</a></p>`;
	return reply.code(status).type('text/html; charset=utf-8').send(layout({ title: t('admin.error.title'), body, session: request.adminSession }).value);
}
