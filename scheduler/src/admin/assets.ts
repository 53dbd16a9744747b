// The admin page's own stylesheet and script (served from /admin/assets/, so the page needs no
// inline code and the Content-Security-Policy stays strict). The script only enhances.
const font = (weight: number, style = 'normal', suffix = String(weight)): string =>
	`@font-face{font-family:"Titillium Web";font-style:${style};font-weight:${weight};font-display:swap;src:url(fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-${suffix}.woff2) format("woff2")}`;

export const ADMIN_CSS = [
	font(300),
	font(400, 'normal', 'regular'),
	font(600),
	font(700),
	`.skiplink{position:absolute;left:1rem;top:1rem;z-index:1000;background:#fff;padding:.5rem 1rem}
.user-zone{display:flex;align-items:center;color:#fff;gap:.5rem}
.user-zone form{margin:0}
.admin-nav{background:#0059b3}
.admin-nav .nav-link{color:#fff!important;font-weight:600}
.admin-nav .nav-link.active,.admin-nav .nav-link[aria-current]{text-decoration:underline;text-underline-offset:.4em}
.quota-figure{font-size:3rem;font-weight:700;line-height:1}
.wa-chat{background:#efeae2;border-radius:.5rem;padding:1rem;max-width:34rem}
.wa-bubble{background:#fff;border-radius:.5rem;border-top-left-radius:0;padding:.5rem .75rem;box-shadow:0 1px .5px rgba(11,20,26,.13);font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:.95rem;line-height:1.35;white-space:pre-wrap;overflow-wrap:anywhere;color:#111b21}
.wa-bubble a{color:#027eb5}
.wa-meta{display:block;text-align:right;font-size:.75rem;color:#667781;margin-top:.25rem;white-space:normal}
.wa-emergency{border-left:4px solid #d9364f}
.queue-item{border:1px solid #d9dadb;border-radius:.5rem;padding:1rem;margin-bottom:1rem}
.queue-item .actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;margin-top:.75rem}
.queue-item .actions form{display:flex;gap:.5rem;align-items:flex-end;margin:0}
.chart svg{max-width:100%;height:auto}
.chart .bar-counted{fill:#0066cc}
.chart .bar-emergency{fill:#d9364f}
.chart .limit{stroke:#5c6f82;stroke-dasharray:6 4;stroke-width:2}
.chart text{font-size:12px;fill:#1a1a1a}
.audit-details{max-width:32rem;overflow-wrap:anywhere}
textarea.yaml{font-family:"Roboto Mono",monospace;font-size:.85rem;min-height:20rem}
.form-check label{font-size:1rem}
main fieldset{margin-bottom:2.5rem;border:0;padding:0}
main legend{position:static;float:none;width:100%;font-size:1.5rem;font-weight:700;text-transform:none;letter-spacing:0;color:#1a1a1a;margin-bottom:1rem;padding:0}
main .form-group,main .select-wrapper{position:relative;margin-top:0}
main .form-group label,main .form-group label.active,main .select-wrapper label{position:static;transform:none;display:block;width:auto;font-size:1rem;font-weight:600;color:#1a1a1a;margin-bottom:.25rem;padding:0;background:none;line-height:1.5}
main .form-group textarea{border:1px solid #5c6f82;padding:.5rem;height:auto}
main .form-text{display:block;color:#455b71}
.it-footer .it-footer-small-prints p{color:#fff}
.rules-tabs{flex-wrap:wrap}
.rules-tabs .nav-link{font-weight:600}
.channel-picker select{min-width:14rem}
.subscribers-channel{border-top:1px solid #d9dadb;padding-top:1.5rem;margin-bottom:2.5rem}
.signup-link{max-width:34rem;font-family:"Roboto Mono",monospace}
.qr-code{width:12rem;height:12rem}
.error-summary:focus{outline:3px solid #ff9900}
@media (max-width:575.98px){
.it-header-center-wrapper{height:auto;padding:.75rem 0}
.it-header-center-wrapper .it-header-center-content-wrapper{flex-wrap:wrap;gap:.5rem}
.user-zone{flex-wrap:wrap;font-size:.875rem}
.admin-nav .navbar-nav{flex-direction:row;flex-wrap:wrap;gap:0 .25rem}
.admin-nav .nav-link{padding:.5rem .5rem}
main h1{font-size:1.75rem}
main .nav-tabs{flex-wrap:wrap;overflow:visible}
main .nav-tabs .nav-link{padding:.5rem .75rem}
.queue-item{padding:.75rem}
.queue-item .actions{flex-direction:column;align-items:stretch}
.queue-item .actions form{flex-wrap:wrap;align-items:stretch}
.queue-item .actions .form-group{flex:1 1 100%}
.queue-item .actions .btn{min-height:44px;flex:1 1 100%}
.wa-chat{padding:.5rem}
}`,
].join('\n');

