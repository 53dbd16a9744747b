// Categories added and removed on the rules page: the same checks as the file, a new version with its
// author, the office's comments kept, and items that matched a removed category judged by the others.
import { saveUser } from '../../scheduler/src/admin/users';
import { enqueue } from '../../scheduler/src/queue';
import { skipPostgres, type Kind } from '../scheduler/helpers';
import { Client, startAdmin, type AdminHarness } from './helpers';

const NOW = '2026-06-10T08:00:00Z';

/** A news item of the site that no source category or path of Meda's rules recognises. */
const item = (id: string, title: string) => ({
	id,
	title,
	summary: 'Dettagli sul sito.',
	link: `https://www.comune.meda.mb.it/cultura/${id}`,
	publishedAt: '2026-06-10T07:00:00.000Z',
	updatedAt: null,
	categories: [],
	image: null,
	source: { name: 'Comune di Meda', url: 'https://www.comune.meda.mb.it/feed/', kind: 'rss' },
});

describe.each<Kind>(['sqlite', 'postgres'])('categories added and removed on the admin page on %s', (kind) => {
	let h: AdminHarness;
	let skip = false;
	let c: Client;
	const ctx = () => h.scheduler.ctx;
	const channel = () => ctx().channels.get('meda')!;
	const ids = () => channel().rules.categories.map((x) => x.id);
	const versions = () => ctx().store.all<{ version: number; author: string | null; source: string }>("SELECT version, author, source FROM rules_versions WHERE channel = 'meda' ORDER BY version");
	const categoryOf = async (id: string, title: string) => (await enqueue(ctx(), 'meda', { item: item(id, title) as never }, 'test')).message;

	const post = (fields: Record<string, string>, client = c) => client.saveRules(fields);
	const add = (fields: Record<string, string>) => post({ section: 'category-add', emoji: '', priority: '0', words: '', ...fields });

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

	test('a bad new category gets a plain Italian error, keeps what was typed, and saves nothing', async () => {
		if (skip) return;
		for (const [fields, message, field] of [
			[{ label: '  ', words: 'biblioteca' }, 'Scrivi il nome della categoria.', 'new-label'],
			[{ label: 'Evento', words: 'sagra' }, 'Esiste già una categoria con questo nome («Evento», identificativo evento)', 'new-label'],
			[{ label: 'Biblioteca', words: '' }, 'Scrivi almeno una parola o frase che riconosce la categoria', 'new-words'],
			[{ label: 'Biblioteca', words: 'bi*' }, 'Aggiungi una categoria: Prefisso troppo corto in «bi*»', 'new-words'],
			[{ label: 'Biblioteca', words: 'biblioteca', priority: 'alta' }, 'Aggiungi una categoria: Valore non valido: serve un numero', 'new-priority'],
		] as Array<[Record<string, string>, string, string]>) {
			const page = await add(fields);
			expect(page.status).toBe(422);
			expect(page.text).toContain(message);
			expect(page.text).toContain(`<a href="#${field}">`);
			if (fields.words) expect(page.text).toMatch(new RegExp(`<textarea id="new-words" name="words"[^>]*>${fields.words.replace('*', '\\*')}</textarea>`));
		}
		expect(await versions()).toHaveLength(1);
		expect(ids()).not.toContain('biblioteca');
	});

	test('a new category is a new version with its author, the file\'s text and comments kept, and judges items at once', async () => {
		if (skip) return;
		expect((await categoryOf('orari-1', 'Nuovi arrivi nella biblioteca civica')).category).toBe('notizia');
		const page = await add({ label: 'Biblioteca e Città', emoji: '📚', priority: '50', words: 'biblioteca\nprestito libri', approval: 'on' });
		expect(page.status).toBe(303);
		expect(page.location).toBe('/admin/rules?channel=meda&section=categories&done=saved');
		const [before, after] = await versions();
		expect(after.author).toBe('admin:ufficio');
		const block = '\n  - id: biblioteca-e-citta\n    label: Biblioteca e Città\n    emoji: "📚"\n    priority: 50\n    approval: true\n    match:\n      words:\n        - biblioteca\n        - prestito libri\n';
		// Only the new lines: every comment and alignment of the office's file stays as it was.
		expect(after.source).toBe(before.source.replace('maxAgeHours: 96\n', `maxAgeHours: 96\n${block}`));
		expect(ids()).toEqual(['emergenza', 'allerta-meteo', 'ordinanza', 'avviso', 'evento', 'notizia', 'biblioteca-e-citta']);
		const message = await categoryOf('orari-2', 'Nuovi arrivi nella biblioteca civica');
		expect([message.category, message.state]).toEqual(['biblioteca-e-citta', 'held']);
		// The same label again is a duplicate.
		expect((await add({ label: 'biblioteca e citta', words: 'libri' })).text).toContain('Esiste già una categoria');
	});

	test('removing a category asks first and says where its items go; then they fall to the other categories', async () => {
		if (skip) return;
		expect((await categoryOf('concerto-1', 'Concerto in piazza')).category).toBe('evento');
		const confirm = await c.get('/admin/rules/category-remove?channel=meda&id=evento');
		expect(confirm.status).toBe(200);
		expect(confirm.text).toContain('Rimuovere la categoria «Evento»?');
		expect(confirm.text).toContain('Le notizie che oggi finiscono in «Evento» saranno giudicate dalle altre categorie');
		expect(confirm.text).toContain('Se nessuna le riconosce, finiscono in «Notizia», la categoria di riserva.');
		expect(confirm.text).toContain('La categoria viene tolta anche dagli elenchi del periodo elettorale.');
		const before = (await versions()).at(-1)!;
		expect(channel().rulesVersion).toBe(before.version);
		// The confirmation is the form that removes.
		const version = (confirm.text.match(/name="version" value="(\d+)"/) as RegExpMatchArray)[1];
		const removed = await c.post('/admin/rules', { _csrf: Client.csrf(confirm), channel: 'meda', version, section: 'category-remove', id: 'evento' });
		expect(removed.status).toBe(303);
		const after = (await versions()).at(-1)!;
		expect([after.version, after.author]).toEqual([before.version + 1, 'admin:ufficio']);
		expect(ids()).not.toContain('evento');
		expect([...channel().rules.election.reject]).toEqual([]);
		// The reference leaves the election list, its comment staying in its column.
		const reject = (before.source.match(/reject: \[evento\] +# categorie respinte/) as RegExpMatchArray)[0];
		expect(after.source).toContain(reject.replace('[evento]', '[]      '));
		// Nothing else changed: the category's own lines went, every other line and comment stayed.
		const block = (before.source.match(/ {2}- id: evento\n[\s\S]*?\n\n(?= {2}- id: notizia)/) as RegExpMatchArray)[0];
		expect(after.source).toBe(before.source.replace(block, '').replace(reject, reject.replace('[evento]', '[]      ')));
		expect(after.source).toContain('# Regole del canale WhatsApp "Comune di Meda".');
		expect(after.source).toContain("- allert* meteo         # l'asterisco vale per ogni finale: allerta, allerte");
		expect(after.source).not.toContain('afterEvent');
		const now = await categoryOf('concerto-2', 'Concerto in piazza');
		expect(now.category).toBe('notizia');
		expect(now.reasons).toContain("Categoria «Notizia»: nessun'altra categoria riconosciuta");
	});

	test('the last category of the list can go too, and the fallback category cannot', async () => {
		if (skip) return;
		const page = await post({ section: 'category-remove', id: 'biblioteca-e-citta' });
		expect(page.status).toBe(303);
		const source = (await versions()).at(-1)!.source;
		expect(source).toContain('maxAgeHours: 96\n\n# "Qualsiasi evento/avviso pubblicato sul sito istituzionale"');
		expect((await categoryOf('orari-3', 'Nuovi arrivi nella biblioteca civica')).category).toBe('notizia');

		const count = (await versions()).length;
		const fallback = await c.get('/admin/rules/category-remove?channel=meda&id=notizia');
		expect(fallback.status).toBe(422);
		expect(fallback.text).toContain('«Notizia» è la categoria di riserva');
		expect(fallback.text).not.toContain('Sì, rimuovi la categoria');
		const refused = await post({ section: 'category-remove', id: 'notizia' });
		expect(refused.status).toBe(422);
		expect(refused.text).toContain('«Notizia» è la categoria di riserva');
		expect((await post({ section: 'category-remove', id: 'non-esiste' })).status).toBe(404);
		expect((await c.get('/admin/rules/category-remove?channel=meda&id=non-esiste')).status).toBe(404);
		expect(await versions()).toHaveLength(count);
		expect(ids()).toContain('notizia');
	});

	test('editors cannot add or remove categories (403), and a POST without the CSRF token is refused', async () => {
		if (skip) return;
		await saveUser(ctx().store, 'redazione', 'editor', 'password-della-redazione', 'test', Date.now());
		const editor = new Client(() => h.scheduler.url);
		await editor.login('redazione', 'password-della-redazione');
		const token = await editor.token();
		const version = String(channel().rulesVersion);
		const count = (await versions()).length;
		expect((await editor.get('/admin/rules/category-remove?channel=meda&id=avviso')).status).toBe(403);
		expect((await editor.post('/admin/rules', { _csrf: token, channel: 'meda', version, section: 'category-add', label: 'Sport', words: 'partita' })).status).toBe(403);
		expect((await editor.post('/admin/rules', { _csrf: token, channel: 'meda', version, section: 'category-remove', id: 'avviso' })).status).toBe(403);
		for (const csrf of [undefined, 'sbagliato']) {
			const fields: Record<string, string> = { channel: 'meda', version, section: 'category-remove', id: 'avviso' };
			if (csrf) fields._csrf = csrf;
			expect((await c.post('/admin/rules', fields)).status).toBe(403);
			expect((await c.post('/admin/rules', { ...fields, section: 'category-add', label: 'Sport', words: 'partita' })).status).toBe(403);
		}
		expect(await versions()).toHaveLength(count);
		expect(ids()).toContain('avviso');
		expect(ids()).not.toContain('sport');
	});
});
