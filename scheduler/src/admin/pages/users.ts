// Users of a comune (its administrators only): who may sign in, with which role there; add one,
// change a password or a role, take one out (after a confirmation). Nobody removes themselves or the
// comune's last administrator.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t, type MessageKey } from '../../../../core/messages';
import { visibleComuni } from '../../comuni';
import { html, type Html } from '../html';
import { errorSummary, fieldError, invalid, type FieldError } from '../layout';
import { actorOf, comuneFrame, formOf, pickComune, sendPage, sessionOf, type Pages } from '../request';
import type { Session } from '../sessions';
import { when } from '../time';
import { checkUser, deleteUser, isRole, listUsers, MIN_PASSWORD, roleIn, ROLES, saveUser, setRole, type AdminUser, type Role, type UserRefusal } from '../users';

const FIELD = { badName: 'new-username', badRole: 'new-role', shortPassword: 'new-password' } as const;

const roleName = (role: Role): string => t(`admin.role.${role}` as MessageKey);

function csrf(session: Session): Html {
	return html`<input type="hidden" name="_csrf" value="${session.csrf}">`;
}

/** The role form and the delete link of one row; no delete link on your own row. */
function actions(session: Session, comune: string, many: boolean, u: AdminUser, errors: FieldError[]): Html {
	const id = `role-${u.username}`;
	const mine = u.username === session.user.username;
	// The comune in the link only when the user has several to tell apart.
	const which = many ? html`&amp;comune=${encodeURIComponent(comune)}` : '';
	return html`<form method="post" action="/admin/users/role" class="d-flex flex-wrap gap-2 align-items-end m-0">${csrf(session)}<input type="hidden" name="comune" value="${comune}"><input type="hidden" name="username" value="${u.username}">
	<div class="select-wrapper"><label for="${id}" class="visually-hidden">${t('admin.users.roleOf', { username: u.username })}</label><select id="${id}" name="role"${errors.some((e) => e.field === id) ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
	${ROLES.map((r) => html`<option value="${r}"${r === u.role ? html` selected` : ''}>${roleName(r)}</option>`)}</select>${fieldError(errors, id)}</div>
	<button type="submit" class="btn btn-outline-primary btn-sm">${t('admin.users.changeRole')}</button>
	${mine ? html`<span class="small">${t('admin.users.you')}</span>` : html`<a class="btn btn-outline-danger btn-sm" id="delete-${u.username}" href="/admin/users/delete?username=${encodeURIComponent(u.username)}${which}">${t('admin.users.delete', { username: u.username })}</a>`}</form>`;
}

