// The frame of every page: Bootstrap Italia header, navigation, main landmark, footer.
import { t, type MessageKey } from '../../../core/messages';
import { html, type Html } from './html';
import { canSee, NAV } from './nav';
import type { Session } from './sessions';

export const ASSETS = '/admin/assets';

export interface PageOptions {
	title: string;
	body: Html;
	session?: Session | null;
	/** The path of the current page, for aria-current. */
	path?: string;
	channel?: string;
	channels?: Array<{ id: string; name: string }>;
	/** The comune the page is about; `comuni`: those to switch to, on a per-comune page. */
	comune?: string | null;
	comuni?: Array<{ id: string; name: string }>;
	notice?: string | null;
}

function navigation(options: PageOptions): Html {
	const session = options.session;
	if (!session) return html``;
	const query = options.channel ? `?channel=${encodeURIComponent(options.channel)}` : '';
	const comune = options.comune ? `?comune=${encodeURIComponent(options.comune)}` : '';
	const items = NAV.filter((entry) => canSee(entry, session.user.role, session.user.installationAdmin)).map((entry) => {
		const href = entry.perChannel ? `${entry.path}${query}` : entry.perComune ? `${entry.path}${comune}` : entry.path;
		const current = entry.path === options.path;
		return html`<li class="nav-item"><a class="nav-link${current ? ' active' : ''}" href="${href}"${current ? html` aria-current="page"` : ''}><span>${t(entry.label)}</span></a></li>`;
	});
	return html`<nav class="navbar navbar-expand-lg has-megamenu admin-nav" aria-label="${t('admin.nav.label')}">
	<div class="container"><ul class="navbar-nav">${items}</ul></div></nav>`;
}

function channelPicker(options: PageOptions): Html {
	const channels = options.channels ?? [];
	if (!options.session || channels.length < 2 || !options.path) return html``;
	return html`<form method="get" action="${options.path}" class="channel-picker d-flex align-items-end gap-2 mb-4">
	<div class="select-wrapper"><label for="channel-pick">${t('admin.channel.label')}</label>
	<select id="channel-pick" name="channel">${channels.map((c) => html`<option value="${c.id}"${c.id === options.channel ? html` selected` : ''}>${c.name}</option>`)}</select></div>
	<button type="submit" class="btn btn-outline-primary btn-sm">${t('admin.channel.choose')}</button></form>`;
}

/** On a per-comune page, for a user of several comuni: which one. */
function comunePicker(options: PageOptions): Html {
	const comuni = options.comuni ?? [];
	if (!options.session || comuni.length < 2 || !options.path) return html``;
	return html`<form method="get" action="${options.path}" class="comune-picker d-flex align-items-end gap-2 mb-4">
	<div class="select-wrapper"><label for="comune-pick">${t('admin.comune.label')}</label>
	<select id="comune-pick" name="comune">${comuni.map((c) => html`<option value="${c.id}"${c.id === options.comune ? html` selected` : ''}>${c.name}</option>`)}</select></div>
	<button type="submit" class="btn btn-outline-primary btn-sm">${t('admin.channel.choose')}</button></form>`;
}

export function layout(options: PageOptions): Html {
	const session = options.session;
	const role = session ? t(`admin.role.${session.user.role}` as MessageKey) : '';
	return html`<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · ${t('admin.brand')}</title>
<link rel="icon" href="${ASSETS}/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${ASSETS}/css/bootstrap-italia.min.css">
<link rel="stylesheet" href="${ASSETS}/admin.css">
<script src="${ASSETS}/admin.js" defer></script>
</head>
<body>
<a class="visually-hidden-focusable skiplink" href="#main">${t('admin.skip')}</a>
<header class="it-header-wrapper">
	<div class="it-header-center-wrapper"><div class="container"><div class="it-header-center-content-wrapper">
		<div class="it-brand-wrapper"><a href="/admin"><div class="it-brand-text">
			<div class="it-brand-title">${t('admin.brand')}</div><div class="it-brand-tagline d-none d-md-block">${t('admin.brandTagline')}</div>
		</div></a></div>
		${session
			? html`<div class="it-right-zone user-zone"><span class="me-3">${t('admin.user.signedInAs', { username: session.user.username, role })}</span>
			<form method="post" action="/admin/logout"><input type="hidden" name="_csrf" value="${session.csrf}"><button type="submit" class="btn btn-outline-light btn-sm">${t('admin.logout')}</button></form></div>`
			: ''}
	</div></div></div>
	${navigation(options)}
</header>
<main id="main" class="container my-4" tabindex="-1">
${channelPicker(options)}${comunePicker(options)}
<h1 class="mb-4">${options.title}</h1>
${options.notice ? html`<div class="alert alert-success" role="status">${options.notice}</div>` : ''}
${options.body}
</main>
<footer class="it-footer"><div class="it-footer-small-prints clearfix"><div class="container"><p class="py-3 mb-0 small">${t('admin.footer')}</p></div></div></footer>
</body>
</html>`;
}

export interface FieldError {
	/** The id of the field in the page. */
	field: string;
	message: string;
}

/** The list of errors at the top of a form: focused on load, each a link to its field. */
export function errorSummary(errors: FieldError[]): Html {
	if (errors.length === 0) return html``;
	const title = errors.length === 1 ? t('admin.errorSummaryOne') : t('admin.errorSummary', { count: errors.length });
	return html`<div class="alert alert-danger error-summary" role="alert" tabindex="-1" id="errors" aria-labelledby="errors-title">
	<h2 class="h5" id="errors-title">${title}</h2>
	<ul>${errors.map((e) => html`<li><a href="#${e.field}">${e.message}</a></li>`)}</ul></div>`;
}

export function fieldError(errors: FieldError[], field: string): Html {
	const mine = errors.filter((e) => e.field === field);
	if (mine.length === 0) return html``;
	return html`<div class="invalid-feedback d-block" id="${field}-error">${mine.map((e) => html`<span>${e.message}</span> `)}</div>`;
}

/** The attributes of a text field that may have an error (and a help text). */
export function invalid(errors: FieldError[], field: string, help?: string): Html {
	const bad = errors.some((e) => e.field === field);
	const ids = [help, bad ? `${field}-error` : null].filter(Boolean).join(' ');
	return html`${bad ? html` aria-invalid="true"` : ''}${ids ? html` aria-describedby="${ids}"` : ''} class="form-control${bad ? ' is-invalid' : ''}"`;
}
