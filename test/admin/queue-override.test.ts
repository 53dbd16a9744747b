// The rules' decisions on the queue page, on a real SQLite file and on PostgreSQL: what the rules
// rejected (with their reasons, apart from what the office rejected), why a held message waits, and
// the administrators' override ("Pubblica comunque") with its mandatory justification.
import { t } from '../../core/messages';
import { escapeHtml } from '../../scheduler/src/admin/html';
import { saveUser } from '../../scheduler/src/admin/users';
import type { Message } from '../../scheduler/src/model';
import { enqueue } from '../../scheduler/src/queue';
import { call, skipPostgres, type Kind } from '../scheduler/helpers';
import { Client, startAdmin, type AdminHarness } from './helpers';

const NOW = '2026-06-10T08:00:00Z';

const item = (id: string, title: string, path = 'novita') => ({
	id,
	title,
	summary: 'Dettagli sul sito.',
	link: `https://www.comune.meda.mb.it/${path}/${id}`,
	publishedAt: '2026-06-10T07:00:00.000Z',
	updatedAt: null,
	categories: [],
	image: null,
	source: { name: 'Comune di Meda', url: 'https://www.comune.meda.mb.it/feed/', kind: 'rss' },
});

/** The HTML of one section of the queue page, by its heading's id. */
function section(page: string, id: string): string {
	const start = page.indexOf(`<section aria-labelledby="${id}"`);
	if (start < 0) throw new Error(`no section ${id}`);
	return page.slice(start, page.indexOf('</section>', start));
}

