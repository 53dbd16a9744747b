// Users (administrators only): who may sign in, with which role; add one, change a password or a
// role, delete one (after a confirmation). Nobody deletes themselves or the last administrator.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t, type MessageKey } from '../../../../core/messages';
import { html, type Html } from '../html';
import { errorSummary, fieldError, invalid, type FieldError } from '../layout';
import { actorOf, formOf, frame, sendPage, sessionOf, type Pages } from '../request';
import type { Session } from '../sessions';
import { when } from '../time';
import { checkUser, deleteUser, isRole, listUsers, MIN_PASSWORD, ROLES, saveUser, setRole, type AdminUser, type Role, type UserRefusal } from '../users';

const FIELD = { badName: 'new-username', badRole: 'new-role', shortPassword: 'new-password' } as const;

const roleName = (role: Role): string => t(`admin.role.${role}` as MessageKey);

function csrf(session: Session): Html {
	return html`<input type="hidden" name="_csrf" value="${session.csrf}">`;
}

/** The role form and the delete link of one row; no delete link on your own row. */
function actions(session: Session, u: AdminUser, errors: FieldError[]): Html {
	const id = `role-${u.username}`;
	const mine = u.username === session.user.username;
	return html`<form method="post" action="/admin/users/role" class="d-flex flex-wrap gap-2 align-items-end m-0">${csrf(session)}<input type="hidden" name="username" value="${u.username}">
	<div class="select-wrapper"><label for="${id}" class="visually-hidden">${t('admin.users.roleOf', { username: u.username })}</label><select id="${id}" name="role"${errors.some((e) => e.field === id) ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
	${ROLES.map((r) => html`<option value="${r}"${r === u.role ? html` selected` : ''}>${roleName(r)}</option>`)}</select>${fieldError(errors, id)}</div>
	<button type="submit" class="btn btn-outline-primary btn-sm">${t('admin.users.changeRole')}</button>
	${mine ? html`<span class="small">${t('admin.users.you')}</span>` : html`<a class="btn btn-outline-danger btn-sm" id="delete-${u.username}" href="/admin/users/delete?username=${encodeURIComponent(u.username)}">${t('admin.users.delete', { username: u.username })}</a>`}</form>`;
}

