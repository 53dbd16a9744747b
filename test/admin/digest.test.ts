// The weekly digest on the admin rules page: switched on and off, its priority set, through the same
// checks as the rules file, with the office's comments kept.
import { skipPostgres, type Kind } from '../scheduler/helpers';
import { Client, quotaForm, startAdmin, type AdminHarness } from './helpers';

describe.each<Kind>(['sqlite', 'postgres'])('weekly digest on the rules page on %s', (kind) => {
	let h: AdminHarness;
	let skip = false;
	let c: Client;
	const channel = () => h.scheduler.ctx.channels.get('meda')!;
	const latest = async () => (await h.scheduler.ctx.store.get<{ source: string }>("SELECT source FROM rules_versions WHERE channel = 'meda' ORDER BY version DESC LIMIT 1"))!.source;
	const quota = (digest: Record<string, string>) => c.saveRules(quotaForm(digest));

	beforeAll(async () => {
		skip = await skipPostgres(kind);
		if (skip) return;
		h = await startAdmin(kind, '2026-06-10T08:00:00Z');
		c = new Client(() => h.scheduler.url);
		await c.login();
	});
	afterAll(async () => {
		if (!skip) await h.close();
	});

	test('the form shows the digest off, then switches it on with its priority, in place', async () => {
		if (skip) return;
		const page = await c.get('/admin/rules?channel=meda');
		expect(page.text).toMatch(/<input type="checkbox" id="digestEnabled" name="digestEnabled"><label for="digestEnabled">Riepilogo settimanale/);
		expect(page.text).toMatch(/id="digestMaxPriority" name="digestMaxPriority" value="10"/);
		const before = await latest();
		expect((await quota({ digestEnabled: 'on', digestMaxPriority: '40' })).location).toBe('/admin/rules?channel=meda&done=saved');
		expect(channel().rules.quota.digest).toEqual({ enabled: true, maxPriority: 40, minItems: 2, maxItems: 10 });
		// Only the two values changed; the comments of the file stay where they were.
		expect(await latest()).toBe(before.replace('enabled: false             ', 'enabled: true              ').replace('maxPriority: 10 ', 'maxPriority: 40 '));
		expect((await c.get('/admin/rules?channel=meda')).text).toMatch(/id="digestEnabled" name="digestEnabled" checked>/);
		// Unticked: off again.
		expect((await quota({ digestMaxPriority: '40' })).location).toBe('/admin/rules?channel=meda&done=saved');
		expect(channel().rules.quota.digest?.enabled).toBe(false);
	});

	test('a bad priority gets a plain Italian error next to the field, and nothing is saved', async () => {
		if (skip) return;
		for (const [value, message] of [
			['2000', 'Priorità massima nel riepilogo: Il numero deve essere al massimo 1000.'],
			['tanti', 'Priorità massima nel riepilogo: Valore non valido: serve un numero'],
		]) {
			const page = await quota({ digestEnabled: 'on', digestMaxPriority: value });
			expect(page.status).toBe(422);
			expect(page.text).toContain(message);
			expect(page.text).toMatch(/id="digestMaxPriority" name="digestMaxPriority" value="[^"]*" aria-invalid="true"/);
		}
		expect(channel().rules.quota.digest).toEqual({ enabled: false, maxPriority: 40, minItems: 2, maxItems: 10 });
	});
});
