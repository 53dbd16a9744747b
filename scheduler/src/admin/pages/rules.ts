// The rules of a channel, edited in forms (administrators only): every save goes through the same
// checks as the rules file, becomes a new version with its author, and the running process uses it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t, type MessageKey } from '../../../../core/messages';
import { BUILTIN_BLOCKED, DEFAULT_TEMPLATE, evaluate, MAX_ALIASES, PLACEHOLDERS } from '../../../../core/rules';
import { formatMessage } from '../../../../core/whatsapp/compose';
import { listRulesVersions, rulesSource, saveRules, type Channel } from '../../channels';
import type { Context } from '../../context';
import { WAITING } from '../../model';
import { rejudgeInTx } from '../../recheck';
import { bubble } from '../bubble';
import { html, type Html } from '../html';
import { errorSummary, fieldError, invalid, type FieldError } from '../layout';
import { actorOf, AdminError, formOf, frame, pickChannel, sendPage, sessionOf, type Pages } from '../request';
import { applyForm, categoriesOf, formErrors, parseRules, problemErrors, SECTIONS, type Section } from '../rules-edit';
import type { Session } from '../sessions';
import { when } from '../time';

type Data = {
	quota?: { perWeek?: unknown; week?: unknown; emergenciesExempt?: unknown; minSpacingMinutes?: unknown; pacing?: unknown; quietHours?: { from?: unknown; to?: unknown } | null; digest?: { enabled?: unknown; maxPriority?: unknown } };
	categories?: Array<{ id?: unknown; label?: unknown; emoji?: unknown; priority?: unknown; emergency?: unknown; approval?: unknown; match?: { words?: unknown[]; unless?: unknown[] } }>;
	blocked?: Array<{ id?: unknown; reason?: unknown; words?: unknown[]; review?: unknown[]; unless?: unknown[] }>;
	election?: { persons?: unknown[]; votes?: unknown[]; periods?: Array<{ name?: unknown; start?: unknown; end?: unknown }> };
	message?: { footer?: unknown; template?: unknown };
	fallbackCategory?: unknown;
};

const text = (value: unknown, fallback = ''): string => (value === undefined || value === null ? fallback : String(value));
const list = (value: unknown): string => (Array.isArray(value) ? value.map(String).join('\n') : '');

/** The page's sections, each with its own forms and saves; `limit` is the first. */
export const GROUPS = ['limit', 'categories', 'blocked', 'election', 'message', 'file'] as const;
export type Group = (typeof GROUPS)[number];

const GROUP_TITLE: Record<Group, MessageKey> = {
	limit: 'admin.rules.quota',
	categories: 'admin.rules.categories',
	blocked: 'admin.rules.blocked',
	election: 'admin.rules.election',
	message: 'admin.rules.message',
	file: 'admin.rules.yaml',
};

/** The section of the page each form belongs to. */
const GROUP_OF: Record<Section | 'import', Group> = {
	quota: 'limit',
	categories: 'categories',
	'category-add': 'categories',
	'category-remove': 'categories',
	blocked: 'blocked',
	'period-add': 'election',
	'period-remove': 'election',
	persons: 'election',
	message: 'message',
	import: 'file',
};

const groupOf = (value: unknown): Group => ((GROUPS as readonly unknown[]).includes(value) ? (value as Group) : 'limit');

/** A section's address: `/admin/rules?channel=meda&section=election&done=saved` (the first section needs none). */
export function rulesUrl(channel: Channel, group: Group, done?: string): string {
	return `/admin/rules?channel=${encodeURIComponent(channel.id)}${group === 'limit' ? '' : `&section=${group}`}${done ? `&done=${done}` : ''}`;
}

interface View {
	group: Group;
	/** The clock's time: the preview's sample is published now. */
	now: string;
	session: Session;
	channel: Channel;
	version: number;
	/** The YAML the forms show (the attempted one after a mistake). */
	source: string;
	errors: FieldError[];
	importText?: string;
	/** The fields of a period or a category that could not be added. */
	period?: Record<string, string>;
	added?: Record<string, string>;
}

