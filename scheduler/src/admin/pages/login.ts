// Login and logout. The login form has no session yet: its CSRF token is a cookie it must echo.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { t } from '../../../../core/messages';
import { clearCookie, setCookie } from '../cookies';
import { html } from '../html';
import { errorSummary, layout, type FieldError } from '../layout';
import { actorOf, formOf, sessionOf, type Pages } from '../request';
import { COOKIE, COOKIE_PATH, createSession, deleteSession, newToken } from '../sessions';
import { checkLogin, failureDetails, lockedOut, LOCK_MS } from '../users';
import { audit } from '../../repo';

export const LOGIN_COOKIE = 'banditore_login';

/** Runs the tasks given for one key one after another, in order; different keys run side by side. */
class KeyedQueue {
	private readonly tails = new Map<string, Promise<unknown>>();

	run<T>(key: string, task: () => Promise<T>): Promise<T> {
		const result = (this.tails.get(key) ?? Promise.resolve()).then(task, task);
		const tail = result.catch(() => undefined);
		this.tails.set(key, tail);
		void tail.then(() => this.tails.get(key) === tail && this.tails.delete(key));
		return result;
	}
}

/** Only a path of this site's admin page: never an open redirect. */
const nextPath = (value: unknown): string => (typeof value === 'string' && /^\/admin(\/[^/\\]|$|\?)/.test(value) && !value.includes('//') ? value : '/admin');

export function loginPages({ ctx, ttl }: Pages) {
	const attempts = new KeyedQueue();
	const secure = (): boolean => ctx.publicUrl.startsWith('https://');
	const cookieOptions = (path: string, maxAge?: number) => ({ path, secure: secure(), ...(maxAge === undefined ? {} : { maxAge }) });

	function form(reply: FastifyReply, status: number, options: { username?: string; errors?: FieldError[]; notice?: string | null; next?: string }) {
		const token = newToken();
		setCookie(reply, LOGIN_COOKIE, token, cookieOptions('/admin/login', 3600));
		const errors = options.errors ?? [];
		const body = html`${errorSummary(errors)}
		<p>${t('admin.login.intro')}</p>
		<form method="post" action="/admin/login" class="login-form" novalidate>
			<input type="hidden" name="_csrf" value="${token}">
			<input type="hidden" name="next" value="${options.next ?? '/admin'}">
			<div class="form-group mb-4"><label for="username" class="active">${t('admin.login.username')}</label>
				<input type="text" id="username" name="username" class="form-control" autocomplete="username" required value="${options.username ?? ''}"></div>
			<div class="form-group mb-4"><label for="password" class="active">${t('admin.login.password')}</label>
				<input type="password" id="password" name="password" class="form-control" autocomplete="current-password" required></div>
			<button type="submit" class="btn btn-primary">${t('admin.login.submit')}</button>
		</form>`;
		return reply.code(status).type('text/html; charset=utf-8').send(layout({ title: t('admin.login.title'), body, notice: options.notice }).value);
	}

	return async (app: FastifyInstance): Promise<void> => {
		app.get<{ Querystring: { next?: string; expired?: string; out?: string } }>('/login', { config: { adminPublic: true } }, async (request, reply) => {
			if (request.adminSession) return reply.redirect('/admin', 303);
			const notice = request.query.expired ? t('admin.login.expired') : request.query.out ? t('admin.login.loggedOut') : null;
			return form(reply, 200, { notice, next: nextPath(request.query.next) });
		});

		app.post('/login', { config: { adminPublic: true } }, async (request, reply) => {
			const body = formOf(request);
			const username = (body.username ?? '').trim();
			const next = nextPath(body.next);
			if (!username || !body.password) return form(reply, 422, { username, next, errors: [{ field: 'username', message: t('admin.login.required') }] });
			const now = ctx.clock().getTime();
			const address = request.ip;
			// One attempt per address, then per name, at a time: parallel guesses would all pass the counts
			// before any failure is recorded. Always in this order, so two attempts never wait on each other.
			const outcome = await attempts.run(`address:${address}`, () =>
				attempts.run(`name:${username}`, async () => {
					const locked = await lockedOut(ctx.store, username, address, now);
					if (locked) return locked;
					const found = await checkLogin(ctx.store, username, body.password as string);
					if (!found) await audit(ctx.store, now, { channel: null, type: 'admin.login.failed', actor: `admin:${username.slice(0, 64)}`, details: failureDetails(address) });
					return found ?? ('failed' as const);
				}),
			);
			if (outcome === 'name' || outcome === 'address') {
				const message = t(outcome === 'name' ? 'admin.login.locked' : 'admin.login.lockedAddress', { minutes: LOCK_MS / 60_000 });
				return form(reply, 429, { username, next, errors: [{ field: 'password', message }] });
			}
			if (outcome === 'failed') return form(reply, 401, { username, next, errors: [{ field: 'password', message: t('admin.login.failed') }] });
			const user = outcome;
			const { cookie } = await ctx.store.tx(async (q) => {
				const created = await createSession(q, user, now, ttl);
				await audit(q, now, { channel: null, type: 'admin.login', actor: `admin:${user.username}`, details: { role: user.role } });
				return created;
			});
			clearCookie(reply, LOGIN_COOKIE, cookieOptions('/admin/login'));
			// A browser-session cookie: the expiry that counts is the server's, which slides while in use.
			setCookie(reply, COOKIE, cookie, cookieOptions(COOKIE_PATH));
			return reply.redirect(next, 303);
		});

		app.post('/logout', async (request, reply) => {
			const session = sessionOf(request);
			const now = ctx.clock().getTime();
			await ctx.store.tx(async (q) => {
				await deleteSession(q, session.id);
				await audit(q, now, { channel: null, type: 'admin.logout', actor: actorOf(session), details: {} });
			});
			clearCookie(reply, COOKIE, cookieOptions(COOKIE_PATH));
			return reply.redirect('/admin/login?out=1', 303);
		});
	};
}