export function usersPages({ ctx }: Pages) {
	async function render(request: FastifyRequest, reply: FastifyReply, form: Record<string, string>, errors: FieldError[], notice: string | null, status = 200) {
		const session = sessionOf(request);
		const users = await listUsers(ctx.store);
		const role = form.role ?? 'editor';
		const body = html`${errorSummary(errors)}<p>${t('admin.users.roles')}</p>
		<div class="table-responsive"><table class="table" id="users"><thead><tr><th scope="col">${t('admin.users.username')}</th><th scope="col">${t('admin.users.role')}</th><th scope="col">${t('admin.users.created')}</th><th scope="col">${t('admin.users.actions')}</th></tr></thead>
		<tbody>${users.map((u) => html`<tr><th scope="row">${u.username}</th><td>${roleName(u.role)}</td><td>${when(u.createdAt)}</td><td>${actions(session, u, errors)}</td></tr>`)}</tbody></table></div>
		<form method="post" action="/admin/users" novalidate class="mt-4"><fieldset><legend>${t('admin.users.add')}</legend>
			${csrf(session)}
			<div class="row"><div class="col-md-4"><div class="form-group mb-3"><label for="new-username" class="active">${t('admin.users.username')}</label>
				<input type="text" id="new-username" name="username" autocomplete="off" value="${form.username ?? ''}"${invalid(errors, 'new-username')}>${fieldError(errors, 'new-username')}</div></div>
			<div class="col-md-4"><div class="select-wrapper mb-3"><label for="new-role">${t('admin.users.role')}</label><select id="new-role" name="role">
				${ROLES.map((r) => html`<option value="${r}"${r === role ? html` selected` : ''}>${roleName(r)}</option>`)}</select>${fieldError(errors, 'new-role')}</div></div>
			<div class="col-md-4"><div class="form-group mb-3"><label for="new-password" class="active">${t('admin.users.password', { min: MIN_PASSWORD })}</label>
				<input type="password" id="new-password" name="password" autocomplete="new-password"${invalid(errors, 'new-password')}>${fieldError(errors, 'new-password')}</div></div></div>
			<button type="submit" class="btn btn-primary">${t('admin.users.submit')}</button></fieldset></form>`;
		return sendPage(reply, { ...frame(ctx, request, '/admin/users'), title: t('admin.users.title'), body, notice }, status);
	}

	/** A refused change, in plain Italian, next to the user's row. */
	function refused(request: FastifyRequest, reply: FastifyReply, refusal: UserRefusal, username: string) {
		const message = t(`admin.users.${refusal}`, { username });
		return render(request, reply, {}, [{ field: refusal === 'unknown' ? 'users' : `role-${username}`, message }], null, refusal === 'unknown' ? 404 : 422);
	}

	const admin = { config: { adminRole: 'administrator' as const } };
	return async (app: FastifyInstance): Promise<void> => {
		app.get('/users', admin, async (request, reply) => render(request, reply, {}, [], null));

		app.post('/users', admin, async (request, reply) => {
			const session = sessionOf(request);
			const form = formOf(request);
			const username = (form.username ?? '').trim();
			const problem = checkUser(username, form.role ?? '', form.password ?? '');
			if (problem) return render(request, reply, form, [{ field: FIELD[problem], message: t(`admin.users.${problem}`, { min: MIN_PASSWORD }) }], null, 422);
			const saved = await saveUser(ctx.store, username, form.role as Role, form.password, actorOf(session), ctx.clock().getTime());
			if (saved === 'lastAdmin') return render(request, reply, form, [{ field: 'new-role', message: t('admin.users.lastAdmin', { username }) }], null, 422);
			return render(request, reply, {}, [], t('admin.users.saved', { username }));
		});

		app.post('/users/role', admin, async (request, reply) => {
			const session = sessionOf(request);
			const form = formOf(request);
			const username = form.username ?? '';
			if (!isRole(form.role)) return render(request, reply, {}, [{ field: `role-${username}`, message: t('admin.users.badRole') }], null, 422);
			const refusal = await setRole(ctx.store, username, form.role, actorOf(session), ctx.clock().getTime());
			if (refusal) return refused(request, reply, refusal, username);
			return render(request, reply, {}, [], t('admin.users.roleChanged', { username, role: roleName(form.role) }));
		});

		app.get<{ Querystring: { username?: string } }>('/users/delete', admin, async (request, reply) => {
			const session = sessionOf(request);
			const username = request.query.username ?? '';
			const user = (await listUsers(ctx.store)).find((u) => u.username === username);
			if (!user) return refused(request, reply, 'unknown', username);
			if (username === session.user.username) return refused(request, reply, 'self', username);
			const body = html`<p>${t('admin.users.deleteText', { username })}</p>
			<form method="post" action="/admin/users/delete" class="d-inline">${csrf(session)}<input type="hidden" name="username" value="${username}">
			<button type="submit" class="btn btn-danger">${t('admin.users.deleteConfirm')}</button></form>
			<a class="btn btn-outline-primary ms-2" href="/admin/users">${t('admin.rules.cancel')}</a>`;
			return sendPage(reply, { ...frame(ctx, request, '/admin/users'), title: t('admin.users.deleteTitle', { username }), body });
		});

		app.post('/users/delete', admin, async (request, reply) => {
			const session = sessionOf(request);
			const username = formOf(request).username ?? '';
			const refusal = await deleteUser(ctx.store, username, session.user.username, ctx.clock().getTime());
			if (refusal) return refused(request, reply, refusal, username);
			return render(request, reply, {}, [], t('admin.users.deleted', { username }));
		});
	};
}
