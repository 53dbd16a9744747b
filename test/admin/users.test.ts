// Users changed on the admin page: a role changed, a user deleted (after a confirmation) with their
// sessions ended, nobody deleting themselves or the last administrator, every change in the audit log.
import { saveUser, setRole } from '../../scheduler/src/admin/users';
import { skipPostgres, type Kind } from '../scheduler/helpers';
import { ADMIN, Client, startAdmin, type AdminHarness } from './helpers';

const NOW = '2026-06-10T08:00:00Z';
const PASSWORD = 'una-password-sicura';

describe.each<Kind>(['sqlite', 'postgres'])('users changed on the admin page on %s', (kind) => {
	let h: AdminHarness;
	let skip = false;
	let c: Client;
	const ctx = () => h.scheduler.ctx;
	const roleOf = async (username: string) => (await ctx().store.get<{ role: string }>("SELECT role FROM admin_memberships WHERE username = ? AND comune = 'default'", [username]))?.role;
	const sessions = async (username: string) => Number((await ctx().store.get<{ n: number }>('SELECT count(*) AS n FROM admin_sessions WHERE username = ?', [username]))?.n);
	const lastAudit = async (type: string) => {
		const row = await ctx().store.get<{ actor: string; details: string }>('SELECT actor, details FROM audit WHERE type = ? ORDER BY id DESC LIMIT 1', [type]);
		return row ? { actor: row.actor, details: JSON.parse(row.details) as Record<string, unknown> } : null;
	};
	const signedIn = async (username: string) => {
		const client = new Client(() => h.scheduler.url);
		expect((await client.login(username, PASSWORD)).status).toBe(303);
		return client;
	};

	beforeAll(async () => {
		skip = await skipPostgres(kind);
		if (skip) return;
		h = await startAdmin(kind, NOW);
		c = new Client(() => h.scheduler.url);
		await c.login();
		await saveUser(ctx().store, 'giulia', 'editor', PASSWORD, 'test', Date.now());
		await saveUser(ctx().store, 'marco', 'editor', PASSWORD, 'test', Date.now());
	});
	afterAll(async () => {
		if (!skip) await h.close();
	});

	test('an administrator changes a role; it applies at once and is audited with the actor', async () => {
		if (skip) return;
		const giulia = await signedIn('giulia');
		expect((await giulia.get('/admin/users')).status).toBe(403);
		const page = await c.post('/admin/users/role', { _csrf: await c.token(), username: 'giulia', role: 'administrator' });
		expect(page.status).toBe(200);
		expect(page.text).toContain('Ruolo di «giulia»: amministrazione.');
		expect(await roleOf('giulia')).toBe('administrator');
		expect(await lastAudit('admin.user.role')).toEqual({ actor: `admin:${ADMIN.user}`, details: { username: 'giulia', role: 'administrator', previous: 'editor' } });
		// Her open session has the new role at its next request.
		expect((await giulia.get('/admin/users')).status).toBe(200);
		const bad = await c.post('/admin/users/role', { _csrf: await c.token(), username: 'giulia', role: 'capo' });
		expect(bad.status).toBe(422);
		expect(bad.text).toContain('Ruolo non valido.');
		expect(await roleOf('giulia')).toBe('administrator');
	});

	test('an administrator deletes a user after a confirmation; their sessions end; audited', async () => {
		if (skip) return;
		const marco = await signedIn('marco');
		expect(await sessions('marco')).toBe(1);
		const list = await c.get('/admin/users');
		expect(list.text).toContain('href="/admin/users/delete?username=marco"');
		expect(list.text).not.toContain(`href="/admin/users/delete?username=${ADMIN.user}"`);
		const confirm = await c.get('/admin/users/delete?username=marco');
		expect(confirm.status).toBe(200);
		expect(confirm.text).toContain('Eliminare l&#39;utente «marco»?');
		expect(confirm.text).toContain('le sue sessioni aperte finiscono subito');
		expect(await roleOf('marco')).toBe('editor');
		const done = await c.post('/admin/users/delete', { _csrf: Client.csrf(confirm), username: 'marco' });
		expect(done.status).toBe(200);
		expect(done.text).toContain('Utente «marco» eliminato.');
		expect(await roleOf('marco')).toBeUndefined();
		expect(await sessions('marco')).toBe(0);
		expect((await marco.get('/admin')).status).toBe(303);
		expect((await marco.login('marco', PASSWORD)).status).not.toBe(303);
		expect(await lastAudit('admin.user.deleted')).toEqual({ actor: `admin:${ADMIN.user}`, details: { username: 'marco', role: 'editor' } });
		expect((await c.post('/admin/users/delete', { _csrf: await c.token(), username: 'marco' })).status).toBe(404);
	});

	test('nobody deletes themselves; the last administrator can be neither deleted nor demoted', async () => {
		if (skip) return;
		const self = await c.post('/admin/users/delete', { _csrf: await c.token(), username: ADMIN.user });
		expect(self.status).toBe(422);
		expect(self.text).toContain('Non puoi eliminare il tuo utente: chiedi a un altro amministratore.');
		expect((await c.get(`/admin/users/delete?username=${ADMIN.user}`)).status).toBe(422);
		expect(await roleOf(ADMIN.user)).toBe('administrator');

		// Giulia takes the first administrator out of the comune: she is then its only administrator. He
		// stays an installation administrator (BANDITORE_ADMIN_USER), signed in, outside the comune's users.
		const giulia = await signedIn('giulia');
		expect((await giulia.post('/admin/users/delete', { _csrf: await giulia.token(), username: ADMIN.user })).status).toBe(200);
		expect(await roleOf(ADMIN.user)).toBeUndefined();
		expect((await giulia.get('/admin/users')).text).not.toContain(`<th scope="row">${ADMIN.user}</th>`);
		expect(await sessions(ADMIN.user)).toBe(1);
		expect((await c.get('/admin')).status).toBe(200);
		const audited = await ctx().store.get<{ n: number }>("SELECT count(*) AS n FROM audit WHERE type = 'admin.user.deleted' AND actor = 'admin:giulia'");
		expect(Number(audited?.n)).toBe(1);

		await saveUser(ctx().store, 'anna', 'editor', PASSWORD, 'test', Date.now());
		const anna = await signedIn('anna');
		await giulia.post('/admin/users/role', { _csrf: await giulia.token(), username: 'anna', role: 'administrator' });
		expect(await roleOf('anna')).toBe('administrator');
		// Two administrators: Giulia may step down; then Anna is the last and stays one.
		expect((await giulia.post('/admin/users/role', { _csrf: await giulia.token(), username: 'giulia', role: 'editor' })).status).toBe(200);
		const token = await anna.token();
		const demote = await anna.post('/admin/users/role', { _csrf: token, username: 'anna', role: 'editor' });
		expect(demote.status).toBe(422);
		expect(demote.text).toContain('«anna» è l&#39;unico utente dell&#39;amministrazione');
		const upsert = await anna.post('/admin/users', { _csrf: token, username: 'anna', role: 'editor', password: PASSWORD });
		expect(upsert.status).toBe(422);
		expect(upsert.text).toContain('«anna» è l&#39;unico utente dell&#39;amministrazione');
		expect(await roleOf('anna')).toBe('administrator');
		expect(await lastAudit('admin.user.role')).toMatchObject({ actor: 'admin:giulia', details: { username: 'giulia', role: 'editor' } });
	});

	test('editors cannot change roles or delete users (403); a POST without the CSRF token changes nothing', async () => {
		if (skip) return;
		const giulia = await signedIn('giulia');
		const token = await giulia.token();
		expect((await giulia.post('/admin/users/role', { _csrf: token, username: 'giulia', role: 'administrator' })).status).toBe(403);
		expect((await giulia.post('/admin/users/delete', { _csrf: token, username: 'anna' })).status).toBe(403);
		expect((await giulia.get('/admin/users/delete?username=anna')).status).toBe(403);
		const anna = await signedIn('anna');
		for (const csrf of [undefined, 'sbagliato']) {
			const fields: Record<string, string> = { username: 'giulia' };
			if (csrf) fields._csrf = csrf;
			expect((await anna.post('/admin/users/delete', fields)).status).toBe(403);
			expect((await anna.post('/admin/users/role', { ...fields, role: 'administrator' })).status).toBe(403);
		}
		expect(await roleOf('giulia')).toBe('editor');
	});
	test('two administrators demoting each other at once through the user form and the role form: one is refused, an administrator remains', async () => {
		if (skip) return;
		await saveUser(ctx().store, 'anna', 'administrator', PASSWORD, 'test', Date.now());
		await saveUser(ctx().store, 'bruno', 'administrator', PASSWORD, 'test', Date.now());
		for (const user of (await ctx().store.all<{ username: string }>("SELECT username FROM admin_memberships WHERE role = 'administrator'")).map((r) => r.username)) {
			if (user !== 'anna' && user !== 'bruno') await setRole(ctx().store, user, 'editor', 'test', Date.now());
		}
		const [saved, changed] = await Promise.all([
			saveUser(ctx().store, 'bruno', 'editor', PASSWORD, 'admin:anna', Date.now()),
			setRole(ctx().store, 'anna', 'editor', 'admin:bruno', Date.now()),
		]);
		expect([saved, changed].filter((r) => r === 'lastAdmin')).toHaveLength(1);
		const admins = await ctx().store.all("SELECT username FROM admin_memberships WHERE role = 'administrator'");
		expect(admins).toHaveLength(1);
		// Put things back for the tests after this one.
		await saveUser(ctx().store, ADMIN.user, 'administrator', ADMIN.password, 'test', Date.now());
	});
});
