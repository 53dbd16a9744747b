// An emergency message: text and a mandatory justification, then a confirmation that says plainly
// whether it goes beyond the weekly limit, then the queue (emergency, with the justification).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { t } from '../../../../core/messages';
import { fitText } from '../../../../core/whatsapp/format';
import type { Channel } from '../../channels';
import { quotaStatus } from '../../ledger';
import { enqueue } from '../../queue';
import { bubble } from '../bubble';
import { html } from '../html';
import { errorSummary, fieldError, invalid, type FieldError } from '../layout';
import { actorOf, formOf, frame, pickChannel, sendPage, sessionOf, withChannel, type Pages } from '../request';
import type { Session } from '../sessions';

const MAX_TEXT = 4000;

/** The post as it will go out: the office's text, the channel's footer, within the rules' length. */
export function emergencyText(channel: Channel, text: string): string {
	const body = text.replace(/\r\n?/g, '\n').trim();
	const footer = channel.rules.message.footer.trim();
	return fitText(footer && !body.endsWith(footer) ? `${body}\n\n${footer}` : body, channel.rules.message.maxLength);
}

export function checkEmergency(form: Record<string, string>): FieldError[] {
	const errors: FieldError[] = [];
	if (!form.text?.trim()) errors.push({ field: 'text', message: t('admin.emergency.textRequired') });
	if (!form.justification?.trim()) errors.push({ field: 'justification', message: t('admin.emergency.justificationRequired') });
	return errors;
}

export function emergencyPages({ ctx }: Pages) {
	function compose(session: Session, channel: Channel, form: Record<string, string>, errors: FieldError[]) {
		return html`${errorSummary(errors)}
		<p>${t('admin.emergency.intro')}</p>
		<form method="post" action="/admin/emergency/confirm" novalidate>
			<input type="hidden" name="_csrf" value="${session.csrf}"><input type="hidden" name="channel" value="${channel.id}">
			<div class="form-group mb-4"><label for="text" class="active">${t('admin.emergency.text')}</label>
				<textarea id="text" name="text" rows="6" maxlength="${MAX_TEXT}" required${invalid(errors, 'text', 'text-help')}>${form.text ?? ''}</textarea>
				<small id="text-help" class="form-text">${t('admin.emergency.textHelp')}</small>${fieldError(errors, 'text')}</div>
			<div class="form-group mb-4"><label for="justification" class="active">${t('admin.emergency.justification')}</label>
				<textarea id="justification" name="justification" rows="3" maxlength="1000" required${invalid(errors, 'justification', 'justification-help')}>${form.justification ?? ''}</textarea>
				<small id="justification-help" class="form-text">${t('admin.emergency.justificationHelp')}</small>${fieldError(errors, 'justification')}</div>
			<button type="submit" class="btn btn-primary">${t('admin.emergency.next')}</button>
		</form>`;
	}

	return async (app: FastifyInstance): Promise<void> => {
		app.get<{ Querystring: { channel?: string } }>('/emergency', async (request, reply) => {
			const channel = pickChannel(ctx, request, request.query.channel);
			return sendPage(reply, { ...frame(ctx, request, '/admin/emergency', channel), title: t('admin.emergency.title'), body: compose(sessionOf(request), channel, {}, []) });
		});

		app.post('/emergency/confirm', async (request, reply) => {
			const session = sessionOf(request);
			const form = formOf(request);
			const channel = pickChannel(ctx, request, form.channel);
			const errors = checkEmergency(form);
			const base = { ...frame(ctx, request, '/admin/emergency', channel), title: t('admin.emergency.title') };
			if (errors.length) return sendPage(reply, { ...base, body: compose(session, channel, form, errors) }, 422);
			const quota = await quotaStatus(ctx.store, channel.id, channel.rules.quota, ctx.clock());
			const used = quota.used + quota.inFlight;
			const params = { used, limit: quota.limit };
			const warning =
				used >= quota.limit
					? html`<div class="alert alert-warning" role="alert" id="quota-warning">${t('admin.emergency.exceeds', params)}</div>`
					: html`<div class="alert alert-info" id="quota-warning">${t(channel.rules.quota.emergenciesExempt ? 'admin.emergency.withinExempt' : 'admin.emergency.withinCounted', params)}</div>`;
			const text = emergencyText(channel, form.text);
			const body = html`<h2 class="h4">${t('admin.emergency.confirmTitle')}</h2>
			${warning}
			${quota.paused ? html`<div class="alert alert-warning">${t('admin.emergency.paused')}</div>` : ''}
			${bubble(text, channel.name, true)}
			<p class="mt-3">${t('admin.queue.justification', { justification: form.justification.trim() })}</p>
			<div class="d-flex gap-2 flex-wrap">
			<form method="post" action="/admin/emergency/send">
				<input type="hidden" name="_csrf" value="${session.csrf}"><input type="hidden" name="channel" value="${channel.id}">
				<input type="hidden" name="text" value="${form.text}"><input type="hidden" name="justification" value="${form.justification}">
				<input type="hidden" name="key" value="${form.key || `admin-emergency-${randomUUID()}`}">
				<button type="submit" class="btn btn-danger">${t('admin.emergency.send')}</button></form>
			<form method="post" action="/admin/emergency/edit">
				<input type="hidden" name="_csrf" value="${session.csrf}"><input type="hidden" name="channel" value="${channel.id}">
				<input type="hidden" name="text" value="${form.text}"><input type="hidden" name="justification" value="${form.justification}">
				<button type="submit" class="btn btn-outline-primary">${t('admin.emergency.edit')}</button></form></div>`;
			return sendPage(reply, { ...base, body });
		});

		app.post('/emergency/edit', async (request, reply) => {
			const form = formOf(request);
			const channel = pickChannel(ctx, request, form.channel);
			return sendPage(reply, { ...frame(ctx, request, '/admin/emergency', channel), title: t('admin.emergency.title'), body: compose(sessionOf(request), channel, form, []) });
		});

		app.post('/emergency/send', async (request, reply) => {
			const session = sessionOf(request);
			const form = formOf(request);
			const channel = pickChannel(ctx, request, form.channel);
			const errors = checkEmergency(form);
			if (errors.length || !/^admin-emergency-[\w-]{1,64}$/.test(form.key ?? '')) {
				return sendPage(reply, { ...frame(ctx, request, '/admin/emergency', channel), title: t('admin.emergency.title'), body: compose(session, channel, form, errors) }, 422);
			}
			// The key comes from the confirmation page: sending it twice enqueues it once.
			const { created } = await enqueue(
				ctx,
				channel.id,
				{ dedupeKey: form.key, text: emergencyText(channel, form.text), emergency: true, justification: form.justification.trim(), priority: 1000 },
				actorOf(session),
			);
			return reply.redirect(withChannel('/admin/queue', channel, created ? 'emergency' : 'duplicate'), 303);
		});
	};
}