function hidden(v: View, section: Section | 'import'): Html {
	return html`<input type="hidden" name="_csrf" value="${v.session.csrf}"><input type="hidden" name="channel" value="${v.channel.id}"><input type="hidden" name="version" value="${v.version}"><input type="hidden" name="section" value="${section}">`;
}

function input(v: View, id: string, label: string, value: string, extra: { type?: string; help?: string; name?: string } = {}): Html {
	return html`<div class="form-group mb-3"><label for="${id}" class="active">${label}</label>
	<input type="${extra.type ?? 'text'}" id="${id}" name="${extra.name ?? id}" value="${value}"${invalid(v.errors, id, extra.help ? `${id}-help` : undefined)}>
	${extra.help ? html`<small id="${id}-help" class="form-text">${extra.help}</small>` : ''}${fieldError(v.errors, id)}</div>`;
}

function textarea(v: View, id: string, label: string, value: string, rows = 4, name = id): Html {
	return html`<div class="form-group mb-3"><label for="${id}" class="active">${label}</label>
	<textarea id="${id}" name="${name}" rows="${rows}"${invalid(v.errors, id)}>${value}</textarea>${fieldError(v.errors, id)}</div>`;
}

function checkbox(id: string, label: string, on: unknown, name = id): Html {
	return html`<div class="form-check mb-3"><input type="checkbox" id="${id}" name="${name}"${on === true ? html` checked` : ''}><label for="${id}">${label}</label></div>`;
}

const submit = (): Html => html`<button type="submit" class="btn btn-primary">${t('admin.rules.save')}</button>`;

function quotaForm(v: View, d: Data): Html {
	const q = d.quota ?? {};
	const week = text(q.week, 'iso');
	return html`<form method="post" action="/admin/rules" novalidate><fieldset id="s-quota"><legend>${t('admin.rules.quota')}</legend>${hidden(v, 'quota')}
	<div class="row"><div class="col-md-4">${input(v, 'perWeek', t('admin.rules.perWeek'), text(q.perWeek, '10'), { help: t('admin.rules.perWeekHelp'), type: 'text' })}</div>
	<div class="col-md-4"><div class="select-wrapper mb-3"><label for="week">${t('admin.rules.week')}</label><select id="week" name="week">
		${(['iso', 'rolling'] as const).map((w) => html`<option value="${w}"${w === week ? html` selected` : ''}>${t(`admin.rules.week.${w}`)}</option>`)}</select></div></div>
	<div class="col-md-4">${input(v, 'minSpacingMinutes', t('admin.rules.minSpacing'), text(q.minSpacingMinutes, '0'))}</div></div>
	<div class="row"><div class="col-md-4">${input(v, 'quietFrom', t('admin.rules.quietFrom'), text(q.quietHours?.from), { help: t('admin.rules.quietHelp') })}</div>
	<div class="col-md-4">${input(v, 'quietTo', t('admin.rules.quietTo'), text(q.quietHours?.to))}</div></div>
	${checkbox('emergenciesExempt', t('admin.rules.emergenciesExempt'), q.emergenciesExempt ?? true)}
	${checkbox('pacing', t('admin.rules.pacing'), q.pacing ?? false)}
	${checkbox('digestEnabled', t('admin.rules.digest'), q.digest?.enabled ?? false)}
	<div class="row"><div class="col-md-4">${input(v, 'digestMaxPriority', t('admin.rules.digestMaxPriority'), text(q.digest?.maxPriority, '10'), { help: t('admin.rules.digestHelp') })}</div></div>
	${submit()}</fieldset></form>`;
}

