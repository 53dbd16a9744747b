// The queue: items on hold (approve, reject), upcoming and deferred posts (cancel), the latest sent,
// each as the WhatsApp bubble it will be.
import type { FastifyInstance } from 'fastify';
import { t, type MessageKey } from '../../../../core/messages';
import type { Message } from '../../model';
import { approve, cancel, getMessage, listMessages, reject } from '../../outbox';
import { bubble, postedText } from '../bubble';
import { html, type Html } from '../html';
import { actorOf, formOf, frame, pickChannel, sendPage, sessionOf, withChannel, type Pages } from '../request';
import type { Session } from '../sessions';
import { when } from '../time';

const LIMIT = 200;

function item(message: Message, session: Session, zone: string, actions: 'held' | 'waiting' | 'none'): Html {
	const meta = message.sentAt
		? t('admin.queue.sentAt', { date: when(message.sentAt, zone) })
		: Date.parse(message.earliestAt) > Date.parse(message.createdAt)
			? t('admin.queue.notBefore', { date: when(message.earliestAt, zone) })
			: t('admin.queue.createdAt', { date: when(message.createdAt, zone) });
	const hidden = html`<input type="hidden" name="_csrf" value="${session.csrf}"><input type="hidden" name="channel" value="${message.channel}">`;
	const noteId = `note-${message.id}`;
	const controls =
		actions === 'held'
			? html`<div class="actions">
				<form method="post" action="/admin/queue/${message.id}/approve">${hidden}
					<div class="form-group mb-0"><label for="${noteId}" class="active">${t('admin.queue.note')}</label><input type="text" id="${noteId}" name="note" class="form-control" maxlength="300"></div>
					<button type="submit" class="btn btn-success">${t('admin.queue.approve')}</button></form>
				<form method="post" action="/admin/queue/${message.id}/reject">${hidden}<input type="hidden" name="note" value="">
					<button type="submit" class="btn btn-outline-danger">${t('admin.queue.reject')}</button></form></div>`
			: actions === 'waiting'
				? html`<div class="actions"><form method="post" action="/admin/queue/${message.id}/cancel">${hidden}<button type="submit" class="btn btn-outline-danger btn-sm">${t('admin.queue.cancel')}</button></form></div>`
				: html``;
	return html`<article class="queue-item" id="m-${message.id}" aria-labelledby="h-${message.id}">
		<h3 class="h6" id="h-${message.id}"><span class="badge bg-secondary">${t(`admin.state.${message.state}` as MessageKey)}</span>
			${message.category ? html` ${t('admin.queue.category', { category: message.category })}` : ''}
			${message.emergency ? html` <span class="badge bg-danger">${t('admin.queue.emergency')}</span>` : ''}</h3>
		${bubble(postedText(message.text, message.image), meta, message.emergency)}
		${message.image ? html`<p class="small mt-2 mb-0">${t('admin.queue.image')} <a href="${/^https?:\/\//.test(message.image) ? message.image : '#'}" rel="noopener noreferrer nofollow">${message.image}</a></p>` : ''}
		${message.expiresAt ? html`<p class="small mt-2 mb-0">${t('admin.queue.expiresAt', { date: when(message.expiresAt, zone) })}</p>` : ''}
		${message.justification ? html`<p class="small mt-2 mb-0">${t('admin.queue.justification', { justification: message.justification })}</p>` : ''}
		${message.reasons.length ? html`<details class="mt-2"><summary>${t('admin.queue.reasons')}</summary><ul class="small">${message.reasons.map((r) => html`<li>${r}</li>`)}</ul></details>` : ''}
		${controls}
	</article>`;
}

export function queuePages({ ctx }: Pages) {
	return async (app: FastifyInstance): Promise<void> => {
		app.get<{ Querystring: { channel?: string } }>('/queue', async (request, reply) => {
			const session = sessionOf(request);
			const channel = pickChannel(ctx, request.query.channel);
			const zone = channel.rules.timezone;
			const held = await listMessages(ctx, channel.id, ['held'], LIMIT);
			const waiting = (await listMessages(ctx, channel.id, ['queued', 'scheduled', 'deferred', 'sending'], LIMIT)).sort((a, b) => a.earliestAt.localeCompare(b.earliestAt));
			const sentRows = await ctx.store.all<{ id: string }>("SELECT id FROM messages WHERE channel = ? AND state = 'sent' ORDER BY sent_at DESC LIMIT 5", [channel.id]);
			const sent = await Promise.all(sentRows.map((r) => getMessage(ctx, r.id)));
			const section = (id: string, title: MessageKey, list: Message[], none: MessageKey, actions: 'held' | 'waiting' | 'none') =>
				html`<section aria-labelledby="${id}" class="mb-5"><h2 class="h4" id="${id}">${t(title)} (${list.length})</h2>
				${list.length ? list.map((m) => item(m, session, zone, m.state === 'sending' ? 'none' : actions)) : html`<p>${t(none)}</p>`}</section>`;
			const body = html`${section('held', 'admin.queue.held', held, 'admin.queue.heldNone', 'held')}
			${section('waiting', 'admin.queue.waiting', waiting, 'admin.queue.waitingNone', 'waiting')}
			${section('recent', 'admin.queue.recent', sent, 'admin.queue.recentNone', 'none')}`;
			return sendPage(reply, { ...frame(ctx, request, '/admin/queue', channel), title: t('admin.queue.title'), body });
		});

		const actions = { approve: [approve, 'approved'], reject: [reject, 'rejected'], cancel: [cancel, 'cancelled'] } as const;
		for (const [name, [run, done]] of Object.entries(actions)) {
			app.post<{ Params: { id: string } }>(`/queue/:id/${name}`, async (request, reply) => {
				const session = sessionOf(request);
				const form = formOf(request);
				const message = await getMessage(ctx, request.params.id);
				const channel = pickChannel(ctx, message.channel);
				const note = form.note?.trim() || undefined;
				await run(ctx, message.id, actorOf(session), note);
				return reply.redirect(withChannel('/admin/queue', channel, done), 303);
			});
		}
	};
}
