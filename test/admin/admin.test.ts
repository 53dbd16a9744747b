// The admin page over HTTP on 127.0.0.1, on a real SQLite file and on PostgreSQL: login, sessions,
// CSRF, roles, escaping, the queue, emergencies, the audit log and its CSV.
import { enqueue } from '../../scheduler/src/queue';
import { audit } from '../../scheduler/src/repo';
import { saveUser } from '../../scheduler/src/admin/users';
import { skipPostgres, type Kind } from '../scheduler/helpers';
import { ADMIN, Client, startAdmin, type AdminHarness } from './helpers';

const NOW = '2026-06-10T08:00:00Z';

const item = (id: string, title: string) => ({
	id,
	title,
	summary: 'Dettagli sul sito.',
	link: `https://www.comune.meda.mb.it/novita/${id}`,
	publishedAt: '2026-06-10T07:00:00.000Z',
	updatedAt: null,
	categories: ['Avvisi'],
	image: null,
	source: { name: 'Comune di Meda', url: 'https://www.comune.meda.mb.it/feed/', kind: 'rss' },
});

describe.each<Kind>(['sqlite', 'postgres'])('admin page on %s', (kind) => {
	let h: AdminHarness;
	let skip = false;
	const client = () => new Client(() => h.scheduler.url);
	const ctx = () => h.scheduler.ctx;

	async function held(dedupeKey: string, text: string): Promise<string> {
		const { message } = await enqueue(ctx(), 'meda', { dedupeKey, text }, 'test');
		await ctx().store.run("UPDATE messages SET state = 'held' WHERE id = ?", [message.id]);
		return message.id;
	}
	const state = async (id: string) => (await ctx().store.get<{ state: string }>('SELECT state FROM messages WHERE id = ?', [id]))?.state;
	const paused = async () => Number((await ctx().store.get<{ paused: number }>("SELECT paused FROM channels WHERE id = 'meda'"))?.paused);

	beforeAll(async () => {
		skip = await skipPostgres(kind);
		if (!skip) h = await startAdmin(kind, NOW, 8);
	});
	afterAll(async () => {
		if (!skip) await h.close();
	});
	beforeEach(() => {
		if (!skip) h.set(NOW);
	});

	test('without a session every page sends to the login; the API token is not needed here', async () => {
		if (skip) return;
		const c = client();
		const page = await c.get('/admin/queue');
		expect(page.status).toBe(303);
		expect(page.location).toBe('/admin/login?next=%2Fadmin%2Fqueue');
		const login = await c.get('/admin/login');
		expect(login.status).toBe(200);
		expect(login.text).toContain('<html lang="it">');
		expect(login.text).toContain('<label for="username"');
		expect(login.headers.get('content-security-policy')).toContain("script-src 'self'");
		// The API still wants its token.
		expect((await fetch(`${h.scheduler.url}/v1/channels`)).status).toBe(401);
	});

	test('Bootstrap Italia is served without a session, and nothing else of the package', async () => {
		if (skip) return;
		const css = await fetch(`${h.scheduler.url}/admin/assets/css/bootstrap-italia.min.css`);
		expect(css.status).toBe(200);
		expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
		expect((await css.text()).length).toBeGreaterThan(100_000);
		const font = await fetch(`${h.scheduler.url}/admin/assets/fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-600.woff2`);
		expect([font.status, font.headers.get('content-type')]).toEqual([200, 'font/woff2']);
		expect((await fetch(`${h.scheduler.url}/admin/assets/admin.css`)).status).toBe(200);
		for (const path of ['/admin/assets/package.json', '/admin/assets/css%2F..%2F..%2Fpackage.json', '/admin/assets/fonts/Titillium_Web/..%2F..%2F..%2Fpackage.json', '/admin/assets/js/bootstrap-italia.bundle.min.js']) {
			const response = await fetch(`${h.scheduler.url}${path}`, { redirect: 'manual' });
			expect([path, response.status]).toEqual([path, 404]);
			expect(await response.text()).toContain('Pagina non trovata.');
		}
	});

	test('login: a wrong password is refused, the right one opens a session with an HttpOnly cookie', async () => {
		if (skip) return;
		const c = client();
		const wrong = await c.login(ADMIN.user, 'not-the-password');
		expect(wrong.status).toBe(401);
		expect(wrong.text).toContain('Nome utente o password non corretti.');
		expect(c.cookies.has('banditore_admin')).toBe(false);
		const unknown = await c.login('nessuno', ADMIN.password);
		expect(unknown.status).toBe(401);

		const form = await c.get('/admin/login');
		const response = await fetch(`${h.scheduler.url}/admin/login`, {
			method: 'POST',
			redirect: 'manual',
			headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ _csrf: Client.csrf(form), username: ADMIN.user, password: ADMIN.password, next: '/admin/queue' }).toString(),
		});
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('/admin/queue');
		const cookie = response.headers.getSetCookie().find((line) => line.startsWith('banditore_admin='));
		expect(cookie).toMatch(/HttpOnly/);
		expect(cookie).toMatch(/SameSite=Lax/);
		expect(cookie).toMatch(/Path=\/admin/);
		// Only a hash of the cookie is stored.
		const token = (cookie as string).split(';')[0].split('=')[1];
		const rows = await ctx().store.all<{ id: string }>('SELECT id FROM admin_sessions');
		expect(rows.map((r) => r.id)).not.toContain(token);
	});

	test('five wrong passwords lock the name for 15 minutes, even with the right one', async () => {
		if (skip) return;
		await saveUser(ctx().store, 'bersaglio', 'editor', 'password-giusta', 'test', Date.parse(NOW));
		const c = client();
		for (let i = 0; i < 5; i++) expect((await c.login('bersaglio', `sbagliata-${i}`)).status).toBe(401);
		const locked = await c.login('bersaglio', 'password-giusta');
		expect(locked.status).toBe(429);
		expect(locked.text).toContain('Troppi tentativi non riusciti con questo nome utente: riprova tra 15 minuti.');
		expect(c.cookies.has('banditore_admin')).toBe(false);
		// Other names are not affected.
		expect((await client().login()).status).toBe(303);
		h.set('2026-06-10T08:16:00Z');
		expect((await c.login('bersaglio', 'password-giusta')).status).toBe(303);
	});

	test('twenty wrong passwords sent at once: five failures recorded, the rest refused as locked', async () => {
		if (skip) return;
		await saveUser(ctx().store, 'assediato', 'editor', 'password-giusta', 'test', Date.parse(NOW));
		const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => client().login('assediato', `sbagliata-${i}`).then((r) => r.status)));
		expect(statuses.filter((s) => s === 401)).toHaveLength(5);
		expect(statuses.filter((s) => s === 429)).toHaveLength(15);
		const failures = await ctx().store.all("SELECT id FROM audit WHERE type = 'admin.login.failed' AND actor = 'admin:assediato'");
		expect(failures).toHaveLength(5);
		expect((await client().login('assediato', 'password-giusta')).status).toBe(429);
	});

	test('login never redirects outside the admin page', async () => {
		if (skip) return;
		const c = client();
		const form = await c.get('/admin/login');
		const page = await c.post('/admin/login', { _csrf: Client.csrf(form), username: ADMIN.user, password: ADMIN.password, next: '//evil.example/admin' });
		expect(page.location).toBe('/admin');
	});

	test('sessions expire after the configured hours without use, and logout ends them', async () => {
		if (skip) return;
		const c = client();
		await c.login();
		expect((await c.get('/admin')).status).toBe(200);
		// Used 7 hours later: still valid, and its expiry slides.
		h.set('2026-06-10T15:00:00Z');
		expect((await c.get('/admin')).status).toBe(200);
		h.set('2026-06-10T22:30:00Z');
		expect((await c.get('/admin')).status).toBe(200);
		// 8 hours and a minute without use: gone.
		h.set('2026-06-11T06:31:00Z');
		const expired = await c.get('/admin');
		expect(expired.status).toBe(303);
		expect(expired.location).toMatch(/^\/admin\/login/);

		h.set(NOW);
		const d = client();
		await d.login();
		const stolen = d.cookies.get('banditore_admin') as string;
		const out = await d.post('/admin/logout', { _csrf: await d.token() });
		expect(out.status).toBe(303);
		expect(out.location).toBe('/admin/login?out=1');
		const again = client();
		again.cookies.set('banditore_admin', stolen);
		expect((await again.get('/admin')).status).toBe(303);
	});

	test('CSRF: a POST without the token or with a wrong one is refused with 403 and changes nothing', async () => {
		if (skip) return;
		const c = client();
		await c.login();
		const id = await held('csrf-1', 'Da approvare');
		for (const token of [undefined, 'wrong', '']) {
			const fields: Record<string, string> = { channel: 'meda' };
			if (token !== undefined) fields._csrf = token;
			expect((await c.post('/admin/pause', fields)).status).toBe(403);
			expect((await c.post(`/admin/queue/${id}/approve`, fields)).status).toBe(403);
			expect((await c.post('/admin/rules', { ...fields, section: 'quota', version: '1', perWeek: '3', week: 'iso' })).status).toBe(403);
		}
		expect(await paused()).toBe(0);
		expect(await state(id)).toBe('held');
		expect(ctx().channels.get('meda')?.rules.quota.perWeek).toBe(10);
		// Another session's token does not work either.
		const other = client();
		await other.login();
		const page = await c.post('/admin/pause', { channel: 'meda', _csrf: await other.token() });
		expect(page.status).toBe(403);
		expect(page.text).toContain('Il modulo è scaduto');
		expect(await paused()).toBe(0);
		// The login form has its own token.
		const fresh = client();
		expect((await fresh.post('/admin/login', { username: ADMIN.user, password: ADMIN.password })).status).toBe(403);
	});

	test('roles: an editor approves and sends emergencies but cannot touch rules, pause or users', async () => {
		if (skip) return;
		await saveUser(ctx().store, 'redazione', 'editor', 'password-redazione', 'test', Date.parse(NOW));
		const c = client();
		expect((await c.login('redazione', 'password-redazione')).status).toBe(303);
		const dashboard = await c.get('/admin');
		expect(dashboard.status).toBe(200);
		expect(dashboard.text).not.toContain('href="/admin/rules');
		expect(dashboard.text).not.toContain('action="/admin/pause"');
		const token = Client.csrf(dashboard);
		expect((await c.get('/admin/rules')).status).toBe(403);
		expect((await c.get('/admin/rules/export')).status).toBe(403);
		expect((await c.get('/admin/users')).status).toBe(403);
		expect((await c.post('/admin/pause', { _csrf: token, channel: 'meda' })).status).toBe(403);
		expect((await c.post('/admin/users', { _csrf: token, username: 'intruso', role: 'administrator', password: 'password-lunga' })).status).toBe(403);
		expect((await c.post('/admin/rules', { _csrf: token, channel: 'meda', section: 'quota', version: '1', perWeek: '3', week: 'iso' })).status).toBe(403);
		expect(await paused()).toBe(0);
		expect(await ctx().store.get("SELECT username FROM admin_users WHERE username = 'intruso'")).toBeUndefined();

		const id = await held('editor-1', 'Avviso da approvare');
		const approved = await c.post(`/admin/queue/${id}/approve`, { _csrf: token, note: 'ok' });
		expect(approved.status).toBe(303);
		expect(await state(id)).toBe('queued');
		const entry = await ctx().store.get<{ actor: string }>("SELECT actor FROM audit WHERE type = 'message.approved' AND message_id = ?", [id]);
		expect(entry?.actor).toBe('admin:redazione');
	});

	test('feed text is escaped on every page: a <script> title shows as text', async () => {
		if (skip) return;
		const evil = '<script>alert("x")</script> Chiusura <b>via</b> Roma';
		const { message } = await enqueue(ctx(), 'meda', { item: item('xss-1', evil) as never }, 'test');
		await ctx().store.run("UPDATE messages SET state = 'held' WHERE id = ?", [message.id]);
		const c = client();
		await c.login();
		const queue = await c.get('/admin/queue');
		expect(queue.status).toBe(200);
		expect(queue.text).not.toContain('<script>alert');
		expect(queue.text).not.toContain('<b>via</b>');
		expect(queue.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
		const log = await c.get('/admin/audit?type=message.held');
		expect(log.text).not.toContain('<script>alert');
	});

	test('the dashboard reads the quota: used / limit, next reset, emergencies; an administrator pauses and resumes', async () => {
		if (skip) return;
		const c = client();
		await c.login();
		const page = await c.get('/admin');
		expect(page.status).toBe(200);
		expect(page.text).toMatch(/id="quota-used"[^>]*>0 \/ 10</);
		expect(page.text).toContain('id="next-reset">15/06/2026 00:00<');
		expect(page.text).toContain('<svg viewBox');
		expect(page.text).toContain('<title id="chart-title">Messaggi delle ultime 8 settimane</title>');
		const token = Client.csrf(page);
		const pause = await c.post('/admin/pause', { _csrf: token, channel: 'meda', reason: 'Manutenzione' });
		expect(pause.location).toBe('/admin?channel=meda&done=paused');
		expect(await paused()).toBe(1);
		expect((await c.get('/admin?channel=meda&done=paused')).text).toContain('Sospeso: Manutenzione');
		await c.post('/admin/resume', { _csrf: token, channel: 'meda' });
		expect(await paused()).toBe(0);
		const actors = await ctx().store.all<{ type: string; actor: string }>("SELECT type, actor FROM audit WHERE type IN ('channel.paused', 'channel.resumed') ORDER BY id");
		expect(actors).toEqual([
			{ type: 'channel.paused', actor: 'admin:ufficio' },
			{ type: 'channel.resumed', actor: 'admin:ufficio' },
		]);
	});

	test('queue: held items are approved or rejected, waiting ones cancelled, shown as WhatsApp bubbles', async () => {
		if (skip) return;
		const c = client();
		await c.login();
		const a = await held('queue-a', '*Avviso* importante https://www.comune.meda.mb.it/a');
		const b = await held('queue-b', 'Da respingere');
		const page = await c.get('/admin/queue?channel=meda');
		expect(page.text).toContain('<strong>Avviso</strong> importante <a href="https://www.comune.meda.mb.it/a"');
		expect(page.text).toContain('class="wa-bubble');
		const token = Client.csrf(page);
		await c.post(`/admin/queue/${a}/approve`, { _csrf: token, note: '' });
		await c.post(`/admin/queue/${b}/reject`, { _csrf: token, note: 'non pertinente' });
		expect(await state(a)).toBe('queued');
		expect(await state(b)).toBe('rejected');
		const cancelled = await c.post(`/admin/queue/${a}/cancel`, { _csrf: token });
		expect(cancelled.location).toBe('/admin/queue?channel=meda&done=cancelled');
		expect(await state(a)).toBe('cancelled');
		// Cancelling again: a plain Italian error, nothing changes.
		const again = await c.post(`/admin/queue/${a}/cancel`, { _csrf: token });
		expect(again.status).toBe(409);
		expect(again.text).toContain('operazione non è più possibile: il messaggio è cambiato');
	});

	test('emergency: refused without a justification; the confirmation says it goes beyond the limit; sent once', async () => {
		if (skip) return;
		const c = client();
		await c.login();
		const token = await c.token();
		const before = Number((await ctx().store.get<{ n: number }>('SELECT count(*) AS n FROM messages WHERE emergency = 1'))?.n);
		const missing = await c.post('/admin/emergency/confirm', { _csrf: token, channel: 'meda', text: 'Fuga di gas in via Roma', justification: '  ' });
		expect(missing.status).toBe(422);
		expect(missing.text).toContain('Scrivi la motivazione');
		expect(missing.text).toContain('aria-invalid="true"');
		const dedupe = 'admin-emergency-x1';
		const direct = await c.post('/admin/emergency/send', { _csrf: token, channel: 'meda', text: 'Fuga di gas', justification: '', key: dedupe });
		expect(direct.status).toBe(422);
		expect(Number((await ctx().store.get<{ n: number }>('SELECT count(*) AS n FROM messages WHERE emergency = 1'))?.n)).toBe(before);

		// Ten messages already out this week.
		for (let i = 0; i < 10; i++) {
			await ctx().store.run(
				`INSERT INTO messages (id, channel, dedupe_key, state, text, priority, emergency, earliest_at, created_at, updated_at, reasons, attempts, counted, claimed_at, sent_at)
				VALUES (?, 'meda', ?, 'sent', 'x', 50, 0, ?, ?, ?, '[]', 1, 1, ?, ?)`,
				[`full-${kind}-${i}`, `full-${i}`, Date.parse(NOW) - 3600_000, Date.parse(NOW) - 3600_000, Date.parse(NOW) - 3600_000, Date.parse(NOW) - 3600_000 + i, Date.parse(NOW) - 3600_000 + i],
			);
		}
		const confirm = await c.post('/admin/emergency/confirm', { _csrf: token, channel: 'meda', text: 'Fuga di gas in via Roma: evacuare', justification: 'Rischio per la salute' });
		expect(confirm.status).toBe(200);
		expect(confirm.text).toContain('Questo messaggio supererà il limite settimanale: 10/10 già inviati.');
		const key = (confirm.text.match(/name="key" value="([^"]+)"/) as RegExpMatchArray)[1];
		const fields = { _csrf: token, channel: 'meda', text: 'Fuga di gas in via Roma: evacuare', justification: 'Rischio per la salute', key };
		expect((await c.post('/admin/emergency/send', fields)).location).toBe('/admin/queue?channel=meda&done=emergency');
		expect((await c.post('/admin/emergency/send', fields)).location).toBe('/admin/queue?channel=meda&done=duplicate');
		const sent = await ctx().store.all<{ text: string; justification: string; emergency: number }>('SELECT text, justification, emergency FROM messages WHERE dedupe_key = ?', [key]);
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ justification: 'Rischio per la salute', emergency: 1 });
		// The channel's footer goes with it.
		expect(sent[0].text).toContain('Fuga di gas in via Roma: evacuare\n\nCanale informativo del Comune di Meda');
		const entry = await ctx().store.get<{ actor: string; details: string }>("SELECT actor, details FROM audit WHERE type = 'message.enqueued' ORDER BY id DESC LIMIT 1");
		expect(entry?.actor).toBe('admin:ufficio');
		expect(JSON.parse(entry?.details ?? '{}')).toMatchObject({ emergency: true, justification: 'Rischio per la salute' });
	});

	test('audit log: filters, and a CSV Excel opens, formula-safe, without phone numbers', async () => {
		if (skip) return;
		await ctx().store.tx((q) => audit(q, Date.parse(NOW), { channel: 'meda', type: 'test.csv', actor: 'admin:ufficio', details: { note: '=HYPERLINK("http://x")', phone: '+39 333 123 4567', text: 'chiama 3331234567; "sì"' } }));
		const c = client();
		await c.login();
		const page = await c.get('/admin/audit?type=test.csv&channel=meda&since=2026-06-10&until=2026-06-10');
		expect(page.status).toBe(200);
		// A type the page has no name for is "Altro evento", never its code; its note is the sentence.
		expect(page.text).toContain('<td>Altro evento</td>');
		expect(page.text).toContain('=HYPERLINK(&quot;http://x&quot;)');
		expect(page.text).not.toContain('3331234567');
		expect(page.text).not.toContain('333 123 4567');
		const none = await c.get('/admin/audit?type=test.csv&since=2026-06-11');
		expect(none.text).toContain('Nessuna voce con questi filtri.');
		const bad = await c.get('/admin/audit?since=10/06/2026');
		expect(bad.status).toBe(422);
		expect(bad.text).toContain('Data non valida «10/06/2026»: usa il formato AAAA-MM-GG.');

		const csv = await fetch(`${h.scheduler.url}/admin/audit.csv?type=test.csv`, { headers: { cookie: `banditore_admin=${c.cookies.get('banditore_admin')}` } });
		expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		const bytes = Buffer.from(await csv.arrayBuffer());
		expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const lines = bytes.toString('utf8').slice(1).split('\r\n');
		expect(lines[0]).toBe('Data e ora;id;Canale;Tipo;Autore;Messaggio;Dettagli;Codice evento;Dati registrati (JSON)');
		// The sentence, the machine code, then the recorded data as JSON: every cell formula-safe, no phone number.
		expect(lines[1]).toMatch(/^10\/06\/2026 10:00;\d+;Comune di Meda;Altro evento;admin:ufficio;;"'=HYPERLINK\(""http:\/\/x""\)";test\.csv;"\{/);
		expect(lines[1]).toContain('""phone"":""***""');
		expect(lines[1]).toContain('chiama ***; \\""sì\\""');
		expect(lines[2]).toBe('');
		expect(lines).toHaveLength(3);
	});

	test('users: an administrator adds an editor, who can then log in; bad input is explained', async () => {
		if (skip) return;
		const c = client();
		await c.login();
		const page = await c.get('/admin/users');
		const token = Client.csrf(page);
		const short = await c.post('/admin/users', { _csrf: token, username: 'giulia', role: 'editor', password: 'corta' });
		expect(short.status).toBe(422);
		expect(short.text).toContain('La password deve avere almeno 10 caratteri.');
		const ok = await c.post('/admin/users', { _csrf: token, username: 'giulia', role: 'editor', password: 'una-password-sicura' });
		expect(ok.text).toContain('Utente «giulia» salvato.');
		expect(ok.text).not.toContain('una-password-sicura');
		expect((await client().login('giulia', 'una-password-sicura')).status).toBe(303);
		const row = await ctx().store.get<{ password_hash: string }>("SELECT password_hash FROM admin_users WHERE username = 'giulia'");
		expect(row?.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
	});
});