function electionForms(v: View, d: Data): Html {
	const periods = d.election?.periods ?? [];
	return html`<fieldset id="s-election"><legend>${t('admin.rules.election')}</legend>
	<div id="periods" tabindex="-1">${
		periods.length
			? html`<ul class="list-unstyled">${periods.map(
					(p, i) => html`<li class="d-flex flex-wrap gap-3 align-items-center mb-2"><span><strong>${text(p.name)}</strong>: ${text(p.start)} → ${text(p.end)}</span>
					<form method="post" action="/admin/rules" class="m-0">${hidden(v, 'period-remove')}<input type="hidden" name="index" value="${i}">
					<button type="submit" class="btn btn-outline-danger btn-sm">${t('admin.rules.periodRemove', { name: text(p.name) })}</button></form></li>`,
				)}</ul>`
			: html`<p>${t('admin.rules.electionNone')}</p>`
	}</div>
	<form method="post" action="/admin/rules" novalidate>${hidden(v, 'period-add')}
	<div class="row"><div class="col-md-4">${input(v, 'period-name', t('admin.rules.periodName'), v.period?.name ?? '', { name: 'name' })}</div>
	<div class="col-md-4">${input(v, 'period-start', t('admin.rules.periodStart'), v.period?.start ?? '', { name: 'start', help: t('admin.rules.periodHelp') })}</div>
	<div class="col-md-4">${input(v, 'period-end', t('admin.rules.periodEnd'), v.period?.end ?? '', { name: 'end' })}</div></div>
	<button type="submit" class="btn btn-primary">${t('admin.rules.periodAdd')}</button></form>
	<form method="post" action="/admin/rules" class="mt-4" novalidate>${hidden(v, 'persons')}
	${textarea(v, 'persons', t('admin.rules.persons'), list(d.election?.persons), 3)}
	${textarea(v, 'votes', t('admin.rules.votes'), list(d.election?.votes), 2)}${submit()}</form></fieldset>`;
}

function categoriesForm(v: View, d: Data): Html {
	const categories = d.categories ?? [];
	const remove = (c: { id?: unknown; label?: unknown }): Html =>
		c.id === d.fallbackCategory
			? html`<small class="ms-2">${t('admin.rules.categoryFallback')}</small>`
			: html`<a class="btn btn-outline-danger btn-sm ms-2" id="remove-${text(c.id)}" href="/admin/rules/category-remove?channel=${encodeURIComponent(v.channel.id)}&amp;id=${encodeURIComponent(text(c.id))}">${t('admin.rules.categoryRemove', { label: text(c.label) })}</a>`;
	return html`<form method="post" action="/admin/rules" novalidate><fieldset id="s-categories"><legend>${t('admin.rules.categories')}</legend>${hidden(v, 'categories')}
	${categories.map(
		(c, i) => html`<div class="border rounded p-3 mb-3"><h3 class="h6">${text(c.emoji)} ${text(c.label)} <code>${text(c.id)}</code>${remove(c)}</h3>
		<div class="row"><div class="col-md-5">${input(v, `label-${i}`, t('admin.rules.categoryLabel'), text(c.label))}</div>
		<div class="col-md-3">${input(v, `emoji-${i}`, t('admin.rules.categoryEmoji'), text(c.emoji))}</div>
		<div class="col-md-4">${input(v, `priority-${i}`, t('admin.rules.categoryPriority'), text(c.priority, '0'))}</div></div>
		${textarea(v, `words-${i}`, t('admin.rules.categoryWords'), list(c.match?.words), 4)}
		${textarea(v, `unless-${i}`, t('admin.rules.categoryUnless'), list(c.match?.unless), 2)}
		${checkbox(`emergency-${i}`, t('admin.rules.categoryEmergency'), c.emergency)}${checkbox(`approval-${i}`, t('admin.rules.categoryApproval'), c.approval)}</div>`,
	)}${submit()}</fieldset></form>`;
}

function addCategoryForm(v: View): Html {
	const a = v.added ?? {};
	return html`<form method="post" action="/admin/rules" novalidate><fieldset id="s-category-add"><legend>${t('admin.rules.categoryAdd')}</legend>${hidden(v, 'category-add')}
	<div class="row"><div class="col-md-5">${input(v, 'new-label', t('admin.rules.categoryLabel'), a.label ?? '', { name: 'label', help: t('admin.rules.categoryAddHelp') })}</div>
	<div class="col-md-3">${input(v, 'new-emoji', t('admin.rules.categoryEmoji'), a.emoji ?? '', { name: 'emoji' })}</div>
	<div class="col-md-4">${input(v, 'new-priority', t('admin.rules.categoryPriority'), a.priority ?? '0', { name: 'priority' })}</div></div>
	${textarea(v, 'new-words', t('admin.rules.categoryWords'), a.words ?? '', 4, 'words')}
	${checkbox('new-emergency', t('admin.rules.categoryEmergency'), a.emergency === 'on', 'emergency')}${checkbox('new-approval', t('admin.rules.categoryApproval'), a.approval === 'on', 'approval')}
	<button type="submit" class="btn btn-primary">${t('admin.rules.categoryAddSubmit')}</button></fieldset></form>`;
}

