// The rules page in sections, each with its own save, on a real SQLite file and on PostgreSQL. Each
// section's form is posted as the page renders it (as a browser would): unchanged it saves nothing;
// with one change it rewrites its own part of the rules file and not a byte of the others.
import { listRulesVersions, rulesSource } from '../../scheduler/src/channels';
import { skipPostgres, type Kind } from '../scheduler/helpers';
import { Client, startAdmin, type AdminHarness } from './helpers';

const NOW = '2026-06-10T08:00:00Z';

const unescape = (text: string): string => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const attr = (tag: string, name: string): string | null => {
	const m = tag.match(new RegExp(`\\s${name}="([^"]*)"`));
	return m ? unescape(m[1]) : tag.match(new RegExp(`\\s${name}[\\s>]`)) ? '' : null;
};

/** The fields a browser would send for the form of this section, read from the page's HTML. */
function formFields(page: string, section: string): Record<string, string> {
	const form = [...page.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/g)].map((m) => m[1]).find((f) => f.includes(`name="section" value="${section}"`));
	if (!form) throw new Error(`no form for the section ${section}`);
	const fields: Record<string, string> = {};
	for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
		const name = attr(tag, 'name');
		const type = attr(tag, 'type') ?? 'text';
		if (!name || type === 'file' || type === 'submit') continue;
		if (type === 'checkbox') {
			if (attr(tag, 'checked') !== null) fields[name] = 'on';
		} else fields[name] = attr(tag, 'value') ?? '';
	}
	for (const m of form.matchAll(/<textarea\b([^>]*)>([^<]*)<\/textarea>/g)) fields[attr(`<t ${m[1]}>`, 'name') as string] = unescape(m[2]);
	for (const m of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
		const options = [...m[2].matchAll(/<option\b[^>]*>/g)].map((o) => o[0]);
		const chosen = options.find((o) => attr(o, 'selected') !== null) ?? options[0];
		fields[attr(`<s ${m[1]}>`, 'name') as string] = attr(chosen, 'value') ?? '';
	}
	return fields;
}

/** The rules file's top-level parts (`quota:`, `categories:` …) as text, each with the comments above it. */
function parts(source: string): Map<string, string> {
	const out = new Map<string, string>();
	let key = '(head)';
	let lines: string[] = [];
	for (const line of source.split('\n')) {
		const m = line.match(/^([A-Za-z]\w*):/);
		if (m) {
			out.set(key, lines.join('\n'));
			key = m[1];
			lines = [];
		}
		lines.push(line);
	}
	out.set(key, lines.join('\n'));
	return out;
}

/** Each section: its address on the page, the form it saves, the part of the file it owns, and one change. */
const SECTIONS: Array<{ group: string; form: string; part: string; change: (f: Record<string, string>) => Record<string, string> }> = [
	{ group: '', form: 'quota', part: 'quota', change: (f) => ({ ...f, perWeek: '8' }) },
	{ group: 'categories', form: 'categories', part: 'categories', change: (f) => ({ ...f, 'words-3': `${f['words-3']}\nsgombero neve` }) },
	{ group: 'blocked', form: 'blocked', part: 'blocked', change: (f) => ({ ...f, 'blocked-0': 'santino' }) },
	{ group: 'election', form: 'persons', part: 'election', change: (f) => ({ ...f, persons: 'Mario Rossi' }) },
	{ group: 'message', form: 'message', part: 'message', change: (f) => ({ ...f, footer: 'Comune di Meda: canale senza risposta.' }) },
];

