// The user's own notifications (every role): the address they receive at and a checkbox per kind.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t, type MessageKey } from '../../../../core/messages';
import { isEmail, NOTIFY_KINDS, type NotifyKind } from '../../notify/kinds';
import { getPrefs, savePrefs, type NotifyPrefs } from '../../notify/prefs';
import { html } from '../html';
import { errorSummary, fieldError, invalid, type FieldError } from '../layout';
import { formOf, frame, sendPage, sessionOf, type Pages } from '../request';

const PATH = '/admin/notifications';

export function notificationsPages({ ctx }: Pages) {
	function render(request: FastifyRequest, reply: FastifyReply, prefs: { email: string; kinds: readonly NotifyKind[] }, errors: FieldError[], notice: string | null, status = 200) {
		const session = sessionOf(request);
		const notify = ctx.config.notify;
		const body = html`${errorSummary(errors)}<p>${t('admin.notify.intro')}</p>
		${notify?.smtp ? '' : html`<div class="alert alert-warning" role="status" id="no-smtp">${t('admin.notify.noSmtp')}</div>`}
		${notify?.webhookUrl ? html`<p class="small">${t('admin.notify.webhook')}</p>` : ''}
		<form method="post" action="${PATH}" novalidate><input type="hidden" name="_csrf" value="${session.csrf}">
			<div class="form-group mb-4"><label for="notify-email" class="active">${t('admin.notify.email')}</label>
				<input type="email" id="notify-email" name="email" autocomplete="email" maxlength="254" value="${prefs.email}"${invalid(errors, 'notify-email', 'notify-email-help')}>
				<small id="notify-email-help" class="form-text">${t('admin.notify.emailHelp')}</small>${fieldError(errors, 'notify-email')}</div>
			<fieldset><legend>${t('admin.notify.kinds')}</legend>
			${NOTIFY_KINDS.map((kind) => html`<div class="form-check mb-2"><input type="checkbox" id="kind-${kind}" name="kind-${kind}"${prefs.kinds.includes(kind) ? html` checked` : ''}><label for="kind-${kind}">${t(`notify.kind.${kind}` as MessageKey)}</label></div>`)}
			</fieldset>
			<button type="submit" class="btn btn-primary">${t('admin.notify.submit')}</button></form>`;
		return sendPage(reply, { ...frame(ctx, request, PATH), title: t('admin.notify.title'), body, notice }, status);
	}

	return async (app: FastifyInstance): Promise<void> => {
		app.get('/notifications', async (request, reply) => {
			const prefs = await getPrefs(ctx.store, sessionOf(request).user.username);
			return render(request, reply, { email: prefs.email ?? '', kinds: prefs.kinds }, [], null);
		});

		app.post('/notifications', async (request, reply) => {
			const session = sessionOf(request);
			const form = formOf(request);
			const email = (form.email ?? '').trim();
			const kinds = NOTIFY_KINDS.filter((kind) => form[`kind-${kind}`] !== undefined);
			const shown = { email, kinds };
			if (email && !isEmail(email)) return render(request, reply, shown, [{ field: 'notify-email', message: t('admin.notify.badEmail') }], null, 422);
			if (!email && kinds.length) return render(request, reply, shown, [{ field: 'notify-email', message: t('admin.notify.emailNeeded') }], null, 422);
			const prefs: NotifyPrefs = { email: email || null, kinds };
			await savePrefs(ctx.store, session.user.username, prefs, ctx.clock().getTime());
			return render(request, reply, shown, [], t('admin.notify.saved'));
		});
	};
}
