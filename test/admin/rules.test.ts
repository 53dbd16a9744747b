// Rules edited on the admin page: the file's checks in plain Italian, versions with their author,
// comments kept, restarts that keep the edit, a changed file that wins, other processes that follow.
import { readFileSync, writeFileSync } from 'node:fs';
import { refreshChannels } from '../../scheduler/src/channels';
import { startScheduler } from '../../scheduler/src/index';
import { enqueue } from '../../scheduler/src/queue';
import { reserve } from '../../scheduler/src/slots';
import { decisionOf, skipPostgres, type Kind } from '../scheduler/helpers';
import { Client, quotaForm, startAdmin, type AdminHarness } from './helpers';

const NOW = '2026-06-10T08:00:00Z';

describe.each<Kind>(['sqlite', 'postgres'])('rules on the admin page on %s', (kind) => {
	let h: AdminHarness;
	let skip = false;
	let c: Client;
	const ctx = () => h.scheduler.ctx;
	const channel = () => ctx().channels.get('meda')!;
	const versions = () => ctx().store.all<{ version: number; origin: string; author: string | null; source: string }>("SELECT version, origin, author, source FROM rules_versions WHERE channel = 'meda' ORDER BY version");

	const save = (fields: Record<string, string>) => c.saveRules(fields);
	const quota = (perWeek: string) => quotaForm({ perWeek });

	beforeAll(async () => {
		skip = await skipPostgres(kind);
		if (skip) return;
		h = await startAdmin(kind, NOW);
		c = new Client(() => h.scheduler.url);
		await c.login();
	});
	afterAll(async () => {
		if (!skip) await h.close();
	});

	test('a bad weekly limit gets a plain Italian error next to the field, and nothing is saved', async () => {
		if (skip) return;
		for (const [value, message] of [
			['-3', 'Messaggi a settimana: Il numero deve essere almeno 0.'],
			['dieci', 'Messaggi a settimana: Valore non valido: serve un numero, trovato un testo.'],
			['5000', 'Messaggi a settimana: Il numero deve essere al massimo 1000.'],
		]) {
			const page = await save(quota(value));
			expect(page.status).toBe(422);
			expect(page.text).toContain(message);
			expect(page.text).toContain('<a href="#perWeek">');
			expect(page.text).toMatch(/id="perWeek" name="perWeek" value="[^"]*" aria-invalid="true"/);
			expect(page.text).toContain(`value="${value}"`);
		}
		expect(await versions()).toHaveLength(1);
		expect(channel().rules.quota.perWeek).toBe(10);
		expect(channel().rulesVersion).toBe(1);
	});

	test('a valid change is a new version with its author, used at once, with the comments of the file kept', async () => {
		if (skip) return;
		const page = await save(quota('7'));
		expect(page.status).toBe(303);
		expect(page.location).toBe('/admin/rules?channel=meda&done=saved');
		const list = await versions();
		expect(list.map((v) => [v.version, v.origin, v.author])).toEqual([
			[1, 'file', 'config'],
			[2, 'admin', 'admin:ufficio'],
		]);
		// Only the value changed in the text: every comment and alignment of the office's file stays.
		expect(list[1].source).toBe(list[0].source.replace('perWeek: 10 ', 'perWeek: 7  '));
		expect(list[1].source).toContain('# Regole del canale WhatsApp "Comune di Meda".');
		expect(channel().rules.quota.perWeek).toBe(7);
		expect(channel().rulesVersion).toBe(2);
		// The quota the API reads follows.
		const entry = await ctx().store.get<{ actor: string; details: string }>("SELECT actor, details FROM audit WHERE type = 'rules.changed' ORDER BY id DESC LIMIT 1");
		expect(entry?.actor).toBe('admin:ufficio');
		expect(JSON.parse(entry?.details ?? '{}')).toMatchObject({ version: 2, origin: 'admin' });
		const shown = await c.get('/admin/rules?channel=meda&section=file&done=saved');
		expect(shown.text).toContain('Modifiche salvate.');
		expect(shown.text).toMatch(/<tr><th scope="row"><a [^>]*>2<\/a><\/th>\s*<td>10\/06\/2026 10:00<\/td><td>admin:ufficio<\/td><td>pagina di amministrazione<\/td>/);
		// The same values again: no new version.
		expect((await save(quota('7'))).location).toBe('/admin/rules?channel=meda&done=unchanged');
		expect(await versions()).toHaveLength(2);
	});

	test('election periods: added and removed; a period that ends before it starts is explained', async () => {
		if (skip) return;
		const bad = await save({ section: 'period-add', name: 'Comunali 2027', start: '2027-05-20', end: '2027-04-01' });
		expect(bad.status).toBe(422);
		expect(bad.text).toContain('Il periodo «Comunali 2027» finisce prima di iniziare');
		expect(bad.text).toContain('value="2027-04-01"');
		const ok = await save({ section: 'period-add', name: 'Comunali 2027', start: '2027-04-10', end: '2027-06-08 15:00' });
		expect(ok.status).toBe(303);
		expect(channel().rules.election.periods.filter((p) => p.origin === 'local').map((p) => p.name)).toEqual(['Comunali 2027']);
		const source = (await versions()).at(-1)!.source;
		expect(source).toContain('periods: [{ name: Comunali 2027, start: "2027-04-10", end: "2027-06-08 15:00" }] # periodi elettorali, ora di Roma');
		const removed = await save({ section: 'period-remove', index: '0' });
		expect(removed.status).toBe(303);
		expect(channel().rules.election.periods.filter((p) => p.origin === 'local')).toHaveLength(0);
	});

	test('a word blocked on the rules page stops a queued message at once, before any dispatch, and the log says so', async () => {
		if (skip) return;
		const link = 'https://www.comune.meda.mb.it/novita/fiera-di-giugno';
		const { message } = await enqueue(ctx(), 'meda', { item: { id: link, title: 'Fiera di giugno in piazza', summary: '', link, publishedAt: NOW, updatedAt: null, categories: [], image: null, source: { name: 'Comune', url: link, kind: 'rss' } } }, 'test');
		expect(message.state).toBe('queued');
		expect((await save({ section: 'blocked', 'blocked-2': 'fiera di giugno' })).status).toBe(303);
		const row = await ctx().store.get<{ state: string; reasons: string }>('SELECT state, reasons FROM messages WHERE id = ?', [message.id]);
		expect(row?.state).toBe('rejected');
		expect(row?.reasons).toContain('Contenuto pubblicitario: contiene «Fiera di giugno»');
		const audit = await ctx().store.all<{ details: string }>("SELECT details FROM audit WHERE type = 'message.rejected' AND message_id = ?", [message.id]);
		expect(JSON.parse(audit[0].details)).toMatchObject({ recheck: true, codes: ['blocked.commerciale'] });
		expect((await save({ section: 'blocked', 'blocked-2': '' })).status).toBe(303);
	});

	test('words to review, words that switch a list off, words that exclude a category, votes to confirm: edited with the file’s checks', async () => {
		if (skip) return;
		const bad = await save({ section: 'blocked', 'blocked-review-1': 'op*', 'blocked-unless-1': '' });
		expect(bad.status).toBe(422);
		expect(bad.text).toContain('Prefisso troppo corto in «op*»');
		expect((await save({ section: 'blocked', 'blocked-review-1': 'assessore uscente', 'blocked-unless-0': 'ufficio elettorale' })).status).toBe(303);
		const blocked = channel().rules.data.blocked ?? [];
		expect(blocked[1].review).toEqual(['assessore uscente']);
		expect(blocked[0].unless).toEqual(['ufficio elettorale']);
		expect((await save({ section: 'persons', persons: '', votes: 'comunali-1999' })).status).toBe(422);
		expect((await save({ section: 'persons', persons: '', votes: 'comunali-2026' })).status).toBe(303);
		expect(channel().rules.data.election.votes).toEqual(['comunali-2026']);
		expect(channel().rules.election.periods.map((p) => p.name)).toContain('Elezioni comunali 2026 (turno ordinario)');
	});

	test('categories, blocked words, footer; a pasted file is checked like the file and exported as YAML', async () => {
		if (skip) return;
		const page = await c.get('/admin/rules?channel=meda&section=categories');
		const words = (page.text.match(/<textarea id="words-1" name="words-1"[^>]*>([^<]*)<\/textarea>/) as RegExpMatchArray)[1];
		expect(words.split('\n')).toContain('allert* meteo');
		const form: Record<string, string> = { section: 'categories' };
		for (let i = 0; i < channel().rules.categories.length; i++) {
			const c0 = channel().rules.data.categories[i];
			form[`label-${i}`] = c0.label;
			form[`emoji-${i}`] = c0.emoji;
			form[`priority-${i}`] = String(c0.priority);
			form[`words-${i}`] = (c0.match.words ?? []).join('\n');
			if (c0.emergency) form[`emergency-${i}`] = 'on';
			if (c0.approval) form[`approval-${i}`] = 'on';
		}
		form['words-1'] = `${form['words-1']}\ngrandinata`;
		form['words-2'] = 'ordin*';
		const bad = await save({ ...form, 'words-2': 'or*' });
		expect(bad.status).toBe(422);
		expect(bad.text).toContain('Categorie e parole «Ordinanza»: Prefisso troppo corto in «or*»');
		expect((await save(form)).status).toBe(303);
		expect(channel().rules.data.categories[1].match.words).toContain('grandinata');
		expect((await save({ section: 'blocked', 'blocked-0': 'santino', 'blocked-1': '', 'blocked-2': '' })).status).toBe(303);
		expect(channel().rules.data.blocked?.[0].words).toEqual(['santino']);
		expect((await save({ section: 'message', footer: 'Comune di Meda: canale senza risposta.', template: '{emoji} *{title}*\n\n{summary}\n\n{link}' })).status).toBe(303);
		expect(channel().rules.message.footer).toBe('Comune di Meda: canale senza risposta.');

		const exported = await c.get('/admin/rules/export?channel=meda');
		expect(exported.headers.get('content-disposition')).toMatch(/attachment; filename="regole-meda-v\d+\.yaml"/);
		expect(exported.text).toContain('Comune di Meda: canale senza risposta.');
		expect(exported.text).toContain('# Quanti messaggi e quando (li applica lo scheduler).');

		const broken = await save({ section: 'import', yaml: exported.text.replace('perWeek: 7', 'perWeek: 7\n  perWeek: 8') });
		expect(broken.status).toBe(422);
		expect(broken.text).toMatch(/riga \d+: Errore di sintassi YAML: chiave ripetuta/);
		expect(broken.text).toContain('perWeek: 8');
		const imported = await save({ section: 'import', yaml: exported.text.replace('perWeek: 7', 'perWeek: 9') });
		expect(imported.status).toBe(303);
		expect(channel().rules.quota.perWeek).toBe(9);
	});

	test('a stale form is not saved over a newer version', async () => {
		if (skip) return;
		const page = await c.get('/admin/rules?channel=meda');
		const stale = Number((page.text.match(/name="version" value="(\d+)"/) as RegExpMatchArray)[1]) - 1;
		const result = await c.post('/admin/rules', { _csrf: Client.csrf(page), channel: 'meda', version: String(stale), ...quota('3') });
		expect(result.status).toBe(409);
		expect(result.text).toContain('Nel frattempo qualcuno ha salvato la versione');
		expect(channel().rules.quota.perWeek).toBe(9);
		// A form without the version it was filled on is refused too, not saved blindly.
		const blind = await c.post('/admin/rules', { _csrf: Client.csrf(page), channel: 'meda', ...quota('3') });
		expect(blind.status).toBe(400);
		expect(channel().rules.quota.perWeek).toBe(9);
	});

	test('another process on the same database picks up the new version', async () => {
		if (skip) return;
		const other = await startScheduler(h.config, { clock: () => new Date(NOW), dispatch: false });
		try {
			expect(other.ctx.channels.get('meda')?.rules.quota.perWeek).toBe(9);
			expect((await save(quota('4'))).status).toBe(303);
			expect(other.ctx.channels.get('meda')?.rules.quota.perWeek).toBe(9);
			await refreshChannels(other.ctx);
			expect(other.ctx.channels.get('meda')?.rules.quota.perWeek).toBe(4);
			expect(other.ctx.channels.get('meda')?.rulesVersion).toBe(channel().rulesVersion);
		} finally {
			await other.close();
		}
	});

	test("another process's next reservation is decided by the rules saved a moment ago, before it polls", async () => {
		if (skip) return;
		expect((await save(quota('9'))).status).toBe(303);
		const other = await startScheduler(h.config, { clock: () => new Date(NOW), dispatch: false });
		try {
			expect(await decisionOf(reserve(other.ctx, 'meda', { dedupeKey: 'primo altrove', text: 'Avviso di prova' }, 'test'))).toBe('granted');
			expect((await save(quota('0'))).status).toBe(303);
			const saved = channel().rulesVersion;
			expect(other.ctx.channels.get('meda')?.rulesVersion).toBeLessThan(saved);
			// Its rules in memory (9 a week) would grant this one: the version read under the lock says otherwise.
			expect(await decisionOf(reserve(other.ctx, 'meda', { dedupeKey: 'secondo altrove', text: 'Avviso di prova' }, 'test'))).toBe('quota_exhausted');
			expect(other.ctx.channels.get('meda')?.rulesVersion).toBe(saved);
			expect(other.ctx.channels.get('meda')?.rules.quota.perWeek).toBe(0);
		} finally {
			await other.close();
			expect((await save(quota('4'))).status).toBe(303);
		}
	});

	test('a restart keeps the admin edit; a changed rules file wins, audited', async () => {
		if (skip) return;
		const before = channel().rulesVersion;
		await h.restart();
		expect(channel().rulesVersion).toBe(before);
		expect(channel().rules.quota.perWeek).toBe(4);

		writeFileSync(h.rules, readFileSync(h.rules, 'utf8').replace('perWeek: 10 ', 'perWeek: 12 '));
		await h.restart();
		expect(channel().rulesVersion).toBe(before + 1);
		expect(channel().rules.quota.perWeek).toBe(12);
		const last = (await versions()).at(-1)!;
		expect([last.origin, last.author]).toEqual(['file', 'config']);
		const entry = await ctx().store.get<{ actor: string; details: string }>("SELECT actor, details FROM audit WHERE type = 'rules.changed' ORDER BY id DESC LIMIT 1");
		expect(entry?.actor).toBe('config');
		expect(JSON.parse(entry?.details ?? '{}')).toMatchObject({ version: before + 1, overrides: before, origin: 'file' });
		expect(JSON.parse(entry?.details ?? '{}').note).toContain('Il file delle regole è cambiato');
		// And the next restart, with the file unchanged, changes nothing.
		await h.restart();
		expect(channel().rulesVersion).toBe(before + 1);
		c = new Client(() => h.scheduler.url);
		await c.login();
	});
});
