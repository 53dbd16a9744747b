// The audit log: filters, newest first, pages of 50, and the same selection as CSV for Excel.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../../../../core/messages';
import { auditTypes, describe, queryAudit, type AuditFilter } from '../audit-query';
import { toCsv } from '../csv';
import { html } from '../html';
import { errorSummary, fieldError, invalid, type FieldError } from '../layout';
import { frame, sendPage, type Pages } from '../request';
import { dayStart, nextDayStart, when } from '../time';

const PAGE = 50;
const CSV_MAX = 100_000;
const ZONE = 'Europe/Rome';

type Query = { channel?: string; type?: string; actor?: string; since?: string; until?: string; before?: string };

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
		sinceMs: date('since', (v) => dayStart(v, ZONE)),
		untilMs: date('until', (v) => nextDayStart(v, ZONE)),
		before: query.before && /^\d+$/.test(query.before) ? Number(query.before) : null,
	};
	return { filter, errors };
}

function queryString(query: Query, extra: Record<string, string | number>): string {
	const params = new URLSearchParams();
	for (const key of ['channel', 'type', 'actor', 'since', 'until'] as const) if (query[key]) params.set(key, query[key] as string);
	for (const [key, value] of Object.entries(extra)) params.set(key, String(value));
	const text = params.toString();
	return text ? `?${text}` : '';
}

export function auditPages({ ctx }: Pages) {
	return async (app: FastifyInstance): Promise<void> => {
		app.get('/audit', async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
			const query = request.query;
			const { filter, errors } = filterOf(query);
			const rows = errors.length ? [] : await queryAudit(ctx.store, filter, PAGE + 1);
			const more = rows.length > PAGE;
			const shown = rows.slice(0, PAGE);
			const types = await auditTypes(ctx.store);
			const channels = [...ctx.channels.values()];
			const body = html`${errorSummary(errors)}
			<form method="get" action="/admin/audit" class="mb-4" novalidate><fieldset><legend>${t('admin.audit.filters')}</legend>
			<div class="row">
				<div class="col-md-4"><div class="select-wrapper mb-3"><label for="f-channel">${t('admin.audit.channel')}</label><select id="f-channel" name="channel">
					<option value="">${t('admin.audit.any')}</option>${channels.map((c) => html`<option value="${c.id}"${c.id === filter.channel ? html` selected` : ''}>${c.name}</option>`)}</select></div></div>
				<div class="col-md-4"><div class="form-group mb-3"><label for="f-type" class="active">${t('admin.audit.type')}</label>
					<input type="text" id="f-type" name="type" list="audit-types" class="form-control" value="${filter.type ?? ''}">
					<datalist id="audit-types">${types.map((x) => html`<option value="${x}"></option>`)}</datalist></div></div>
				<div class="col-md-4"><div class="form-group mb-3"><label for="f-actor" class="active">${t('admin.audit.actor')}</label>
					<input type="text" id="f-actor" name="actor" class="form-control" value="${filter.actor ?? ''}"></div></div>
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
			<tbody>${shown.map((r) => html`<tr><td>${when(r.at, ZONE)}</td><td>${r.channel ?? ''}</td><td><code>${r.type}</code></td><td>${r.actor}</td><td class="audit-details">${describe(r.details)}</td></tr>`)}</tbody></table></div>`}
			<nav aria-label="${t('admin.audit.older')}" class="d-flex gap-2">
				${query.before ? html`<a class="btn btn-outline-secondary btn-sm" href="/admin/audit${queryString(query, {})}">${t('admin.audit.newer')}</a>` : ''}
				${more ? html`<a class="btn btn-outline-secondary btn-sm" href="/admin/audit${queryString(query, { before: shown[shown.length - 1].id })}">${t('admin.audit.older')}</a>` : ''}
			</nav>`;
			return sendPage(reply, { ...frame(ctx, request, '/admin/audit'), title: t('admin.audit.title'), body }, errors.length ? 422 : 200);
		});

		app.get('/audit.csv', async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
			const { filter, errors } = filterOf(request.query);
			if (errors.length) return reply.redirect(`/admin/audit${queryString(request.query, {})}`, 303);
			const rows: Array<Array<string | number | null>> = [[t('admin.audit.at'), 'id', t('admin.audit.channel'), t('admin.audit.type'), t('admin.audit.actor'), t('admin.audit.message'), t('admin.audit.details')]];
			let before: number | null = null;
			while (rows.length <= CSV_MAX) {
				const page = await queryAudit(ctx.store, { ...filter, before }, 5000);
				for (const r of page) rows.push([when(r.at, ZONE), r.id, r.channel, r.type, r.actor, r.messageId, describe(r.details)]);
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