function blockedForm(v: View, d: Data): Html {
	const blocked = d.blocked ?? [];
	if (!blocked.length) return html`<p>${t('admin.rules.blockedNone')}</p>`;
	return html`<form method="post" action="/admin/rules" novalidate><fieldset id="s-blocked"><legend>${t('admin.rules.blocked')}</legend>${hidden(v, 'blocked')}
	${blocked.map((b, i) => {
		const id = text(b.id);
		const builtin = (BUILTIN_BLOCKED as readonly string[]).includes(id);
		return html`<div class="mb-3"><h3 class="h6">${builtin ? t('admin.rules.blockedBuiltin', { id }) : text(b.reason, id)}</h3>${textarea(v, `blocked-${i}`, t('admin.rules.blockedWords'), list(b.words), 3)}
		${textarea(v, `blocked-review-${i}`, t('admin.rules.blockedReview'), list(b.review), 3)}${textarea(v, `blocked-unless-${i}`, t('admin.rules.blockedUnless'), list(b.unless), 3)}</div>`;
	})}${submit()}</fieldset></form>`;
}

/** A sample news item as this channel would post it, and what the page's script needs to redo it as the office types. */
function preview(v: View, template: string, footer: string): Html {
	const rules = v.channel.rules;
	const item = {
		id: 'esempio',
		title: t('admin.rules.previewTitle'),
		summary: t('admin.rules.previewSummary'),
		link: SAMPLE_LINK,
		publishedAt: v.now,
		updatedAt: null,
		categories: [],
		image: null,
		source: { name: rules.comune, url: SAMPLE_LINK, kind: 'rss' as const },
	};
	// The category the channel's rules give the sample, as they would for a real item.
	const chosen = evaluate(item, rules, { now: new Date(v.now) }).category;
	const category = rules.categories.find((c) => c.id === chosen) ?? null;
	const text = formatMessage({ item, category, comune: rules.comune, timezone: rules.timezone, message: { ...rules.message, template, footer } });
	const sample = { emoji: category?.emoji ?? '', categoria: category?.label ?? '', titolo: item.title, sommario: item.summary, link: item.link, data: when(v.now, rules.timezone).slice(0, 10), comune: rules.comune };
	return html`<div class="rules-preview mb-3"><h3 class="h6">${t('admin.rules.preview')}</h3><p class="small" id="preview-help">${t('admin.rules.previewHelp')}</p>
	<div id="template-preview" data-sample="${JSON.stringify(sample)}" data-meta="${t('admin.rules.previewMeta')}" aria-live="polite">${bubble(text, t('admin.rules.previewMeta'))}</div></div>`;
}

const SAMPLE_LINK = 'https://www.comune.example.it/notizie/lavori-via-roma';

function messageForm(v: View, d: Data): Html {
	const template = text(d.message?.template, DEFAULT_TEMPLATE);
	const footer = text(d.message?.footer);
	return html`<form method="post" action="/admin/rules" novalidate><fieldset id="s-message"><legend>${t('admin.rules.message')}</legend>${hidden(v, 'message')}
	${textarea(v, 'footer', t('admin.rules.footer'), footer, 2)}
	${textarea(v, 'template', t('admin.rules.template'), template, 3)}
	<small class="form-text d-block mb-3" id="template-help">${t('admin.rules.templateHelp', { names: PLACEHOLDERS.map((p) => `{${p}}`).join(' ') })}</small>
	${preview(v, template, footer)}
	${submit()}</fieldset></form>`;
}

