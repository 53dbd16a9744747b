// Comuni as tenants through the API (issue #17), on SQLite and PostgreSQL: a comune's token, table-driven
// over the OpenAPI document, never reaches another comune's channel, message or slot (404, as one that
// does not exist) nor the installation's routes (403), and changes nothing there; revoked → 401.
import { startComuni, type AdminHarness } from '../admin/helpers';
import { call, manual, skipPostgres, TOKEN, type Kind } from './helpers';

const NOW = '2026-06-10T08:00:00Z';
type Json = Record<string, unknown>;

describe.each<Kind>(['sqlite', 'postgres'])('a comune token on %s', (kind) => {
	let h: AdminHarness;
	let skip = false;
	let meda: string;
	let magentaMessage: string;
	let magentaSlot: string;
	const url = () => h.scheduler.url;
	const admin = <T = Json>(method: string, path: string, body?: unknown) => call<T>(url(), method, path, body, TOKEN);

	/** Everything of Magenta's a request could change. */
	const magentaState = () =>
		h.scheduler.ctx.store.all(
			"SELECT 'm' AS k, id, state, updated_at AS at FROM messages WHERE channel = 'magenta' UNION ALL SELECT 's', id, state, created_at FROM slots WHERE channel = 'magenta' UNION ALL SELECT 'c', id, CAST(paused AS TEXT), updated_at FROM channels WHERE id = 'magenta' UNION ALL SELECT 't', id, name, revoked_at FROM api_tokens WHERE comune = 'magenta' ORDER BY 1, 2",
		);

	beforeAll(async () => {
		skip = await skipPostgres(kind);
		if (skip) return;
		h = await startComuni(kind, NOW);
		const created = await admin<{ token: Json; secret: string }>('POST', '/v1/comuni/meda/tokens', { name: 'n8n di Meda' });
		expect(created).toMatchObject({ status: 201, body: { token: { comune: 'meda', name: 'n8n di Meda', lastUsedAt: null, revokedAt: null } } });
		meda = created.body.secret;
		// Only the hash is stored.
		expect(JSON.stringify(await h.scheduler.ctx.store.all('SELECT * FROM api_tokens'))).not.toContain(meda);
		await admin('POST', '/v1/comuni/magenta/tokens', { name: 'n8n di Magenta' });
		magentaMessage = (await admin<{ message: { id: string } }>('POST', '/v1/channels/magenta/messages', manual(1))).body.message.id;
		magentaSlot = (await admin<{ slot: { id: string } }>('POST', '/v1/channels/magenta/slots', { dedupeKey: 'diretto-1', text: 'Avviso diretto', category: 'avviso', priority: 60 })).body.slot.id;
		expect(magentaSlot).toBeTruthy();
	}, 60_000);
	afterAll(async () => {
		if (!skip) await h.close();
	});

	test('every route of the OpenAPI document that names a channel, message or slot answers 404 for Magenta\'s, as for one that does not exist; installation routes 403', async () => {
		if (skip) return;
		const doc = (await admin<{ paths: Record<string, Record<string, unknown>> }>('GET', '/openapi.json')).body;
		const before = await magentaState();
		let named = 0;
		let installation = 0;
		for (const [path, operations] of Object.entries(doc.paths)) {
			for (const method of Object.keys(operations).map((m) => m.toUpperCase())) {
				const params: Record<string, [string, string]> = {
					channel: ['magenta', 'nessuno'],
					id: path.startsWith('/v1/slots/') ? [magentaSlot, '00000000-0000-7000-8000-000000000000'] : [magentaMessage, '00000000-0000-7000-8000-000000000000'],
					format: ['svg', 'svg'],
					comune: ['magenta', 'magenta'],
					token: ['x', 'x'],
				};
				const fill = (which: 0 | 1) => path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(params[name]?.[which] ?? 'x'));
				const namesOne = /\{channel\}/.test(path) || /^\/v1\/(messages|slots)\/\{id\}/.test(path);
				// A route that names no channel in its path may take one in its body: Magenta's.
				const body = method === 'GET' || method === 'DELETE' ? undefined : namesOne ? {} : { number: '+393331234567', channel: 'magenta' };
				const answer = await call<Json>(url(), method, fill(0), body, meda);
				if (namesOne) {
					named++;
					const unknown = await call<Json>(url(), method, fill(1), body, meda);
					expect({ route: `${method} ${path}`, status: answer.status }).toEqual({ route: `${method} ${path}`, status: 404 });
					// The same answer as for what does not exist: nothing tells Magenta's apart.
					expect(JSON.stringify(answer.body).replace(/magenta|[0-9a-f-]{36}/g, '?')).toBe(JSON.stringify(unknown.body).replace(/nessuno|[0-9a-f-]{36}/g, '?'));
				} else if (/webhooks|whatsapp|comuni\/\{comune\}|purge|reencrypt/.test(path)) {
					installation++;
					expect({ route: `${method} ${path}`, status: answer.status }).toEqual({ route: `${method} ${path}`, status: 403 });
				} else {
					// The rest reads the comune's own data, or names the channel in the body (then it is Magenta's: 404).
					expect({ route: `${method} ${path}`, status: answer.status }).toEqual({ route: `${method} ${path}`, status: /subscribers\/(export|delete)/.test(path) ? 404 : 200 });
				}
			}
		}
		// The document lists the routes of messages, slots and channels: the table is not empty.
		expect(named).toBeGreaterThanOrEqual(15);
		expect(installation).toBeGreaterThanOrEqual(5);
		expect(await magentaState()).toEqual(before);
	});

	test("Meda's token cannot enqueue into Magenta, reads only Meda's channels, messages and audit; the installation token sees both", async () => {
		if (skip) return;
		const before = await magentaState();
		expect((await call(url(), 'POST', '/v1/channels/magenta/messages', manual(2), meda)).status).toBe(404);
		expect(await magentaState()).toEqual(before);
		const own = await call<{ message: { id: string; channel: string } }>(url(), 'POST', '/v1/channels/meda/messages', manual(3), meda);
		expect(own).toMatchObject({ status: 201, body: { message: { channel: 'meda', state: 'queued' } } });
		expect((await call(url(), 'GET', `/v1/messages/${own.body.message.id}`, undefined, meda)).status).toBe(200);
		expect((await call<{ channels: Array<{ id: string }> }>(url(), 'GET', '/v1/channels', undefined, meda)).body.channels.map((c) => c.id)).toEqual(['meda']);
		expect((await admin<{ channels: Array<{ id: string }> }>('GET', '/v1/channels')).body.channels.map((c) => c.id)).toEqual(['meda', 'magenta']);
		const comuni = await call<{ comuni: Array<{ id: string; istat: string; channels: string[] }> }>(url(), 'GET', '/v1/comuni', undefined, meda);
		expect(comuni.body.comuni).toEqual([expect.objectContaining({ id: 'meda', istat: '108030', email: 'stampa@comune.meda.mb.it', channels: ['meda'] })]);
		const audit = await call<{ entries: Array<{ channel: string | null; type: string }> }>(url(), 'GET', '/v1/audit', undefined, meda);
		expect(audit.body.entries.length).toBeGreaterThan(0);
		expect(audit.body.entries.filter((e) => e.channel === 'magenta')).toEqual([]);
		expect(audit.body.entries.map((e) => e.type)).toContain('token.created');
		const all = await admin<{ entries: Array<{ channel: string | null }> }>('GET', '/v1/audit');
		expect(all.body.entries.some((e) => e.channel === 'magenta')).toBe(true);
		expect((await call(url(), 'GET', '/v1/audit?channel=magenta', undefined, meda)).status).toBe(404);
		expect((await call(url(), 'GET', '/metrics', undefined, meda)).status).toBe(403);
	});

	test('the last use is recorded; a revoked token is refused (401) at once, the others keep working', async () => {
		if (skip) return;
		h.set('2026-06-10T09:30:00Z');
		expect((await call(url(), 'GET', '/v1/channels/meda/quota', undefined, meda)).status).toBe(200);
		const listed = await admin<{ tokens: Array<{ id: string; name: string; lastUsedAt: string | null }> }>('GET', '/v1/comuni/meda/tokens');
		const mine = listed.body.tokens.find((t) => t.name === 'n8n di Meda');
		expect(mine?.lastUsedAt).toBe('2026-06-10T09:30:00.000Z');
		// Another comune's token is not found under this comune.
		const magentaToken = (await admin<{ tokens: Array<{ id: string }> }>('GET', '/v1/comuni/magenta/tokens')).body.tokens[0];
		expect((await admin('POST', `/v1/comuni/meda/tokens/${magentaToken.id}/revoke`)).status).toBe(404);
		const second = (await admin<{ secret: string }>('POST', '/v1/comuni/meda/tokens', { name: 'Sito' })).body.secret;
		const revoked = await admin<{ token: { revokedAt: string } }>('POST', `/v1/comuni/meda/tokens/${(mine as { id: string }).id}/revoke`);
		expect(revoked).toMatchObject({ status: 200, body: { token: { revokedAt: '2026-06-10T09:30:00.000Z' } } });
		expect(await call(url(), 'GET', '/v1/channels', undefined, meda)).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
		expect((await call(url(), 'GET', '/v1/channels', undefined, second)).status).toBe(200);
		expect((await call(url(), 'GET', '/v1/channels', undefined, `${second}x`)).status).toBe(401);
		const entries = await h.scheduler.ctx.store.all<{ comune: string; details: string }>("SELECT comune, details FROM audit WHERE type = 'token.revoked'");
		expect(entries).toEqual([{ comune: 'meda', details: JSON.stringify({ id: (mine as { id: string }).id, name: 'n8n di Meda' }) }]);
	});
});