/** The page's icon, declared in every page so the browser does not ask the API for /favicon.ico (401). */
export const FAVICON_SVG =
	'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0066cc"/><path d="M7 13h4l9-5v16l-9-5H7z" fill="#fff"/><path d="M23 12a5 5 0 0 1 0 8" stroke="#fff" stroke-width="2" fill="none"/></svg>';

export const ADMIN_JS = `'use strict';
document.addEventListener('DOMContentLoaded', function () {
	// Errors first: the summary takes the focus, so screen readers announce it.
	var summary = document.getElementById('errors');
	if (summary) summary.focus();
	// A chosen YAML file fills the text area (the form still works by pasting).
	var file = document.getElementById('import-file');
	var text = document.getElementById('import-text');
	if (file && text) {
		file.addEventListener('change', function () {
			var f = file.files && file.files[0];
			if (!f) return;
			f.text().then(function (content) { text.value = content; });
		});
	}
	// The message preview on the rules page follows the template and the footer as they are typed.
	var preview = document.getElementById('template-preview');
	var template = document.getElementById('template');
	var footer = document.getElementById('footer');
	if (preview && template && footer) {
		var sample = JSON.parse(preview.getAttribute('data-sample') || '{}');
		var english = { label: 'categoria', title: 'titolo', summary: 'sommario', date: 'data' };
		var entities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
		var escape = function (s) { return s.replace(/[&<>"']/g, function (c) { return entities[c]; }); };
		var tidy = function (s) { return s.split(/\\r?\\n/).map(function (l) { return l.trim(); }).join('\\n').replace(/\\n{3,}/g, '\\n\\n').trim(); };
		var update = function () {
			var body = tidy(template.value.replace(/\\{(\\w+)\\}/g, function (whole, name) {
				var key = english[name] || name;
				return Object.prototype.hasOwnProperty.call(sample, key) ? sample[key] : '';
			}));
			var end = footer.value.trim();
			var marked = escape(end ? body + '\\n\\n' + end : body)
				.replace(/https?:\\/\\/[^\\s<>"']+/g, function (url) { return '<a href="' + url + '" rel="noopener noreferrer nofollow">' + url + '</a>'; })
				.replace(/\\*([^*\\n]+)\\*/g, '<strong>$1</strong>')
				.replace(/(^|\\s)_([^_\\n]+)_/g, '$1<em>$2</em>')
				.replace(/~([^~\\n]+)~/g, '<s>$1</s>');
			var bubble = preview.querySelector('.wa-bubble');
			if (bubble) bubble.innerHTML = marked + '<span class="wa-meta">' + escape(preview.getAttribute('data-meta') || '') + '</span>';
		};
		template.addEventListener('input', update);
		footer.addEventListener('input', update);
	}
	// Copy buttons (the sign-up link): shown only where the clipboard works; the field is selectable anyway.
	Array.prototype.forEach.call(document.querySelectorAll('[data-copy]'), function (button) {
		var id = button.getAttribute('data-copy');
		var field = document.getElementById(id);
		var status = document.getElementById(id + '-status');
		if (!field) return;
		field.addEventListener('focus', function () { field.select(); });
		if (!navigator.clipboard) return;
		button.hidden = false;
		button.addEventListener('click', function () {
			navigator.clipboard.writeText(field.value).then(function () { if (status) status.textContent = button.getAttribute('data-copied'); });
		});
	});
});
`;