describe.each<Kind>(['sqlite', 'postgres'])('rules decisions and overrides on the queue page on %s', (kind) => {
	let h: AdminHarness;
	let skip = false;
	let admin: Client;
	let editor: Client;
	const ctx = () => h.scheduler.ctx;
	const state = async (id: string) => (await ctx().store.get<{ state: string }>('SELECT state FROM messages WHERE id = ?', [id]))?.state;
	const overrides = (id: string) => ctx().store.all<{ actor: string; details: string }>("SELECT actor, details FROM audit WHERE type = 'message.override' AND message_id = ?", [id]);

	/** An item sent by n8n through the API, as the rules judge it. */
	async function viaApi(id: string, title: string, extra: Record<string, unknown> = {}): Promise<Message> {
		const response = await call<{ message: Message }>(h.scheduler.url, 'POST', '/v1/channels/meda/messages', { item: item(id, title), ...extra });
		expect(response.status).toBe(201);
		return response.body.message;
	}

	beforeAll(async () => {
		skip = await skipPostgres(kind);
		if (skip) return;
		h = await startAdmin(kind, NOW);
		await saveUser(ctx().store, 'redattrice', 'editor', 'password-redazione', 'test', Date.parse(NOW));
		admin = new Client(() => h.scheduler.url);
		editor = new Client(() => h.scheduler.url);
		expect((await admin.login()).status).toBe(303);
		expect((await editor.login('redattrice', 'password-redazione')).status).toBe(303);
	});
	afterAll(async () => {
		if (!skip) await h.close();
	});
	beforeEach(() => {
		if (!skip) h.set(NOW);
	});

	test('a message the rules rejected is listed under «Respinti dalle regole» with its reasons and its preview', async () => {
		if (skip) return;
		const message = await viaApi('elezioni-1', 'Votate la lista civica');
		expect(message.state).toBe('rejected');
		expect(message.reasons.length).toBeGreaterThan(0);
		const page = await admin.get('/admin/queue?channel=meda');
		expect(page.status).toBe(200);
		expect(page.text).toContain('href="#rules-rejected">Respinti dalle regole (1)</a>');
		const rules = section(page.text, 'rules-rejected');
		expect(rules).toContain(`id="m-${message.id}"`);
		expect(rules).toContain('respinto dalle regole');
		expect(rules).toContain('Perché è stato respinto');
		for (const reason of message.reasons) expect(rules).toContain(escapeHtml(reason));
		expect(rules).toContain('class="wa-bubble');
		expect(rules).toContain('Votate la lista civica');
		// Only administrators get the override form; the editor reads who can do it.
		expect(rules).toContain(`action="/admin/messages/${message.id}/override"`);
		expect(rules).toContain('Pubblica comunque');
		expect(rules).toMatch(/<label for="justification-[^"]+" class="active">Motivazione \(obbligatoria\)<\/label>/);
		const seen = section((await editor.get('/admin/queue?channel=meda')).text, 'rules-rejected');
		expect(seen).toContain(`id="m-${message.id}"`);
		expect(seen).not.toContain('/override"');
		expect(seen).toContain(escapeHtml(t('admin.override.editorOnly')));
		// Rejected more than 30 days ago: no longer listed.
		await ctx().store.run('UPDATE messages SET updated_at = ? WHERE id = ?', [Date.parse('2026-05-10T07:00:00Z'), message.id]);
		expect(section((await admin.get('/admin/queue?channel=meda')).text, 'rules-rejected')).not.toContain(`id="m-${message.id}"`);
		await ctx().store.run('UPDATE messages SET updated_at = ? WHERE id = ?', [Date.parse(NOW), message.id]);
	});

	test('what the office rejected is apart, under «Respinti dalla redazione»', async () => {
		if (skip) return;
		const { message } = await enqueue(ctx(), 'meda', { dedupeKey: 'staff-1', text: 'Da respingere a mano' }, 'test');
		await ctx().store.run("UPDATE messages SET state = 'held' WHERE id = ?", [message.id]);
		const token = await admin.token();
		expect((await admin.post(`/admin/queue/${message.id}/reject`, { _csrf: token, note: 'non pertinente' })).location).toBe('/admin/queue?channel=meda&done=rejected');
		const page = (await admin.get('/admin/queue?channel=meda')).text;
		expect(section(page, 'rules-rejected')).not.toContain(`id="m-${message.id}"`);
		const staff = section(page, 'staff-rejected');
		expect(staff).toContain(`id="m-${message.id}"`);
		expect(staff).toContain('respinto dalla redazione');
		expect(staff).toContain('Respinto dalla redazione: non pertinente');
	});

	test('many rejected messages are paged, the newest first', async () => {
		if (skip) return;
		const ids: string[] = [];
		for (let i = 0; i < 22; i++) {
			h.set(new Date(Date.parse(NOW) + (i + 1) * 60_000).toISOString());
			const { message } = await enqueue(ctx(), 'meda', { dedupeKey: `pager-${i}`, text: `Votate la lista civica n. ${i}` }, 'test');
			expect(message.state).toBe('rejected');
			ids.push(message.id);
		}
		const first = section((await admin.get('/admin/queue?channel=meda')).text, 'rules-rejected');
		expect(first).toContain(`id="m-${ids[21]}"`);
		expect(first).not.toContain(`id="m-${ids[1]}"`);
		expect(first.indexOf(`id="m-${ids[21]}"`)).toBeLessThan(first.indexOf(`id="m-${ids[20]}"`));
		expect(first).toContain('Pagina 1 di 2');
		expect(first).toContain('href="/admin/queue?channel=meda&amp;rulesPage=2&amp;staffPage=1#rules-rejected">Meno recenti</a>');
		const second = section((await admin.get('/admin/queue?channel=meda&rulesPage=2')).text, 'rules-rejected');
		expect(second).toContain(`id="m-${ids[1]}"`);
		expect(second).toContain(`id="m-${ids[0]}"`);
		expect(second).not.toContain(`id="m-${ids[21]}"`);
		expect(second).toContain('Pagina 2 di 2');
		// A page beyond the last, or not a number: the nearest that exists.
		expect(section((await admin.get('/admin/queue?channel=meda&rulesPage=99')).text, 'rules-rejected')).toContain('Pagina 2 di 2');
		expect(section((await admin.get('/admin/queue?channel=meda&rulesPage=x%3Cb%3E')).text, 'rules-rejected')).toContain('Pagina 1 di 2');
		await ctx().store.run("UPDATE messages SET state = 'cancelled' WHERE dedupe_key LIKE 'pager-%'");
	});

	test('an editor cannot override (403, in Italian); nothing changes', async () => {
		if (skip) return;
		const message = await viaApi('elezioni-2', 'Votate la lista civica di Meda');
		const page = await editor.post(`/admin/messages/${message.id}/override`, { _csrf: await editor.token(), channel: 'meda', justification: 'Va pubblicato' });
		expect(page.status).toBe(403);
		expect(page.text).toContain(escapeHtml(t('admin.error.forbidden')));
		expect(await state(message.id)).toBe('rejected');
		expect(await overrides(message.id)).toHaveLength(0);
		// Without the CSRF token neither role gets through.
		expect((await admin.post(`/admin/messages/${message.id}/override`, { channel: 'meda', justification: 'Va pubblicato' })).status).toBe(403);
		expect(await state(message.id)).toBe('rejected');
	});

	test('a bad justification is refused with an Italian message on the page and changes nothing', async () => {
		if (skip) return;
		const message = await viaApi('elezioni-3', 'Votate la lista civica del quartiere');
		const token = await admin.token();
		const path = `/admin/messages/${message.id}/override`;
		for (const [justification, status, text] of [
			['   ', 422, t('admin.override.required')],
			['', 422, t('admin.override.required')],
			['x'.repeat(1001), 422, t('admin.override.tooLong', { max: 1000, count: 1001 })],
			[undefined, 400, t('admin.override.invalid')],
		] as Array<[string | undefined, number, string]>) {
			const fields: Record<string, string> = { _csrf: token, channel: 'meda' };
			if (justification !== undefined) fields.justification = justification;
			const page = await admin.post(path, fields);
			const label = String(JSON.stringify(justification)).slice(0, 20);
			expect([label, page.status]).toEqual([label, status]);
			expect(page.text).toContain(escapeHtml(text));
			expect(page.text).toContain('<h1 class="mb-4">Coda dei messaggi</h1>');
			expect(page.text).toContain(`<a href="#m-${message.id}">Vai al messaggio</a>`);
			expect(page.text).toContain('aria-invalid="true"');
			expect(page.text).not.toMatch(/at .*\.ts:\d+/);
		}
		// Text no store can keep is refused before the page reads it (both stores alike).
		const nul = await admin.post(path, { _csrf: token, channel: 'meda', justification: 'Motivo\u0000nascosto' });
		expect(nul.status).toBe(400);
		expect(nul.text).toContain(escapeHtml(t('admin.error.invalidText')));
		// A field sent twice is not a string.
		const twice = await fetch(`${h.scheduler.url}${path}`, {
			method: 'POST',
			redirect: 'manual',
			headers: { cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
			body: `_csrf=${encodeURIComponent(token)}&channel=meda&justification=a&justification=b`,
		});
		expect([400, 422]).toContain(twice.status);
		expect(await state(message.id)).toBe('rejected');
		expect(await overrides(message.id)).toHaveLength(0);
	});

	test('an administrator overrides with a justification: queued again, audited with it', async () => {
		if (skip) return;
		const message = await viaApi('elezioni-4', 'Votate la lista civica: raccolta firme');
		const token = await admin.token();
		const done = await admin.post(`/admin/messages/${message.id}/override`, { _csrf: token, channel: 'meda', justification: '  Comunicazione del segretario comunale, verificata  ' });
		expect(done.status).toBe(303);
		expect(done.location).toBe('/admin/queue?channel=meda&done=overridden');
		expect(await state(message.id)).toBe('queued');
		const rows = await overrides(message.id);
		expect(rows).toHaveLength(1);
		expect(rows[0].actor).toBe('admin:ufficio');
		expect(JSON.parse(rows[0].details)).toMatchObject({ justification: 'Comunicazione del segretario comunale, verificata' });
		const page = await admin.get('/admin/queue?channel=meda&done=overridden');
		expect(page.text).toContain(escapeHtml(t('admin.override.done')));
		expect(section(page.text, 'rules-rejected')).not.toContain(`id="m-${message.id}"`);
		expect(section(page.text, 'waiting')).toContain(`id="m-${message.id}"`);
		// Again: it is no longer rejected, a plain Italian message says so.
		const again = await admin.post(`/admin/messages/${message.id}/override`, { _csrf: token, channel: 'meda', justification: 'Di nuovo' });
		expect(again.status).toBe(409);
		expect(again.text).toContain(escapeHtml(t('admin.override.notAllowed')));
		expect(await overrides(message.id)).toHaveLength(1);
		// An unknown message: not found, in Italian.
		const unknown = await admin.post('/admin/messages/nessuno/override', { _csrf: token, channel: 'meda', justification: 'Perché sì' });
		expect(unknown.status).toBe(404);
		expect(unknown.text).toContain('Pagina non trovata.');
	});

	test('an expired message cannot be overridden: an Italian message, nothing changes', async () => {
		if (skip) return;
		const message = await viaApi('elezioni-5', 'Votate la lista civica entro oggi', { expiresAt: '2026-06-10T09:00:00Z' });
		expect(message.state).toBe('rejected');
		h.set('2026-06-10T10:00:00Z');
		const page = await admin.post(`/admin/messages/${message.id}/override`, { _csrf: await admin.token(), channel: 'meda', justification: 'Serve ancora' });
		expect(page.status).toBe(409);
		expect(page.text).toContain(escapeHtml(t('admin.override.expired')));
		expect(await state(message.id)).toBe('rejected');
		expect(await overrides(message.id)).toHaveLength(0);
	});

	test('a held message shows why it waits; approving what the rules now reject suggests the override', async () => {
		if (skip) return;
		const added = await admin.saveRules({ section: 'category-add', label: 'Biblioteca', emoji: '📚', priority: '50', words: 'biblioteca', approval: 'on' });
		expect(added.status).toBe(303);
		const message = await viaApi('biblioteca-1', 'Nuovi arrivi nella biblioteca civica');
		expect(message.state).toBe('held');
		const why = t('reason.approval', { label: 'Biblioteca' });
		expect(message.reasons).toContain(why);
		const page = await admin.get('/admin/queue?channel=meda');
		const held = section(page.text, 'held');
		expect(held).toContain(`id="m-${message.id}"`);
		expect(held).toContain('Perché aspetta');
		expect(held).toContain(escapeHtml(why));
		expect(held).toContain(`action="/admin/messages/${message.id}/override"`);
		expect(section((await editor.get('/admin/queue?channel=meda')).text, 'held')).not.toContain('/override"');

		// Held, but the rules now reject it (a blocked word): approving is refused, with the way out.
		const { message: stopped } = await enqueue(ctx(), 'meda', { dedupeKey: 'held-blocked', text: 'Votate la lista civica' }, 'test');
		expect(stopped.state).toBe('rejected');
		await ctx().store.run("UPDATE messages SET state = 'held' WHERE id = ?", [stopped.id]);
		const refused = await admin.post(`/admin/queue/${stopped.id}/approve`, { _csrf: await admin.token(), note: '' });
		expect(refused.status).toBe(409);
		expect(refused.text).toContain('Non si può approvare: le regole del canale ora respingono questo messaggio (');
		expect(refused.text).toContain('usa «Pubblica comunque» con una motivazione');
		expect(refused.text).not.toContain(t('admin.queue.rulesRejectUnknown'));
		const byEditor = await editor.post(`/admin/queue/${stopped.id}/approve`, { _csrf: await editor.token(), note: '' });
		expect(byEditor.status).toBe(409);
		expect(byEditor.text).toContain(escapeHtml("Solo l'amministrazione può pubblicarlo comunque, con una motivazione."));
		expect(await state(stopped.id)).toBe('held');
		// The administrator publishes it anyway.
		const done = await admin.post(`/admin/messages/${stopped.id}/override`, { _csrf: await admin.token(), channel: 'meda', justification: 'Citazione in un comunicato ufficiale' });
		expect(done.status).toBe(303);
		expect(await state(stopped.id)).toBe('queued');
		expect(await overrides(stopped.id)).toHaveLength(1);
	});
});
