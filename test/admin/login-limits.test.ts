// Login limits per client address and per name, on a real SQLite file and on PostgreSQL: someone
// guessing from elsewhere cannot lock a known administrator out, spraying many names from one
// address is stopped, and X-Forwarded-For counts only from a proxy the configuration trusts.
import { t } from '../../core/messages';
import { escapeHtml } from '../../scheduler/src/admin/html';
import { LOCK_MS, MAX_ADDRESS_FAILURES, MAX_FAILURES, saveUser } from '../../scheduler/src/admin/users';
import { skipPostgres, type Kind } from '../scheduler/helpers';
import { ADMIN, Client, startAdmin, type AdminHarness } from './helpers';

const NOW = '2026-06-10T08:00:00Z';
const LATER = new Date(Date.parse(NOW) + LOCK_MS + 60_000).toISOString();
const ATTACKER = '203.0.113.9';
const OFFICE = '198.51.100.7';

describe.each<Kind>(['sqlite', 'postgres'])('login limits on %s', (kind) => {
	let h: AdminHarness;
	let skip = false;
	/** A client at this address, as the trusted proxy in front of the scheduler reports it. */
	const from = (address: string) => new Client(() => h.scheduler.url, { 'x-forwarded-for': address });

	beforeAll(async () => {
		skip = await skipPostgres(kind);
		if (skip) return;
		h = await startAdmin(kind, NOW, 8);
		await saveUser(h.scheduler.ctx.store, 'redazione', 'editor', 'password-della-redazione', 'test', Date.parse(NOW));
	});
	afterAll(async () => {
		if (!skip) await h.close();
	});
	beforeEach(async () => {
		if (skip) return;
		h.set(NOW);
		// Each test starts with no failed login on record and the proxy trusted.
		await h.scheduler.ctx.store.run("DELETE FROM audit WHERE type = 'admin.login.failed'");
		if (h.config.trustProxy !== true) {
			h.config.trustProxy = true;
			await h.restart();
		}
	});

	test('failures from one address lock the name only there: the administrator still logs in from the office', async () => {
		if (skip) return;
		const attacker = from(ATTACKER);
		for (let i = 0; i < MAX_FAILURES; i++) expect((await attacker.login(ADMIN.user, `indovino-${i}`)).status).toBe(401);
		const locked = await attacker.login(ADMIN.user, ADMIN.password);
		expect(locked.status).toBe(429);
		expect(locked.text).toContain(escapeHtml(t('admin.login.locked', { minutes: LOCK_MS / 60_000 })));
		expect(attacker.cookies.has('banditore_admin')).toBe(false);
		// The office, elsewhere, is not affected.
		expect((await from(OFFICE).login()).status).toBe(303);
		// The failures are in the audit log with the address they came from.
		const rows = await h.scheduler.ctx.store.all<{ details: string }>("SELECT details FROM audit WHERE type = 'admin.login.failed'");
		expect(rows.map((r) => JSON.parse(r.details))).toEqual(Array(MAX_FAILURES).fill({ address: ATTACKER }));
		// After the window the attacker's address may try again.
		h.set(LATER);
		expect((await attacker.login(ADMIN.user, 'ancora-sbagliata')).status).toBe(401);
	});

	test('spraying many names from one address locks the address, whatever the name, the right password included', async () => {
		if (skip) return;
		const sprayer = from(ATTACKER);
		for (let i = 0; i < MAX_ADDRESS_FAILURES; i++) expect((await sprayer.login(`utente-${i}`, 'password-comune-2026')).status).toBe(401);
		const locked = await sprayer.login('redazione', 'password-della-redazione');
		expect(locked.status).toBe(429);
		expect(locked.text).toContain(escapeHtml(t('admin.login.lockedAddress', { minutes: LOCK_MS / 60_000 })));
		// No new failure is recorded while locked, and other addresses log in.
		const count = async () => Number((await h.scheduler.ctx.store.get<{ n: number }>("SELECT count(*) AS n FROM audit WHERE type = 'admin.login.failed'"))?.n);
		expect(await count()).toBe(MAX_ADDRESS_FAILURES);
		expect((await from(OFFICE).login('redazione', 'password-della-redazione')).status).toBe(303);
		h.set(LATER);
		expect((await sprayer.login('redazione', 'password-della-redazione')).status).toBe(303);
	});

	test('guesses sent all at once from one address are counted one by one', async () => {
		if (skip) return;
		const statuses = await Promise.all(Array.from({ length: MAX_ADDRESS_FAILURES + 10 }, (_, i) => from(ATTACKER).login(`nome-${i % 7}`, `sbagliata-${i}`).then((r) => r.status)));
		expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_ADDRESS_FAILURES);
		expect(statuses.filter((s) => s === 429)).toHaveLength(10);
	});

	test('without a trusted proxy X-Forwarded-For is ignored: a forged header does not escape the limit', async () => {
		if (skip) return;
		h.config.trustProxy = false;
		await h.restart();
		for (let i = 0; i < MAX_FAILURES; i++) expect((await from(`192.0.2.${i}`).login(ADMIN.user, `indovino-${i}`)).status).toBe(401);
		expect((await from('192.0.2.200').login(ADMIN.user, ADMIN.password)).status).toBe(429);
		const rows = await h.scheduler.ctx.store.all<{ details: string }>("SELECT details FROM audit WHERE type = 'admin.login.failed'");
		expect(new Set(rows.map((r) => JSON.parse(r.details).address))).toEqual(new Set(['127.0.0.1']));
	});
});
