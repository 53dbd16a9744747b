// The queue: items on hold (approve, reject) with why they wait, upcoming and deferred posts
// (cancel), the latest sent, and what was rejected lately (by the channel's rules or by the office),
// each as the WhatsApp bubble it will be. Administrators may publish a rejected or held message
// anyway, with a justification that goes to the audit log (an override).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t, type MessageKey } from '../../../../core/messages';
import type { Channel } from '../../channels';
import type { Context } from '../../context';
import { ApiError } from '../../errors';
import type { Message, MessageRow } from '../../model';
import { approve, cancel, getMessage, listMessages, override, reject } from '../../queue';
import { forecastChannel, waitLine } from '../../forecast';
import { judge } from '../../recheck';
import type { WaitView } from '../../waiting';
import { messageRow, withHistory } from '../../repo';
import { bubble, postedText } from '../bubble';
import { html, type Html } from '../html';
import { actorOf, formOf, frame, pickChannel, sendPage, sessionOf, withChannel, type Pages } from '../request';
import type { Session } from '../sessions';
import { when } from '../time';

const LIMIT = 200;
/** Rejected messages are listed for this many days, this many a page, at most this many in all. */
export const REJECTED_DAYS = 30;
export const REJECTED_PAGE = 20;
const REJECTED_MAX = 500;
/** The longest justification of an override, in UTF-16 units (as the textarea's maxlength counts). */
export const JUSTIFICATION_MAX = 1000;
const DAY = 86_400_000;

type Actions = 'held' | 'waiting' | 'rejected' | 'none';

/** A problem to show at the top of the page, with a link to the message it is about. */
interface Flash {
	text: string;
	messageId?: string;
}

/** What was typed in a message's override form, shown again with its error. */
interface Draft {
	messageId: string;
	justification: string;
	error: string;
}

interface View {
	flash?: Flash;
	draft?: Draft;
	status?: number;
}

/** Who rejected a message: the office (`Respinto dalla redazione`) or the channel's rules. */
export function rejectedBy(message: Pick<Message, 'history' | 'reasons'>): 'staff' | 'rules' {
	const staff = t('scheduler.rejectedByStaff');
	const last = [...message.history].reverse().find((h) => h.state === 'rejected');
	if (last?.note) return last.note.startsWith(staff) ? 'staff' : 'rules';
	return message.reasons.some((r) => r.startsWith(staff)) ? 'staff' : 'rules';
}

/** The moment the message was last rejected (else its last change). */
function rejectedAt(message: Message): string {
	return [...message.history].reverse().find((h) => h.state === 'rejected')?.at ?? message.updatedAt;
}

const pageOf = (value: unknown): number => {
	const n = typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : 1;
	return n >= 1 ? n : 1;
};

function overrideForm(message: Message, session: Session, draft: Draft | undefined): Html {
	const id = `justification-${message.id}`;
	const mine = draft?.messageId === message.id ? draft : undefined;
	return html`<form method="post" action="/admin/messages/${message.id}/override" class="override-form w-100" novalidate>
		<input type="hidden" name="_csrf" value="${session.csrf}"><input type="hidden" name="channel" value="${message.channel}">
		<div class="form-group mb-0 flex-grow-1"><label for="${id}" class="active">${t('admin.override.justification')}</label>
			<textarea id="${id}" name="justification" rows="2" maxlength="${JUSTIFICATION_MAX}" required aria-describedby="${id}-help${mine ? ` ${id}-error` : ''}"${mine ? html` aria-invalid="true"` : ''} class="form-control${mine ? ' is-invalid' : ''}">${mine?.justification ?? ''}</textarea>
			<small id="${id}-help" class="form-text">${t('admin.override.help')}</small>
			${mine ? html`<div class="invalid-feedback d-block" id="${id}-error">${mine.error}</div>` : ''}</div>
		<button type="submit" class="btn btn-warning">${t('admin.override.submit')}</button></form>`;
}

