// Bad input to the admin page, on a real SQLite file and on PostgreSQL: text no store can keep
// (NUL, lone surrogates) in any form, the login form included, is refused with 400 and an Italian
// page; a form that is not text fields is refused; a YAML alias bomb pasted into the rules import is
// a clear problem, not a 500. Nothing of it is stored.
import { t } from '../../core/messages';
import { escapeHtml } from '../../scheduler/src/admin/html';
import { skipPostgres, type Kind } from '../scheduler/helpers';
import { Client, startAdmin, type AdminHarness } from './helpers';

const NOW = '2026-06-10T08:00:00Z';

/** Every form the admin page accepts (ids need not exist: bad text is refused before anything reads them). */
const POSTS = [
	'/admin/pause',
	'/admin/resume',
	'/admin/queue/nessuno/approve',
	'/admin/queue/nessuno/reject',
	'/admin/queue/nessuno/cancel',
	'/admin/messages/nessuno/override',
	'/admin/emergency/edit',
	'/admin/emergency/confirm',
	'/admin/emergency/send',
	'/admin/rules',
	'/admin/users',
	'/admin/users/delete',
	'/admin/users/role',
	'/admin/logout',
];

/** "a: &a [x, x, …] / b: &b [*a, *a, …] …": a few hundred bytes that would expand to billions of strings. */
function aliasBomb(): string {
	const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
	return names.map((name, i) => `${name}: &${name} [${Array(9).fill(i === 0 ? '"lol"' : `*${names[i - 1]}`).join(', ')}]`).join('\n');
}

describe.each<Kind>(['sqlite', 'postgres'])('bad input to the admin page on %s', (kind) => {
	let h: AdminHarness;
	let skip = false;
	const client = () => new Client(() => h.scheduler.url);
	const countAudit = async () => Number((await h.scheduler.ctx.store.get<{ n: number }>('SELECT count(*) AS n FROM audit'))?.n);

	beforeAll(async () => {
		skip = await skipPostgres(kind);
		if (!skip) h = await startAdmin(kind, NOW, 8);
	});
	afterAll(async () => {
		if (!skip) await h.close();
	});

	test('the login form refuses NUL and lone surrogates with 400, in Italian, and records nothing', async () => {
		if (skip) return;
		const before = await countAudit();
		for (const [username, password] of [
			['uff\u0000icio', 'una-password-lunga'],
			['ufficio', 'una-password\u0000-lunga'],
		]) {
			const c = client();
			const form = await c.get('/admin/login');
			const page = await c.post('/admin/login', { _csrf: Client.csrf(form), username, password });
			expect([JSON.stringify(username + password), page.status]).toEqual([JSON.stringify(username + password), 400]);
			expect(page.text).toContain(escapeHtml(t('admin.error.invalidText')));
			expect(page.text).toContain('<html lang="it">');
			expect(c.cookies.has('banditore_admin')).toBe(false);
		}
		// A lone surrogate cannot even be percent-encoded as UTF-8: its bytes (ED A0 80) are refused as such.
		for (const body of ['username=uff%ED%A0%80icio&password=x', 'username=ufficio&password=x%ED%BF%BF', 'username=%&password=x']) {
			const c = client();
			const form = await c.get('/admin/login');
			const response = await fetch(`${h.scheduler.url}/admin/login`, {
				method: 'POST',
				redirect: 'manual',
				headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
				body: `_csrf=${encodeURIComponent(Client.csrf(form))}&${body}`,
			});
			expect([body, response.status]).toEqual([body, 400]);
			expect(await response.text()).toContain(escapeHtml(t('admin.error.invalidText')));
		}
		expect(await countAudit()).toBe(before);
	});

	test('every form refuses NUL with 400 and a page in Italian; a JSON body that is not text fields is refused too', async () => {
		if (skip) return;
		const admin = client();
		expect((await admin.login()).status).toBe(303);
		const token = await admin.token();
		const before = await countAudit();
		for (const path of POSTS) {
			const page = await admin.post(path, { _csrf: token, channel: 'meda', reason: 'Mo\u0000tivo', note: 'n\u0000', text: 'a\u0000', yaml: 'x\u0000', username: 'x\u0000' });
			expect([path, page.status]).toEqual([path, 400]);
			expect(page.text).toContain(escapeHtml(t('admin.error.invalidText')));
			const nested = await fetch(`${h.scheduler.url}${path}`, {
				method: 'POST',
				redirect: 'manual',
				headers: { cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/json' },
				body: JSON.stringify({ _csrf: token, channel: { $ne: 'meda' } }),
			});
			expect([path, nested.status]).toEqual([path, 400]);
			expect(await nested.text()).toContain('<html lang="it">');
		}
		const query = await admin.get(`/admin/queue?channel=${encodeURIComponent('me\u0000da')}`);
		expect(query.status).toBe(400);
		expect(await countAudit()).toBe(before);
		expect(Number((await h.scheduler.ctx.store.get<{ paused: number }>("SELECT paused FROM channels WHERE id = 'meda'"))?.paused)).toBe(0);
	});

	test('a YAML alias bomb pasted into the rules import is refused with a clear Italian problem; the rules stay', async () => {
		if (skip) return;
		const admin = client();
		expect((await admin.login()).status).toBe(303);
		const version = h.scheduler.ctx.channels.get('meda')?.rulesVersion;
		const page = await admin.saveRules({ section: 'import', yaml: aliasBomb() });
		expect(page.status).toBe(422);
		expect(page.text).toContain(escapeHtml(t('yaml.TOO_MANY_ALIASES')));
		expect(page.text).toContain(escapeHtml(t('hint.yaml.TOO_MANY_ALIASES')));
		expect(h.scheduler.ctx.channels.get('meda')?.rulesVersion).toBe(version);
		expect((await admin.get('/admin/rules')).status).toBe(200);
	});
});