describe.each<Kind>(['sqlite', 'postgres'])('rules page sections on %s', (kind) => {
	let h: AdminHarness;
	let skip = false;
	let c: Client;
	const ctx = () => h.scheduler.ctx;
	const latest = async () => {
		const { version } = (await listRulesVersions(ctx().store, 'meda'))[0];
		return { version, source: (await rulesSource(ctx().store, 'meda', version)) as string };
	};

	beforeAll(async () => {
		skip = await skipPostgres(kind);
		if (skip) return;
		h = await startAdmin(kind, NOW, 8);
		c = new Client(() => h.scheduler.url);
		await c.login();
	});
	afterAll(async () => {
		if (!skip) await h.close();
	});

	test('each section is its own page, with tabs to the others', async () => {
		if (skip) return;
		const first = await c.get('/admin/rules?channel=meda');
		expect(first.text).toContain('id="s-quota"');
		expect(first.text).not.toContain('id="s-categories"');
		expect(first.text).toMatch(/<a class="nav-link active" href="\/admin\/rules\?channel=meda" aria-current="page">Limite settimanale e orari<\/a>/);
		for (const [group, id] of [['categories', 's-categories'], ['blocked', 's-blocked'], ['election', 's-election'], ['message', 's-message'], ['file', 's-yaml']]) {
			const page = await c.get(`/admin/rules?channel=meda&section=${group}`);
			expect(page.status).toBe(200);
			expect(page.text).toContain(`id="${id}"`);
			expect(page.text).not.toContain('id="s-quota"');
		}
		// A section the page does not have is the first one, not an error.
		expect((await c.get('/admin/rules?channel=meda&section=boh')).text).toContain('id="s-quota"');
	});

	test.each(SECTIONS)('the $form form saves its own part of the file and nothing else', async ({ group, form, part, change }) => {
		if (skip) return;
		const url = `/admin/rules?channel=meda${group ? `&section=${group}` : ''}`;
		const page = await c.get(url);
		const fields = formFields(page.text, form);
		const before = await latest();
		// As rendered: nothing to save.
		const same = await c.post('/admin/rules', fields);
		expect(same.location).toBe(`${url}&done=unchanged`);
		expect((await latest()).version).toBe(before.version);
		// One change: a new version where only this section's part of the text differs.
		const saved = await c.post('/admin/rules', change(fields));
		expect(saved.location).toBe(`${url}&done=saved`);
		const after = await latest();
		expect(after.version).toBe(before.version + 1);
		const [old, now] = [parts(before.source), parts(after.source)];
		expect([...now.keys()]).toEqual([...old.keys()]);
		for (const [key, text] of old) {
			if (key === part) expect(now.get(key)).not.toBe(text);
			else expect(now.get(key)).toBe(text);
		}
	});

	test('the message section shows a preview of a news item with the Italian placeholders', async () => {
		if (skip) return;
		const page = await c.get('/admin/rules?channel=meda&section=message');
		expect(page.text).toContain('{emoji} *{titolo}*\n\n{sommario}\n\n{link}');
		expect(page.text).toContain('Segnaposto: {emoji} {categoria} {titolo} {sommario} {link} {data} {comune}.');
		const bubble = page.text.match(/<div id="template-preview"[\s\S]*?<div class="wa-bubble">([\s\S]*?)<span class="wa-meta">/)?.[1] ?? '';
		expect(bubble).toContain('<strong>Lavori in via Roma: strada chiusa giovedì</strong>');
		expect(bubble).toContain('Comune di Meda: canale senza risposta.');
		// A template with the English names of an older file still saves and reads the same.
		const fields = formFields(page.text, 'message');
		const english = await c.post('/admin/rules', { ...fields, template: '{emoji} *{title}*\n\n{summary}\n\n{link}' });
		expect(english.location).toBe('/admin/rules?channel=meda&section=message&done=saved');
		const again = await c.get('/admin/rules?channel=meda&section=message');
		expect(again.text.match(/<div class="wa-bubble">([\s\S]*?)<span/)?.[1]).toBe(bubble);
		// A placeholder that does not exist is explained, with the Italian name suggested.
		const wrong = await c.post('/admin/rules', { ...fields, template: '*{titlo}* {link}' });
		expect(wrong.status).toBe(422);
		expect(wrong.text).toContain('Segnaposto sconosciuto «{titlo}» nel modello del messaggio. Forse intendevi «{titolo}»?');
	});
});
