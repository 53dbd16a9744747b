// A comune's API tokens (its administrators and installation administrators): name one to create it
// (the token is shown once, only its hash is kept), see when each was last used, revoke one.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../../../core/messages';
import { createToken, findToken, listTokens, MAX_TOKEN_NAME, revokeToken, tokenName, type ApiToken } from '../../tokens';
import { html, type Html } from '../html';
import { errorSummary, fieldError, invalid, type FieldError } from '../layout';
import { actorOf, AdminError, comuneFrame, formOf, pickComune, sendPage, sessionOf, type Pages } from '../request';
import type { Session } from '../sessions';
import { when } from '../time';

const PATH = '/admin/tokens';

function row(session: Session, token: ApiToken): Html {
	const state = token.revokedAt !== null ? t('admin.tokens.revokedAt', { date: when(token.revokedAt) }) : t('admin.tokens.active');
	const revoke =
		token.revokedAt === null
			? html`<form method="post" action="${PATH}/revoke" class="m-0"><input type="hidden" name="_csrf" value="${session.csrf}"><input type="hidden" name="comune" value="${token.comune}"><input type="hidden" name="id" value="${token.id}">
			<button type="submit" class="btn btn-outline-danger btn-sm" id="revoke-${token.id}">${t('admin.tokens.revoke', { name: token.name })}</button></form>`
			: html``;
	return html`<tr data-token="${token.id}"><th scope="row">${token.name}</th><td>${when(token.createdAt)} (${token.createdBy})</td><td>${token.lastUsedAt === null ? t('admin.tokens.never') : when(token.lastUsedAt)}</td><td>${state}</td><td>${revoke}</td></tr>`;
}

export function tokensPages({ ctx }: Pages) {
	async function render(request: FastifyRequest, reply: FastifyReply, options: { errors?: FieldError[]; notice?: string | null; secret?: string; name?: string }, status = 200) {
		const session = sessionOf(request);
		const comune = pickComune(ctx, request);
		const errors = options.errors ?? [];
		const tokens = await listTokens(ctx.store, [comune.id]);
		const body = html`${errorSummary(errors)}<h2 class="h4" id="comune-name">${comune.name}</h2><p>${t('admin.tokens.intro')}</p>
		${options.secret ? html`<div class="alert alert-warning" role="status" id="new-token-box"><p class="fw-semibold">${t('admin.tokens.once')}</p><p class="mb-0"><code id="new-token">${options.secret}</code></p></div>` : ''}
		${tokens.length
			? html`<div class="table-responsive"><table class="table" id="tokens"><thead><tr><th scope="col">${t('admin.tokens.name')}</th><th scope="col">${t('admin.tokens.created')}</th><th scope="col">${t('admin.tokens.lastUsed')}</th><th scope="col">${t('admin.tokens.state')}</th><th scope="col">${t('admin.users.actions')}</th></tr></thead>
			<tbody>${tokens.map((token) => row(session, token))}</tbody></table></div>`
			: html`<p id="no-tokens">${t('admin.tokens.none')}</p>`}
		<form method="post" action="${PATH}" novalidate class="mt-4"><fieldset><legend>${t('admin.tokens.add')}</legend>
			<input type="hidden" name="_csrf" value="${session.csrf}"><input type="hidden" name="comune" value="${comune.id}">
			<div class="form-group mb-3"><label for="token-name" class="active">${t('admin.tokens.name')}</label>
				<input type="text" id="token-name" name="name" maxlength="${MAX_TOKEN_NAME}" autocomplete="off" value="${options.name ?? ''}"${invalid(errors, 'token-name')}>${fieldError(errors, 'token-name')}</div>
			<button type="submit" class="btn btn-primary">${t('admin.tokens.submit')}</button></fieldset></form>`;
		return sendPage(reply, { ...comuneFrame(ctx, request, PATH), title: t('admin.tokens.title'), body, notice: options.notice ?? null }, status);
	}

	const admin = { config: { adminRole: 'administrator' as const } };
	return async (app: FastifyInstance): Promise<void> => {
		app.get('/tokens', admin, async (request, reply) => render(request, reply, {}));

		app.post('/tokens', admin, async (request, reply) => {
			const session = sessionOf(request);
			const form = formOf(request);
			const name = tokenName(form.name);
			if (!name) return render(request, reply, { errors: [{ field: 'token-name', message: t('admin.tokens.badName', { max: MAX_TOKEN_NAME }) }], name: form.name }, 422);
			const { secret } = await createToken(ctx.store, pickComune(ctx, request).id, name, actorOf(session), ctx.clock().getTime());
			return render(request, reply, { secret, notice: t('admin.tokens.createdDone', { name }) });
		});

		app.post('/tokens/revoke', admin, async (request, reply) => {
			const session = sessionOf(request);
			const comune = pickComune(ctx, request);
			const token = await findToken(ctx.store, formOf(request).id ?? '');
			// Another comune's token is not found, as an unknown one.
			if (!token || token.comune !== comune.id) throw new AdminError(404, t('admin.tokens.unknown'));
			await revokeToken(ctx.store, token, actorOf(session), ctx.clock().getTime());
			return render(request, reply, { notice: t('admin.tokens.revoked', { name: token.name }) });
		});
	};
}