function reasonsOf(message: Message, actions: Actions): Html {
	if (!message.reasons.length) return html``;
	const list = html`<ul class="small mb-0">${message.reasons.map((r) => html`<li>${r}</li>`)}</ul>`;
	// Why it waits, why it was stopped: in plain sight, not folded away.
	if (actions === 'held' || actions === 'rejected') {
		const title = actions === 'held' ? t('admin.queue.heldWhy') : t('admin.queue.rejectedWhy');
		return html`<div class="alert ${actions === 'held' ? 'alert-warning' : 'alert-danger'} mt-2 mb-0 py-2 reasons" role="note" aria-label="${title}"><p class="fw-semibold mb-1">${title}</p>${list}</div>`;
	}
	return html`<details class="mt-2"><summary>${t('admin.queue.reasons')}</summary>${list}</details>`;
}

/** When it can go out and why, as the dispatcher will decide (scheduler/src/forecast.ts). */
const waitingLine = (message: Message, wait: WaitView | undefined, zone: string): Html =>
	wait ? html`<p class="mt-2 mb-0 fw-semibold waiting-line" id="w-${message.id}" data-code="${wait.code}" data-at="${wait.at ?? ''}">${waitLine(wait, zone)}</p>` : html``;

function item(message: Message, session: Session, zone: string, actions: Actions, draft?: Draft, wait?: WaitView): Html {
	const meta = message.sentAt
		? t('admin.queue.sentAt', { date: when(message.sentAt, zone) })
		: actions === 'rejected'
			? t('admin.queue.rejectedAt', { date: when(rejectedAt(message), zone) })
			: Date.parse(message.earliestAt) > Date.parse(message.createdAt)
				? t('admin.queue.notBefore', { date: when(message.earliestAt, zone) })
				: t('admin.queue.createdAt', { date: when(message.createdAt, zone) });
	const hidden = html`<input type="hidden" name="_csrf" value="${session.csrf}"><input type="hidden" name="channel" value="${message.channel}">`;
	const noteId = `note-${message.id}`;
	const administrator = session.user.role === 'administrator';
	const overriding = actions === 'held' || actions === 'rejected' ? (administrator ? overrideForm(message, session, draft) : actions === 'rejected' ? html`<p class="small mb-0">${t('admin.override.editorOnly')}</p>` : html``) : html``;
	const controls =
		actions === 'held'
			? html`<div class="actions">
				<form method="post" action="/admin/queue/${message.id}/approve">${hidden}
					<div class="form-group mb-0"><label for="${noteId}" class="active">${t('admin.queue.note')}</label><input type="text" id="${noteId}" name="note" class="form-control" maxlength="300"></div>
					<button type="submit" class="btn btn-success">${t('admin.queue.approve')}</button></form>
				<form method="post" action="/admin/queue/${message.id}/reject">${hidden}<input type="hidden" name="note" value="">
					<button type="submit" class="btn btn-outline-danger">${t('admin.queue.reject')}</button></form>
				${overriding}</div>`
			: actions === 'waiting'
				? html`<div class="actions"><form method="post" action="/admin/queue/${message.id}/cancel">${hidden}<button type="submit" class="btn btn-outline-danger btn-sm">${t('admin.queue.cancel')}</button></form></div>`
				: actions === 'rejected'
					? html`<div class="actions">${overriding}</div>`
					: html``;
	const by = message.state === 'rejected' ? rejectedBy(message) : null;
	return html`<article class="queue-item" id="m-${message.id}" aria-labelledby="h-${message.id}">
		<h3 class="h6" id="h-${message.id}"><span class="badge ${by ? 'bg-danger' : 'bg-secondary'}">${by ? t(by === 'staff' ? 'admin.queue.byStaff' : 'admin.queue.byRules') : t(`admin.state.${message.state}` as MessageKey)}</span>
			${message.category ? html` ${t('admin.queue.category', { category: message.category })}` : ''}
			${message.emergency ? html` <span class="badge bg-danger">${t('admin.queue.emergency')}</span>` : ''}</h3>
		${waitingLine(message, wait, zone)}
		${reasonsOf(message, actions)}
		${bubble(postedText(message.text, message.image), meta, message.emergency)}
		${message.image ? html`<p class="small mt-2 mb-0">${t('admin.queue.image')} <a href="${/^https?:\/\//.test(message.image) ? message.image : '#'}" rel="noopener noreferrer nofollow">${message.image}</a></p>` : ''}
		${message.expiresAt ? html`<p class="small mt-2 mb-0">${t('admin.queue.expiresAt', { date: when(message.expiresAt, zone) })}</p>` : ''}
		${message.justification ? html`<p class="small mt-2 mb-0">${t('admin.queue.justification', { justification: message.justification })}</p>` : ''}
		${controls}
	</article>`;
}

