// Server-rendered HTML: every interpolation is escaped unless it is already Html (another template,
// or text explicitly marked safe). Feed text can never become markup.
export class Html {
	constructor(readonly value: string) {}
	toString(): string {
		return this.value;
	}
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function render(value: Value): string {
	if (value instanceof Html) return value.value;
	if (value === null || value === undefined || value === false) return '';
	if (Array.isArray(value)) return value.map(render).join('');
	return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
	let out = strings[0];
	for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
	return new Html(out);
}

/** Markup built by our own code from escaped parts (never from input). */
export function safe(markup: string): Html {
	return new Html(markup);
}

/** A boolean attribute: `<input ${attr('checked', on)}>`. */
export function attr(name: string, on: boolean): Html {
	return new Html(on ? ` ${name}` : '');
}