function yamlForms(v: View): Html {
	const q = `?channel=${encodeURIComponent(v.channel.id)}`;
	return html`<fieldset id="s-yaml"><legend>${t('admin.rules.yaml')}</legend>
	<p><a class="btn btn-outline-primary" href="/admin/rules/export${q}" download>${t('admin.rules.export')}</a></p>
	<form method="post" action="/admin/rules" novalidate>${hidden(v, 'import')}
	<h3 class="h6">${t('admin.rules.import')}</h3><p class="small" id="import-help">${t('admin.rules.importHelp')}</p>
	<div class="mb-3"><label for="import-file">${t('admin.rules.importFile')}</label> <input type="file" id="import-file" accept=".yaml,.yml,text/yaml"></div>
	<div class="form-group mb-3"><label for="import-text" class="active">${t('admin.rules.importText')}</label>
	<textarea id="import-text" name="yaml" rows="12"${invalid(v.errors, 'import-text', 'import-help')} data-yaml>${v.importText ?? ''}</textarea>${fieldError(v.errors, 'import-text')}</div>
	<button type="submit" class="btn btn-primary">${t('admin.rules.importSubmit')}</button></form></fieldset>`;
}

async function versionsTable(v: View, ctx: Pages['ctx']): Promise<Html> {
	const versions = await listRulesVersions(ctx.store, v.channel.id);
	const zone = v.channel.rules.timezone;
	return html`<h2 class="h4 mt-5">${t('admin.rules.versions')}</h2><div class="table-responsive"><table class="table" id="versions">
	<thead><tr><th scope="col">${t('admin.rules.versionCol')}</th><th scope="col">${t('admin.rules.when')}</th><th scope="col">${t('admin.rules.who')}</th><th scope="col">${t('admin.rules.origin')}</th></tr></thead>
	<tbody>${versions.map(
		(r) => html`<tr><th scope="row"><a href="/admin/rules/export?channel=${encodeURIComponent(v.channel.id)}&amp;version=${r.version}">${r.version}</a></th>
		<td>${when(r.createdAt, zone)}</td><td>${r.author ?? ''}</td><td>${t(`admin.rules.origin.${r.origin}` as MessageKey)}</td></tr>`,
	)}</tbody></table></div>`;
}

/** The rules text as the forms' data; null when it does not load (an alias bomb included: the problems say why). */
function dataOf(source: string): Data | null {
	try {
		return (parseRules(source).toJS({ maxAliasCount: MAX_ALIASES }) ?? {}) as Data;
	} catch {
		return null;
	}
}

/** "Messaggi a settimana: Il numero deve essere almeno 0. …" */
function labelled(errors: FieldError[], source: string): FieldError[] {
	const data = dataOf(source) ?? {};
	const fixed: Record<string, MessageKey> = {
		perWeek: 'admin.rules.perWeek',
		week: 'admin.rules.week',
		minSpacingMinutes: 'admin.rules.minSpacing',
		digestMaxPriority: 'admin.rules.digestMaxPriority',
		quietFrom: 'admin.rules.quietFrom',
		'period-name': 'admin.rules.periodName',
		'period-start': 'admin.rules.periodStart',
		'period-end': 'admin.rules.periodEnd',
		persons: 'admin.rules.election',
		footer: 'admin.rules.footer',
		template: 'admin.rules.template',
		'import-text': 'admin.rules.yaml',
		'new-label': 'admin.rules.categoryAdd',
		'new-emoji': 'admin.rules.categoryAdd',
		'new-priority': 'admin.rules.categoryAdd',
		'new-words': 'admin.rules.categoryAdd',
		periods: 'admin.rules.election',
	};
	return errors.map((e) => {
		let label = fixed[e.field] ? t(fixed[e.field]) : '';
		const m = e.field.match(/^(label|emoji|priority|words|blocked)-(\d+)$/);
		if (m) label = m[1] === 'blocked' ? `${t('admin.rules.blocked')} «${text(data.blocked?.[Number(m[2])]?.id)}»` : `${t('admin.rules.categories')} «${text(data.categories?.[Number(m[2])]?.label)}»`;
		return label ? { ...e, message: t('admin.rules.field', { field: label, message: e.message }) } : e;
	});
}