/** The channel's rejected messages of the last REJECTED_DAYS days, newest first, split by who rejected them. */
async function recentlyRejected(ctx: Context, channel: Channel): Promise<{ rules: Message[]; staff: Message[]; capped: boolean }> {
	const since = ctx.clock().getTime() - REJECTED_DAYS * DAY;
	const rows = await ctx.store.all<MessageRow>("SELECT * FROM messages WHERE channel = ? AND state = 'rejected' AND updated_at >= ? ORDER BY updated_at DESC, id DESC LIMIT ?", [
		channel.id,
		since,
		REJECTED_MAX,
	]);
	const messages = await withHistory(ctx.store, rows);
	return { rules: messages.filter((m) => rejectedBy(m) === 'rules'), staff: messages.filter((m) => rejectedBy(m) === 'staff'), capped: rows.length >= REJECTED_MAX };
}

export function queuePages({ ctx }: Pages) {
	async function render(request: FastifyRequest, reply: FastifyReply, channel: Channel, view: View = {}) {
		const session = sessionOf(request);
		const query = (request.query ?? {}) as Record<string, unknown>;
		const zone = channel.rules.timezone;
		const held = await listMessages(ctx, channel.id, ['held'], LIMIT);
		const waiting = await listMessages(ctx, channel.id, ['queued', 'scheduled', 'deferred', 'sending'], LIMIT);
		const sentRows = await ctx.store.all<{ id: string }>("SELECT id FROM messages WHERE channel = ? AND state = 'sent' ORDER BY sent_at DESC LIMIT 5", [channel.id]);
		const sent = await Promise.all(sentRows.map((r) => getMessage(ctx, r.id)));
		const rejected = await recentlyRejected(ctx, channel);
		const waits = await forecastChannel(ctx.store, channel, ctx.clock());
		// In the order they will go out: in flight first, those without a time last.
		const outAt = (m: Message): number => (m.state === 'sending' ? -Infinity : Date.parse(waits.get(m.id)?.at ?? '') || Infinity);
		waiting.sort((a, b) => outAt(a) - outAt(b) || a.earliestAt.localeCompare(b.earliestAt));
		const pages = { rulesPage: pageOf(query.rulesPage), staffPage: pageOf(query.staffPage) };
		const days = { days: REJECTED_DAYS };

		const list = (messages: Message[], actions: Actions) => messages.map((m) => item(m, session, zone, m.state === 'sending' ? 'none' : actions, view.draft, waits.get(m.id)));
		const section = (id: string, title: MessageKey, messages: Message[], none: MessageKey, actions: Actions) =>
			html`<section aria-labelledby="${id}" class="mb-5"><h2 class="h4" id="${id}">${t(title)} (${messages.length})</h2>
			${messages.length && actions !== 'none' ? html`<p class="small">${t('admin.waiting.note')}</p>` : ''}
			${messages.length ? list(messages, actions) : html`<p>${t(none)}</p>`}</section>`;
		const pager = (name: 'rulesPage' | 'staffPage', anchor: string, page: number, count: number) => {
			const last = Math.max(1, Math.ceil(count / REJECTED_PAGE));
			if (last === 1) return html``;
			const href = (n: number) => {
				const params = new URLSearchParams({ channel: channel.id, ...Object.fromEntries(Object.entries(pages).map(([k, v]) => [k, String(v)])), [name]: String(n) });
				return `/admin/queue?${params.toString()}#${anchor}`;
			};
			return html`<nav aria-label="${t(name === 'rulesPage' ? 'admin.queue.rulesRejected' : 'admin.queue.staffRejected')}" class="d-flex gap-3 align-items-center">
				${page > 1 ? html`<a href="${href(Math.min(page, last) - 1)}">${t('admin.queue.newer')}</a>` : ''}
				<span>${t('admin.queue.pageOf', { page: Math.min(page, last), pages: last })}</span>
				${page < last ? html`<a href="${href(page + 1)}">${t('admin.queue.older')}</a>` : ''}</nav>`;
		};
		const rejectedSection = (id: string, title: MessageKey, intro: MessageKey, none: MessageKey, messages: Message[], name: 'rulesPage' | 'staffPage') => {
			const page = Math.min(pages[name], Math.max(1, Math.ceil(messages.length / REJECTED_PAGE)));
			const shown = messages.slice((page - 1) * REJECTED_PAGE, page * REJECTED_PAGE);
			return html`<section aria-labelledby="${id}" class="mb-5"><h2 class="h4" id="${id}">${t(title)} (${messages.length})</h2>
			${messages.length ? html`<p>${t(intro, days)}</p>${list(shown, 'rejected')}${pager(name, id, page, messages.length)}` : html`<p>${t(none, days)}</p>`}</section>`;
		};

		const jump = [
			['held', t('admin.queue.held'), held.length],
			['waiting', t('admin.queue.waiting'), waiting.length],
			['recent', t('admin.queue.recent'), sent.length],
			['rules-rejected', t('admin.queue.rulesRejected'), rejected.rules.length],
			['staff-rejected', t('admin.queue.staffRejected'), rejected.staff.length],
		] as const;
		const flash = view.flash
			? html`<div class="alert alert-danger" role="alert" id="flash">${view.flash.text}${view.flash.messageId ? html` <a href="#m-${view.flash.messageId}">${t('admin.queue.goTo')}</a>` : ''}</div>`
			: html``;
		const body = html`${flash}
		<nav aria-label="${t('admin.queue.sections')}" class="mb-4"><ul class="nav nav-tabs">${jump.map(([id, label, n]) => html`<li class="nav-item"><a class="nav-link" href="#${id}">${label} (${n})</a></li>`)}</ul></nav>
		${section('held', 'admin.queue.held', held, 'admin.queue.heldNone', 'held')}
		${section('waiting', 'admin.queue.waiting', waiting, 'admin.queue.waitingNone', 'waiting')}
		${section('recent', 'admin.queue.recent', sent, 'admin.queue.recentNone', 'none')}
		${rejectedSection('rules-rejected', 'admin.queue.rulesRejected', 'admin.queue.rulesRejectedIntro', 'admin.queue.rulesRejectedNone', rejected.rules, 'rulesPage')}
		${rejectedSection('staff-rejected', 'admin.queue.staffRejected', 'admin.queue.staffRejectedIntro', 'admin.queue.staffRejectedNone', rejected.staff, 'staffPage')}
		${rejected.capped ? html`<p class="small">${t('admin.queue.capped', { count: REJECTED_MAX })}</p>` : ''}`;
		const base = frame(ctx, request, '/admin/queue', channel);
		const notice = view.flash ? null : query.done === 'overridden' ? t('admin.override.done') : base.notice;
		return sendPage(reply, { ...base, notice, title: t('admin.queue.title'), body }, view.status ?? 200);
	}

	/** The rules' reasons for rejecting a message now, in Italian (empty when they cannot be read). */
	async function rejectingNow(id: string): Promise<string[]> {
		try {
			const row = await messageRow(ctx.store, id);
			const channel = row ? ctx.channels.get(row.channel) : undefined;
			if (!row || !channel) return [];
			return judge(row, channel.rules, ctx.clock()).findings.filter((f) => f.verdict === 'reject').map((f) => f.reason);
		} catch {
			return [];
		}
	}

	/** An editorial action refused by the domain, as an Italian message on the queue page. */
	async function refusal(error: ApiError, session: Session, id: string): Promise<Flash> {
		if (error.code === 'rules_reject') {
			const reasons = (await rejectingNow(id)).join('; ') || t('admin.queue.rulesRejectUnknown');
			return { text: t(session.user.role === 'administrator' ? 'admin.queue.rulesRejectApprove' : 'admin.queue.rulesRejectApproveEditor', { reasons }), messageId: id };
		}
		if (error.code === 'invalid_state') return { text: t('admin.error.conflict'), messageId: id };
		return { text: t('admin.error.badRequest'), messageId: id };
	}

	return async (app: FastifyInstance): Promise<void> => {
		app.get<{ Querystring: { channel?: string } }>('/queue', async (request, reply) => render(request, reply, pickChannel(ctx, request, request.query.channel)));

		const actions = { approve: [approve, 'approved'], reject: [reject, 'rejected'], cancel: [cancel, 'cancelled'] } as const;
		for (const [name, [run, done]] of Object.entries(actions)) {
			app.post<{ Params: { id: string } }>(`/queue/:id/${name}`, async (request, reply) => {
				const session = sessionOf(request);
				const form = formOf(request);
				const message = await getMessage(ctx, request.params.id);
				const channel = pickChannel(ctx, request, message.channel);
				const note = form.note?.trim() || undefined;
				try {
					await run(ctx, message.id, actorOf(session), note);
				} catch (error) {
					if (!(error instanceof ApiError) || error.status >= 500 || error.code === 'not_found') throw error;
					return render(request, reply, channel, { flash: await refusal(error, session, message.id), status: error.status });
				}
				return reply.redirect(withChannel('/admin/queue', channel, done), 303);
			});
		}

		// Publish anyway: administrators only (checked here by the server, not only by hiding the form).
		app.post<{ Params: { id: string } }>('/messages/:id/override', { config: { adminRole: 'administrator' } }, async (request, reply) => {
			const session = sessionOf(request);
			const message = await getMessage(ctx, request.params.id);
			const channel = pickChannel(ctx, request, message.channel);
			const body = request.body;
			const raw = body && typeof body === 'object' ? (body as Record<string, unknown>).justification : undefined;
			const refuse = (status: number, text: string, typed = '') =>
				render(request, reply, channel, { status, flash: { text, messageId: message.id }, draft: { messageId: message.id, justification: typed, error: text } });
			if (typeof raw !== 'string') return refuse(400, t('admin.override.invalid'));
			const justification = raw.trim();
			if (!justification) return refuse(422, t('admin.override.required'));
			if (justification.length > JUSTIFICATION_MAX) return refuse(422, t('admin.override.tooLong', { max: JUSTIFICATION_MAX, count: justification.length }), raw);
			try {
				await override(ctx, message.id, actorOf(session), justification);
			} catch (error) {
				if (!(error instanceof ApiError) || error.status >= 500 || error.code === 'not_found') throw error;
				const text =
					error.code === 'justification_required'
						? t('admin.override.required')
						: error.code === 'expired'
							? t('admin.override.expired')
							: error.code === 'invalid_state'
								? t('admin.override.notAllowed')
								: t('admin.error.badRequest');
				return refuse(error.status, text, raw);
			}
			return reply.redirect(withChannel('/admin/queue', channel, 'overridden'), 303);
		});
	};
}