export function usersPages({ ctx }: Pages) {
	async function render(request: FastifyRequest, reply: FastifyReply, form: Record<string, string>, errors: FieldError[], notice: string | null, status = 200) {
		const session = sessionOf(request);
		const comune = pickComune(ctx, request);
		const users = await listUsers(ctx.store, comune.id);
		const many = visibleComuni(ctx, request.adminScope).length > 1;
		const role = form.role ?? 'editor';
		const body = html`${errorSummary(errors)}<h2 class="h4" id="comune-name">${comune.name}</h2><p>${t('admin.users.roles')}</p>
		<div class="table-responsive"><table class="table" id="users"><thead><tr><th scope="col">${t('admin.users.username')}</th><th scope="col">${t('admin.users.role')}</th><th scope="col">${t('admin.users.created')}</th><th scope="col">${t('admin.users.actions')}</th></tr></thead>
		<tbody>${users.map((u) => html`<tr><th scope="row">${u.username}</th><td>${roleName(u.role)}</td><td>${when(u.createdAt)}</td><td>${actions(session, comune.id, many, u, errors)}</td></tr>`)}</tbody></table></div>
		<form method="post" action="/admin/users" novalidate class="mt-4"><fieldset><legend>${t('admin.users.add')}</legend>
			${csrf(session)}<input type="hidden" name="comune" value="${comune.id}">
			<div class="row"><div class="col-md-4"><div class="form-group mb-3"><label for="new-username" class="active">${t('admin.users.username')}</label>
				<input type="text" id="new-username" name="username" autocomplete="off" value="${form.username ?? ''}"${invalid(errors, 'new-username')}>${fieldError(errors, 'new-username')}</div></div>
			<div class="col-md-4"><div class="select-wrapper mb-3"><label for="new-role">${t('admin.users.role')}</label><select id="new-role" name="role">
				${ROLES.map((r) => html`<option value="${r}"${r === role ? html` selected` : ''}>${roleName(r)}</option>`)}</select>${fieldError(errors, 'new-role')}</div></div>
			<div class="col-md-4"><div class="form-group mb-3"><label for="new-password" class="active">${t('admin.users.password', { min: MIN_PASSWORD })}</label>
				<input type="password" id="new-password" name="password" autocomplete="new-password"${invalid(errors, 'new-password')}>${fieldError(errors, 'new-password')}</div></div></div>
			<button type="submit" class="btn btn-primary">${t('admin.users.submit')}</button></fieldset></form>`;
		return sendPage(reply, { ...comuneFrame(ctx, request, '/admin/users'), title: t('admin.users.title'), body, notice }, status);
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
			const comune = pickComune(ctx, request);
			// A password is set only for a user whose every comune this administrator manages.
			const mayReset = (comuni: string[], installationAdmin: boolean) =>
				session.user.installationAdmin || (!installationAdmin && comuni.every((c) => roleIn(session.user, c) === 'administrator'));
			const saved = await saveUser(ctx.store, username, form.role as Role, form.password, actorOf(session), ctx.clock().getTime(), comune.id, mayReset);
			if (saved === 'taken') return render(request, reply, form, [{ field: 'new-username', message: t('admin.users.taken', { username }) }], null, 422);
			if (saved === 'lastAdmin') return render(request, reply, form, [{ field: 'new-role', message: t('admin.users.lastAdmin', { username }) }], null, 422);
			return render(request, reply, {}, [], t('admin.users.saved', { username }));
		});

		app.post('/users/role', admin, async (request, reply) => {
			const session = sessionOf(request);
			const form = formOf(request);
			const username = form.username ?? '';
			if (!isRole(form.role)) return render(request, reply, {}, [{ field: `role-${username}`, message: t('admin.users.badRole') }], null, 422);
			const refusal = await setRole(ctx.store, username, form.role, actorOf(session), ctx.clock().getTime(), pickComune(ctx, request).id);
			if (refusal) return refused(request, reply, refusal, username);
			return render(request, reply, {}, [], t('admin.users.roleChanged', { username, role: roleName(form.role) }));
		});

		app.get<{ Querystring: { username?: string } }>('/users/delete', admin, async (request, reply) => {
			const session = sessionOf(request);
			const username = request.query.username ?? '';
			const comune = pickComune(ctx, request);
			const user = (await listUsers(ctx.store, comune.id)).find((u) => u.username === username);
			if (!user) return refused(request, reply, 'unknown', username);
			if (username === session.user.username) return refused(request, reply, 'self', username);
			const body = html`<p>${t('admin.users.deleteText', { username })}</p>
			<form method="post" action="/admin/users/delete" class="d-inline">${csrf(session)}<input type="hidden" name="comune" value="${comune.id}"><input type="hidden" name="username" value="${username}">
			<button type="submit" class="btn btn-danger">${t('admin.users.deleteConfirm')}</button></form>
			<a class="btn btn-outline-primary ms-2" href="/admin/users?comune=${encodeURIComponent(comune.id)}">${t('admin.rules.cancel')}</a>`;
			return sendPage(reply, { ...comuneFrame(ctx, request, '/admin/users'), title: t('admin.users.deleteTitle', { username }), body });
		});

		app.post('/users/delete', admin, async (request, reply) => {
			const session = sessionOf(request);
			const username = formOf(request).username ?? '';
			const refusal = await deleteUser(ctx.store, username, session.user.username, ctx.clock().getTime(), pickComune(ctx, request).id);
			if (refusal) return refused(request, reply, refusal, username);
			return render(request, reply, {}, [], t('admin.users.deleted', { username }));
		});
	};
}