/** The sections as tabs: one section at a time, each its own address. */
function sectionNav(v: View): Html {
	return html`<nav aria-label="${t('admin.rules.sections')}" class="mb-4"><ul class="nav nav-tabs rules-tabs">${GROUPS.map((g) => {
		const current = g === v.group;
		return html`<li class="nav-item"><a class="nav-link${current ? ' active' : ''}" href="${rulesUrl(v.channel, g)}"${current ? html` aria-current="page"` : ''}>${t(GROUP_TITLE[g])}</a></li>`;
	})}</ul></nav>`;
}

async function sectionBody(v: View, d: Data, ctx: Pages['ctx']): Promise<Html> {
	switch (v.group) {
		case 'limit':
			return quotaForm(v, d);
		case 'categories':
			return html`${categoriesForm(v, d)}${addCategoryForm(v)}`;
		case 'blocked':
			return blockedForm(v, d);
		case 'election':
			return electionForms(v, d);
		case 'message':
			return messageForm(v, d);
		case 'file':
			return html`${yamlForms(v)}${await versionsTable(v, ctx)}`;
	}
}

export function rulesPages({ ctx }: Pages) {
	async function render(request: FastifyRequest, reply: FastifyReply, v: View, status = 200) {
		const data = (dataOf(v.source) ?? dataOf((await rulesSource(ctx.store, v.channel.id, v.version)) ?? '') ?? {}) as Data;
		const body = html`${errorSummary(v.errors)}<p>${t('admin.rules.intro')} ${t('admin.rules.sectionHelp')}</p><p><strong>${t('admin.rules.version', { version: v.version })}</strong></p>
		${sectionNav(v)}${await sectionBody(v, data, ctx)}`;
		return sendPage(reply, { ...frame(ctx, request, '/admin/rules', v.channel), title: t('admin.rules.title'), body }, status);
	}

	/** The label of a category the source has; any other id is a page that does not exist. */
	function removable(source: string, id: string): string {
		const category = categoriesOf(parseRules(source)).find((c) => c.id === id);
		if (!id || !category) throw new AdminError(404, t('admin.error.notFound'));
		return category.label;
	}

	async function current(channel: Channel): Promise<string> {
		const source = await rulesSource(ctx.store, channel.id, channel.rulesVersion);
		if (source === null) throw new AdminError(404, t('admin.error.notFound'));
		return source;
	}

	const admin = { config: { adminRole: 'administrator' as const } };
	const nowIso = (): string => ctx.clock().toISOString();
	return async (app: FastifyInstance): Promise<void> => {
		app.get<{ Querystring: { channel?: string; section?: string } }>('/rules', admin, async (request, reply) => {
			const channel = pickChannel(ctx, request, request.query.channel);
			const group = groupOf(request.query.section);
			return render(request, reply, { group, now: nowIso(), session: sessionOf(request), channel, version: channel.rulesVersion, source: await current(channel), errors: [] });
		});

		app.get<{ Querystring: { channel?: string; version?: string } }>('/rules/export', admin, async (request, reply) => {
			const channel = pickChannel(ctx, request, request.query.channel);
			const version = request.query.version ? Number(request.query.version) : channel.rulesVersion;
			const source = Number.isInteger(version) ? await rulesSource(ctx.store, channel.id, version) : null;
			if (source === null) throw new AdminError(404, t('admin.error.notFound'));
			return reply
				.type('application/yaml; charset=utf-8')
				.header('content-disposition', `attachment; filename="regole-${channel.id}-v${version}.yaml"`)
				.send(source);
		});

		app.get<{ Querystring: { channel?: string; id?: string } }>('/rules/category-remove', admin, async (request, reply) => {
			const channel = pickChannel(ctx, request, request.query.channel);
			const v: View = { group: 'categories', now: nowIso(), session: sessionOf(request), channel, version: channel.rulesVersion, source: await current(channel), errors: [] };
			const id = request.query.id ?? '';
			const label = removable(v.source, id);
			const errors = formErrors(v.source, 'category-remove', { id });
			const data = (dataOf(v.source) ?? {}) as Data & { election?: { pass?: unknown[]; reject?: unknown[] } };
			const fallback = data.categories?.find((c) => c.id === data.fallbackCategory);
			const inElection = [...(data.election?.pass ?? []), ...(data.election?.reject ?? [])].includes(id);
			const back = rulesUrl(channel, 'categories');
			const body = html`${errorSummary(errors)}<p>${t('admin.rules.categoryRemoveOthers', { label })}
			${fallback ? t('admin.rules.categoryRemoveFallback', { fallback: text(fallback.label) }) : t('admin.rules.categoryRemoveHeld')}</p>
			${inElection ? html`<p>${t('admin.rules.categoryRemoveElection')}</p>` : ''}<p>${t('admin.rules.categoryRemoveVersion')}</p>
			${errors.length ? '' : html`<form method="post" action="/admin/rules" class="d-inline">${hidden(v, 'category-remove')}<input type="hidden" name="id" value="${id}">
			<button type="submit" class="btn btn-danger">${t('admin.rules.categoryRemoveConfirm')}</button></form>`}
			<a class="btn btn-outline-primary ms-2" href="${back}">${t('admin.rules.cancel')}</a>`;
			return sendPage(reply, { ...frame(ctx, request, '/admin/rules', channel), title: t('admin.rules.categoryRemoveTitle', { label }), body }, errors.length ? 422 : 200);
		});

		app.post('/rules', admin, async (request, reply) => {
			const session = sessionOf(request);
			const form = formOf(request);
			const channel = pickChannel(ctx, request, form.channel);
			const section = form.section as Section | 'import';
			if (section !== 'import' && !(SECTIONS as readonly string[]).includes(section)) throw new AdminError(400, t('admin.error.badRequest'));
			// The version the form was filled on: without it a concurrent edit could be overwritten unseen.
			const base = Number(form.version);
			if (!Number.isInteger(base)) throw new AdminError(400, t('admin.error.badRequest'));
			const before = await current(channel);
			if (section === 'category-remove') removable(before, form.id ?? '');
			const early = formErrors(before, section, form);
			if (early.length) {
				const v: View = { group: GROUP_OF[section], now: nowIso(), session, channel, version: channel.rulesVersion, source: before, errors: early, added: section === 'category-add' ? form : undefined };
				return render(request, reply, { ...v, errors: labelled(early, before) }, 422);
			}
			const source = section === 'import' ? (form.yaml ?? '') : applyForm(before, section, form);
			const result = await saveRules(ctx, channel.id, source, actorOf(session), base);
			// The queue the office opens next already shows what the new rules stop or release.
			if (result.ok && result.changed) await rejudgeNow(ctx, channel.id, actorOf(session));
			// After a mistake the forms show what was typed; a pasted file or a new period stay in their own form.
			const own = section === 'import' || section === 'period-add' || section === 'category-add' || section === 'category-remove';
			const view: View = {
				group: GROUP_OF[section],
				now: nowIso(),
				session,
				channel,
				version: channel.rulesVersion,
				source: own ? before : source,
				errors: [],
				importText: section === 'import' ? source : undefined,
				period: section === 'period-add' ? form : undefined,
				added: section === 'category-add' ? form : undefined,
			};
			if (!result.ok && 'conflict' in result) {
				return render(request, reply, { ...view, source: await current(pickChannel(ctx, request, channel.id)), version: result.conflict, errors: [{ field: 'main', message: t('admin.rules.conflict', { version: result.conflict }) }] }, 409);
			}
			if (!result.ok) {
				const data = dataOf(source) ?? {};
				const added = section === 'category-add' ? (data.categories?.length ?? 0) : (data.election?.periods?.length ?? 0);
				return render(request, reply, { ...view, errors: labelled(problemErrors(result.problems, section, added), source) }, 422);
			}
			return reply.redirect(rulesUrl(channel, GROUP_OF[section], result.changed ? 'saved' : 'unchanged'), 303);
		});
	};
}

async function rejudgeNow(ctx: Context, id: string, actor: string): Promise<void> {
	const fresh = ctx.channels.get(id);
	if (!fresh) return;
	await ctx.store.tx((q) => rejudgeInTx(q, fresh, ctx.clock(), actor, [...WAITING, 'held']), { lockChannel: id });
}
