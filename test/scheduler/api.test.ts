// The HTTP contract the n8n nodes are written against: auth, errors, item decisions, OpenAPI, metrics.
import { call, startHarness, TOKEN, type Harness } from './helpers';

const item = (over: Record<string, unknown>) => ({
	id: 'https://www.comune.meda.mb.it/novita/1',
	title: 'Chiusura al traffico di via Roma',
	summary: 'Lavori stradali fino a venerdì.',
	link: 'https://www.comune.meda.mb.it/novita/1',
	publishedAt: '2026-06-10T07:00:00.000Z',
	updatedAt: null,
	categories: ['Avvisi'],
	image: null,
	source: { name: 'Comune di Meda', url: 'https://www.comune.meda.mb.it/feed/', kind: 'rss' },
	...over,
});

let h: Harness;
beforeAll(async () => {
	h = await startHarness('sqlite', { at: '2026-06-10T08:00:00Z' });
});
afterAll(() => h.close());

test('auth on every endpoint but /healthz', async () => {
	expect(await call(h.scheduler.url, 'GET', '/healthz', undefined, '')).toEqual({ status: 200, body: { status: 'ok' } });
	for (const path of ['/v1/channels', '/openapi.json', '/metrics', '/v1/audit']) {
		expect(await call(h.scheduler.url, 'GET', path, undefined, 'wrong')).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
	}
	expect(await h.api('GET', '/v1/channels')).toEqual({ status: 200, body: { channels: [{ id: 'meda', name: 'Comune di Meda', comune: 'default', paused: false, rulesVersion: 1, delivery: 'outbox', sources: [] }] } });
});

test('an item is judged by the channel rules: accept → queued, reject → rejected with Italian reasons, hold → held', async () => {
	const accepted = await h.api<{ created: boolean; message: Record<string, unknown> }>('POST', '/v1/channels/meda/messages', { item: item({}) });
	expect(accepted).toMatchObject({ status: 201, body: { created: true, message: { state: 'queued', category: 'avviso', dedupeKey: item({}).id, emergency: false } } });
	expect(String(accepted.body.message.text)).toContain('Chiusura al traffico di via Roma');
	const rejected = await h.api<{ message: { state: string; reasons: string[] } }>('POST', '/v1/channels/meda/messages', {
		// Its own page: another item with the first one's link would be the same notice edited (a duplicate).
		item: item({ id: 'x2', link: 'https://www.comune.meda.mb.it/novita/2', title: 'Vota il candidato sindaco alle elezioni', summary: 'Campagna elettorale: vota la lista civica' }),
	});
	expect(rejected.body.message.state).toBe('rejected');
	expect(rejected.body.message.reasons.join(' ')).toMatch(/Contenuto elettorale/);
	const manual = await h.api<{ message: { id: string; state: string } }>('POST', '/v1/channels/meda/messages', { dedupeKey: 'a-mano', text: 'Testo' });
	expect(manual.body.message.state).toBe('queued');
	expect(await h.api('POST', '/v1/channels/meda/messages', { dedupeKey: 'vuoto' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
	const cancelled = await h.api('POST', `/v1/messages/${manual.body.message.id}/cancel`);
	expect(cancelled).toMatchObject({ status: 200, body: { message: { state: 'cancelled' } } });
	expect(await h.api('POST', `/v1/messages/${manual.body.message.id}/cancel`)).toMatchObject({ status: 409, body: { error: 'invalid_state' } });
	expect(await h.api('GET', '/v1/messages/nope')).toMatchObject({ status: 404, body: { error: 'not_found' } });
	const listed = await h.api<{ messages: unknown[] }>('GET', '/v1/channels/meda/messages?state=queued,rejected');
	expect(listed.body.messages).toHaveLength(2);
});

test('a held message the rules no longer hold goes back in line by itself', async () => {
	const ctx = h.scheduler.ctx;
	// Held with nothing in the rules holding it (as after an election period that ended): the next pass releases it.
	const { body } = await h.api<{ message: { id: string } }>('POST', '/v1/channels/meda/messages', { dedupeKey: 'da-approvare', text: 'Da approvare' });
	await ctx.store.run("UPDATE messages SET state = 'held' WHERE id = ?", [body.message.id]);
	await h.tick();
	const message = (await h.api<{ message: { state: string; history: Array<{ note: string }> } }>('GET', `/v1/messages/${body.message.id}`)).body.message;
	expect(message.state).toBe('sent');
	expect(message.history.map((e) => e.note)).toContain('Le regole ora lo consentono: di nuovo in coda');
	expect(await h.api('POST', `/v1/messages/${body.message.id}/approve`, { note: 'ok' })).toMatchObject({ status: 409, body: { error: 'invalid_state' } });
});

test('OpenAPI document and Prometheus metrics', async () => {
	const doc = await h.api<{ openapi: string; paths: Record<string, unknown> }>('GET', '/openapi.json');
	expect(doc.body.openapi).toBe('3.0.3');
	expect(Object.keys(doc.body.paths)).toEqual(
		expect.arrayContaining(['/v1/channels/{channel}/messages', '/v1/channels/{channel}/slots', '/v1/slots/{id}/confirm', '/v1/messages/{id}/ack', '/v1/audit', '/v1/channels/{channel}/quota']),
	);
	const res = await fetch(`${h.scheduler.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
	const text = await res.text();
	expect(text).toContain('banditore_messages{channel="meda",state="sent"}');
	expect(text).toContain('banditore_decisions_total');
});
