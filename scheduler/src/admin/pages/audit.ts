// The audit log: filters, newest first, pages of 50, and the same selection as CSV for Excel. The page
// speaks the office's language (event names, sentences, people); the CSV adds the machine codes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasMessage, t } from '../../../../core/messages';
import type { Context } from '../../context';
import { auditWithin, visibleChannels } from '../../comuni';
import { auditChoices, queryAudit, subjectsOf, type AuditFilter, type AuditRow, type Subject } from '../audit-query';
import { outletsOfMessage, type OutletView } from '../../outlets';
import { actorName, eventName, knownEvent, outletName, sentence } from '../audit-text';
import { toCsv } from '../csv';
import { html, type Html } from '../html';
import { errorSummary, fieldError, invalid, type FieldError } from '../layout';
import { frame, sendPage, type Pages } from '../request';
import { dayStart, nextDayStart, when } from '../time';

const PAGE = 50;
const CSV_MAX = 100_000;
const ZONE = 'Europe/Rome';

type Query = { channel?: string; type?: string; actor?: string; message?: string; since?: string; until?: string; before?: string };

function filterOf(query: Query): { filter: AuditFilter; errors: FieldError[] } {
	const errors: FieldError[] = [];
	const date = (field: 'since' | 'until', toMs: (v: string) => number | null): number | null => {
		const value = (query[field] ?? '').trim();
		if (!value) return null;
		const ms = toMs(value);
		if (ms === null) errors.push({ field, message: t('admin.audit.badDate', { value }) });
		return ms;
	};
	const filter: AuditFilter = {
		channel: query.channel?.trim() || undefined,
		type: query.type?.trim() || undefined,
		actor: query.actor?.trim() || undefined,
		messageId: query.message?.trim() || undefined,
		sinceMs: date('since', (v) => dayStart(v, ZONE)),
		untilMs: date('until', (v) => nextDayStart(v, ZONE)),
		before: query.before && /^\d+$/.test(query.before) ? Number(query.before) : null,
	};
	return { filter, errors };
}

function queryString(query: Query, extra: Record<string, string | number>): string {
	const params = new URLSearchParams();
	for (const key of ['channel', 'type', 'actor', 'message', 'since', 'until'] as const) if (query[key]) params.set(key, query[key] as string);
	for (const [key, value] of Object.entries(extra)) params.set(key, String(value));
	const text = params.toString();
	return text ? `?${text}` : '';
}

const byLabel = (a: { label: string }, b: { label: string }): number => a.label.localeCompare(b.label, 'it');

function options(values: Array<{ value: string; label: string }>, selected: string | undefined, any: string): Html {
	return html`<option value="">${any}</option>${values.map((o) => html`<option value="${o.value}"${o.value === selected ? html` selected` : ''}>${o.label}</option>`)}`;
}

/** The messages of these entries, with their category's name in the channel's rules. */
function subjects(ctx: Context, rows: AuditRow[]): Promise<Map<string, Subject>> {
	const ids = rows.map((r) => r.messageId).filter((id): id is string => Boolean(id));
	return subjectsOf(ctx.store, ids, (channel, id) => ctx.channels.get(channel)?.rules.categories.find((c) => c.id === id)?.label ?? id);
}

const channelName = (ctx: Context, id: string | null): string => (id ? (ctx.channels.get(id)?.name ?? id) : '');

function stateName(state: string): string {
	const key = `admin.state.${state}`;
	return hasMessage(key) ? t(key) : state;
}

/** The head of a message's own history: its title and where it stands now. */
function historyHead(subject: Subject | undefined, query: Query, outlets: OutletView[]): Html {
	const back = html`<p><a href="/admin/audit${queryString({ ...query, message: undefined }, {})}">${t('admin.audit.historyAll')}</a></p>`;
	if (!subject) return html`<p>${t('admin.audit.noMessage')}</p>${back}`;
	return html`<h2 class="h4">${t('admin.audit.historyOf', { subject: t('admin.audit.subject', { title: subject.title }) })}</h2>
	<p>${t('admin.audit.historyIntro', { state: stateName(subject.state) })}</p>${outletList(outlets)}${back}`;
}

/** A channel with several outlets: what each did with the message, so a failed one is seen. */
function outletList(outlets: OutletView[]): Html | string {
	if (!outlets.length) return '';
	const items = outlets.map((o) => {
		const retry = o.retryAt ? ` (${t('admin.outlet.retryAt', { date: when(Date.parse(o.retryAt)) })})` : '';
		return html`<li><strong>${outletName(o.outlet)}</strong>: <span data-outlet-state="${o.state}">${t(`admin.outlet.state.${o.state}`)}</span>${retry}${o.reason && o.state !== 'sent' ? html` — ${o.reason}` : ''}</li>`;
	});
	return html`<h3 class="h5">${t('admin.outlet.title')}</h3><ul class="outlets">${items}</ul>`;
}

