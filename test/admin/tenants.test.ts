// Comuni as tenants on the admin page (issue #17), on SQLite and PostgreSQL: an editor of Meda, on
// every page and action the scheduler registers (its own route list: a new page is covered by itself),
// gets 403 or 404 for Magenta's channel, messages, users and tokens, and nothing of Magenta's changes.
import { saveUser } from '../../scheduler/src/admin/users';
import { enqueue } from '../../scheduler/src/queue';
import { skipPostgres, type Kind } from '../scheduler/helpers';
import { ADMIN, Client, startComuni, type AdminHarness } from './helpers';

const NOW = '2026-06-10T08:00:00Z';
const PASSWORD = 'password-della-redazione';

describe.each<Kind>(['sqlite', 'postgres'])('the admin page of several comuni on %s', (kind) => {
	let h: AdminHarness;
	let skip = false;
	let magentaMessage: string;
	let medaMessage: string;
	const ctx = () => h.scheduler.ctx;
	const signedIn = async (username: string, password = PASSWORD) => {
		const client = new Client(() => h.scheduler.url);
		expect((await client.login(username, password)).status).toBe(303);
		return client;
	};
	const magentaState = () =>
		ctx().store.all(
			"SELECT 'm' AS k, id, state, updated_at AS at FROM messages WHERE channel = 'magenta' UNION ALL SELECT 'c', id, CAST(paused AS TEXT), rules_version FROM channels WHERE id = 'magenta' UNION ALL SELECT 'u', username, role, 0 FROM admin_memberships WHERE comune = 'magenta' UNION ALL SELECT 't', id, name, revoked_at FROM api_tokens WHERE comune = 'magenta' ORDER BY 1, 2",
		);

	beforeAll(async () => {
		skip = await skipPostgres(kind);
		if (skip) return;
		h = await startComuni(kind, NOW);
		await saveUser(ctx().store, 'giulia', 'editor', PASSWORD, 'test', Date.now(), 'meda');
		await saveUser(ctx().store, 'bruno', 'administrator', PASSWORD, 'test', Date.now(), 'meda');
		await saveUser(ctx().store, 'marta', 'administrator', PASSWORD, 'test', Date.now(), 'magenta');
		magentaMessage = (await enqueue(ctx(), 'magenta', { dedupeKey: 'm-1', text: 'Avviso di Magenta', category: 'avviso', priority: 60 }, 'test')).message.id;
		medaMessage = (await enqueue(ctx(), 'meda', { dedupeKey: 'm-1', text: 'Avviso di Meda', category: 'avviso', priority: 60 }, 'test')).message.id;
		const installation = await signedIn(ADMIN.user, ADMIN.password);
		const page = await installation.get('/admin/tokens?comune=magenta');
		expect((await installation.post('/admin/tokens', { _csrf: Client.csrf(page), comune: 'magenta', name: 'n8n di Magenta' })).status).toBe(200);
	}, 60_000);
	afterAll(async () => {
		if (!skip) await h.close();
	});

	test("an editor and an administrator of Meda get 403 or 404 on every page and action for Magenta's; nothing of Magenta's changes", async () => {
		if (skip) return;
		const pages = h.scheduler.routes.filter((r) => r.url.startsWith('/admin') && !r.url.startsWith('/admin/assets') && !['/admin/login', '/admin/logout'].includes(r.url) && r.method !== 'HEAD');
		expect(pages.length).toBeGreaterThanOrEqual(25);
		const tokenId = String((await ctx().store.get<{ id: string }>("SELECT id FROM api_tokens WHERE comune = 'magenta'"))?.id);
		const before = await magentaState();
		for (const username of ['giulia', 'bruno']) {
			const client = await signedIn(username);
			const csrf = await client.token();
			for (const route of pages) {
				const path = route.url.replace(':channel', 'magenta').replace(':id', magentaMessage).replace(':format', 'svg');
				// Magenta named by its channel, and by the comune itself (per-comune pages); with its user and token.
				const targets: Array<Record<string, string>> = [{ channel: 'magenta' }, { comune: 'magenta', username: 'marta', id: tokenId }];
				for (const target of targets) {
					const fields = { ...target, name: 'intruso', role: 'editor', password: 'password-intrusa', section: 'quota', reason: 'prova', text: 'Testo', justification: 'prova' };
					const answer = route.method === 'GET' ? await client.get(`${path}?${new URLSearchParams(target)}`) : await client.post(path, { _csrf: csrf, ...fields });
					expect({ who: username, route: `${route.method} ${route.url}`, target, status: [403, 404].includes(answer.status) }).toEqual({ who: username, route: `${route.method} ${route.url}`, target, status: true });
					expect(answer.text).not.toContain('Canale di Magenta');
					expect(answer.text).not.toContain('Avviso di Magenta');
				}
			}
		}
		expect(await magentaState()).toEqual(before);
	});

	test("an editor of Meda sees only Meda's channel, queue and audit entries; the comuni page is the installation administrator's", async () => {
		if (skip) return;
		const giulia = await signedIn('giulia');
		for (const path of ['/admin', '/admin/queue', '/admin/emergency', '/admin/audit', '/admin/subscribers', '/admin/notifications']) {
			const page = await giulia.get(path);
			expect({ path, status: page.status }).toEqual({ path, status: 200 });
			expect(page.text).not.toContain('Magenta');
		}
		expect((await giulia.get('/admin/queue')).text).toContain(`id="m-${medaMessage}"`);
		expect((await giulia.get('/admin/comuni')).status).toBe(403);
		expect((await giulia.get('/admin/tokens')).status).toBe(403);
		const installation = await signedIn(ADMIN.user, ADMIN.password);
		const comuni = await installation.get('/admin/comuni');
		expect(comuni.status).toBe(200);
		expect(comuni.text).toContain('015130');
		expect(comuni.text).toContain('Comune di Magenta');
		expect((await installation.get('/admin?channel=magenta')).text).toContain('Canale di Magenta');
	});

	test("Meda's administrator creates a token (shown once) and revokes it; Meda's users are Meda's alone", async () => {
		if (skip) return;
		const bruno = await signedIn('bruno');
		const page = await bruno.get('/admin/tokens');
		expect(page.status).toBe(200);
		const created = await bruno.post('/admin/tokens', { _csrf: Client.csrf(page), comune: 'meda', name: 'Sito del comune' });
		const secret = (created.text.match(/<code id="new-token">([^<]+)<\/code>/) as RegExpMatchArray)[1];
		const answer = await fetch(`${h.scheduler.url}/v1/channels`, { headers: { authorization: `Bearer ${secret}` } });
		expect(((await answer.json()) as { channels: Array<{ id: string }> }).channels.map((c) => c.id)).toEqual(['meda']);
		expect((await bruno.get('/admin/tokens')).text).not.toContain(secret);
		const id = String((await ctx().store.get<{ id: string }>("SELECT id FROM api_tokens WHERE name = 'Sito del comune'"))?.id);
		expect((await bruno.post('/admin/tokens/revoke', { _csrf: Client.csrf(page), comune: 'meda', id })).status).toBe(200);
		expect((await fetch(`${h.scheduler.url}/v1/channels`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
		const users = await bruno.get('/admin/users');
		expect(users.text).toContain('<th scope="row">giulia</th>');
		expect(users.text).not.toContain('marta');
		// Marta is Magenta's: Meda's administrator cannot take her name over by setting her password.
		const taken = await bruno.post('/admin/users', { _csrf: Client.csrf(users), comune: 'meda', username: 'marta', role: 'editor', password: 'una-password-nuova' });
		expect(taken.status).toBe(422);
		expect(await signedIn('marta')).toBeTruthy();
	});
});
