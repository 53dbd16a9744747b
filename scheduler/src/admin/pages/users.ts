// Users (administrators only): who may sign in, with which role; add one or change a password.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t, type MessageKey } from '../../../../core/messages';
import { html } from '../html';
import { errorSummary, fieldError, invalid, type FieldError } from '../layout';
import { actorOf, formOf, frame, sendPage, sessionOf, type Pages } from '../request';
import { when } from '../time';
import { checkUser, listUsers, MIN_PASSWORD, ROLES, saveUser, type Role } from '../users';

const FIELD = { badName: 'new-username', badRole: 'new-role', shortPassword: 'new-password' } as const;

export function usersPages({ ctx }: Pages) {
	async function render(request: FastifyRequest, reply: FastifyReply, form: Record<string, string>, errors: FieldError[], notice: string | null, status = 200) {
		const session = sessionOf(request);
		const users = await listUsers(ctx.store);
		const role = form.role ?? 'editor';
		const body = html`${errorSummary(errors)}<p>${t('admin.users.roles')}</p>
		<div class="table-responsive"><table class="table" id="users"><thead><tr><th scope="col">${t('admin.users.username')}</th><th scope="col">${t('admin.users.role')}</th><th scope="col">${t('admin.users.created')}</th></tr></thead>
		<tbody>${users.map((u) => html`<tr><th scope="row">${u.username}</th><td>${t(`admin.role.${u.role}` as MessageKey)}</td><td>${when(u.createdAt)}</td></tr>`)}</tbody></table></div>
		<form method="post" action="/admin/users" novalidate class="mt-4"><fieldset><legend>${t('admin.users.add')}</legend>
			<input type="hidden" name="_csrf" value="${session.csrf}">
			<div class="row"><div class="col-md-4"><div class="form-group mb-3"><label for="new-username" class="active">${t('admin.users.username')}</label>
				<input type="text" id="new-username" name="username" autocomplete="off" value="${form.username ?? ''}"${invalid(errors, 'new-username')}>${fieldError(errors, 'new-username')}</div></div>
			<div class="col-md-4"><div class="select-wrapper mb-3"><label for="new-role">${t('admin.users.role')}</label><select id="new-role" name="role">
				${ROLES.map((r) => html`<option value="${r}"${r === role ? html` selected` : ''}>${t(`admin.role.${r}`)}</option>`)}</select>${fieldError(errors, 'new-role')}</div></div>
			<div class="col-md-4"><div class="form-group mb-3"><label for="new-password" class="active">${t('admin.users.password', { min: MIN_PASSWORD })}</label>
				<input type="password" id="new-password" name="password" autocomplete="new-password"${invalid(errors, 'new-password')}>${fieldError(errors, 'new-password')}</div></div></div>
			<button type="submit" class="btn btn-primary">${t('admin.users.submit')}</button></fieldset></form>`;
		return sendPage(reply, { ...frame(ctx, request, '/admin/users'), title: t('admin.users.title'), body, notice }, status);
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
			await saveUser(ctx.store, username, form.role as Role, form.password, actorOf(session), ctx.clock().getTime());
			return render(request, reply, {}, [], t('admin.users.saved', { username }));
		});
	};
}