export function auditPages({ ctx }: Pages) {
	return async (app: FastifyInstance): Promise<void> => {
		app.get('/audit', async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
			const query = request.query;
			const parsed = filterOf(query);
			const { errors } = parsed;
			const filter: AuditFilter = { ...parsed.filter, within: auditWithin(ctx, request.adminScope) };
			const rows = errors.length ? [] : await queryAudit(ctx.store, filter, PAGE + 1);
			const more = rows.length > PAGE;
			const shown = rows.slice(0, PAGE);
			const about = await subjects(ctx, filter.messageId ? [...shown, { messageId: filter.messageId } as AuditRow] : shown);
			const choices = await auditChoices(ctx.store, filter.within ?? null);
			const types = choices.types.filter(knownEvent).map((value) => ({ value, label: eventName(value) })).sort(byLabel);
			const actors = choices.actors.map((value) => ({ value, label: actorName(value) })).sort(byLabel);
			const channels = visibleChannels(ctx, request.adminScope);
			const body = html`${errorSummary(errors)}${filter.messageId ? historyHead(about.get(filter.messageId), query, await outletsOfMessage(ctx.store, filter.messageId)) : ''}
			<form method="get" action="/admin/audit" class="mb-4" novalidate><fieldset><legend>${t('admin.audit.filters')}</legend>
			${filter.messageId ? html`<input type="hidden" name="message" value="${filter.messageId}">` : ''}
			<div class="row">
				<div class="col-md-4"><div class="select-wrapper mb-3"><label for="f-channel">${t('admin.audit.channel')}</label><select id="f-channel" name="channel">
					${options(channels.map((c) => ({ value: c.id, label: c.name })), filter.channel, t('admin.audit.any'))}</select></div></div>
				<div class="col-md-4"><div class="select-wrapper mb-3"><label for="f-type">${t('admin.audit.type')}</label><select id="f-type" name="type">
					${options(types, filter.type, t('admin.audit.anyType'))}</select></div></div>
				<div class="col-md-4"><div class="select-wrapper mb-3"><label for="f-actor">${t('admin.audit.actor')}</label><select id="f-actor" name="actor">
					${options(actors, filter.actor, t('admin.audit.anyActor'))}</select></div></div>
			</div><div class="row">
				<div class="col-md-4"><div class="form-group mb-3"><label for="since" class="active">${t('admin.audit.since')}</label>
					<input type="date" id="since" name="since" value="${query.since ?? ''}"${invalid(errors, 'since')}>${fieldError(errors, 'since')}</div></div>
				<div class="col-md-4"><div class="form-group mb-3"><label for="until" class="active">${t('admin.audit.until')}</label>
					<input type="date" id="until" name="until" value="${query.until ?? ''}"${invalid(errors, 'until')}>${fieldError(errors, 'until')}</div></div>
			</div>
			<button type="submit" class="btn btn-primary">${t('admin.audit.apply')}</button>
			<a class="btn btn-outline-primary ms-2" href="/admin/audit.csv${queryString(query, {})}">${t('admin.audit.csv')}</a>
			</fieldset></form>
			${shown.length === 0 ? html`<p>${t('admin.audit.none')}</p>` : html`<div class="table-responsive"><table class="table table-sm" id="audit">
			<caption>${t('admin.audit.caption')}</caption>
			<thead><tr><th scope="col">${t('admin.audit.at')}</th><th scope="col">${t('admin.audit.channel')}</th><th scope="col">${t('admin.audit.type')}</th><th scope="col">${t('admin.audit.actor')}</th><th scope="col">${t('admin.audit.details')}</th></tr></thead>
			<tbody>${shown.map((r) => {
				const subject = r.messageId ? about.get(r.messageId) : undefined;
				const link = r.messageId && r.messageId !== filter.messageId
					? html` <a class="message-link" href="/admin/audit?message=${encodeURIComponent(r.messageId)}">${t('admin.audit.history')}</a>` : '';
				return html`<tr><td>${when(r.at, ZONE)}</td><td>${channelName(ctx, r.channel)}</td><td>${eventName(r.type)}</td><td>${actorName(r.actor)}</td><td class="audit-details">${sentence(r, subject ?? null)}${link}</td></tr>`;
			})}</tbody></table></div>`}
			<nav aria-label="${t('admin.audit.older')}" class="d-flex gap-2">
				${query.before ? html`<a class="btn btn-outline-secondary btn-sm" href="/admin/audit${queryString(query, {})}">${t('admin.audit.newer')}</a>` : ''}
				${more ? html`<a class="btn btn-outline-secondary btn-sm" href="/admin/audit${queryString(query, { before: shown[shown.length - 1].id })}">${t('admin.audit.older')}</a>` : ''}
			</nav>`;
			return sendPage(reply, { ...frame(ctx, request, '/admin/audit'), title: t('admin.audit.title'), body }, errors.length ? 422 : 200);
		});

		app.get('/audit.csv', async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
			const parsed = filterOf(request.query);
			const { errors } = parsed;
			const filter: AuditFilter = { ...parsed.filter, within: auditWithin(ctx, request.adminScope) };
			if (errors.length) return reply.redirect(`/admin/audit${queryString(request.query, {})}`, 303);
			// The page's columns, then what auditors need to match other records: the machine code and the raw details.
			const rows: Array<Array<string | number | null>> = [
				[t('admin.audit.at'), 'id', t('admin.audit.channel'), t('admin.audit.type'), t('admin.audit.actor'), t('admin.audit.message'), t('admin.audit.details'), t('admin.audit.code'), t('admin.audit.data')],
			];
			let before: number | null = null;
			while (rows.length <= CSV_MAX) {
				const page = await queryAudit(ctx.store, { ...filter, before }, 5000);
				const about = await subjects(ctx, page);
				for (const r of page) {
					const subject = r.messageId ? (about.get(r.messageId) ?? null) : null;
					rows.push([when(r.at, ZONE), r.id, channelName(ctx, r.channel), eventName(r.type), r.actor, r.messageId, sentence(r, subject), r.type, JSON.stringify(r.details)]);
				}
				if (page.length < 5000) break;
				before = page[page.length - 1].id;
			}
			return reply
				.type('text/csv; charset=utf-8')
				.header('content-disposition', 'attachment; filename="registro-banditore.csv"')
				.send(toCsv(rows));
		});
	};
}
