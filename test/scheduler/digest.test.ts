// The weekly digest through the API, on a real SQLite file and the real PostgreSQL: the week's last
// slot carries the low-priority overflow in one message that counts once; nothing is lost or sent twice.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { countBy, messages, outboxIds, skipPostgres, startHarness, type Harness, type Kind, type Msg, type QuotaPatch } from './helpers';

type Full = Msg & { text: string; category: string | null; priority: number; providerMessageId: string | null };
type AuditRow = { type: string; messageId: string | null; details: Record<string, unknown> };

const DIGEST_ON = { digest: { enabled: true, maxPriority: 10 } } as QuotaPatch;

const item = (n: number) => ({
	id: `https://www.comune.meda.mb.it/novita/${n}`,
	title: `Notizia numero ${n}`,
	summary: 'Un testo qualsiasi.',
	link: `https://www.comune.meda.mb.it/novita/${n}`,
	publishedAt: '2026-06-10T07:00:00.000Z',
	updatedAt: null,
	categories: [],
	image: null,
	source: { name: 'Comune di Meda', url: 'https://www.comune.meda.mb.it/feed/', kind: 'rss' },
});

/** A webhook standing in for n8n: answers `status` and records what it was given. */
async function fakeN8n(): Promise<{ server: Server; url: string; posted: string[]; status: { code: number } }> {
	const posted: string[] = [];
	const status = { code: 200 };
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', (c: Buffer) => (body += c.toString()));
		req.on('end', () => {
			posted.push((JSON.parse(body) as { message: { id: string } }).message.id);
			res.writeHead(status.code).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, posted, status };
}

describe.each<Kind>(['sqlite', 'postgres'])('weekly digest on %s', (kind) => {
	let skip = false;
	let h: Harness | null = null;
	let n8n: Awaited<ReturnType<typeof fakeN8n>> | null = null;
	beforeAll(async () => {
		skip = await skipPostgres(kind);
	});
	afterEach(async () => {
		await h?.close();
		h = null;
		if (n8n) await new Promise((resolve) => n8n?.server.close(resolve));
		n8n = null;
	});

	const api = () => h as Harness;
	/** A message written by hand (title line and link); `asItem` makes it from a news item instead, which expires sooner. */
	const enqueue = async (n: number, extra: Record<string, unknown> = {}, asItem = false): Promise<string> => {
		const source = asItem ? { item: item(n) } : { dedupeKey: `notizia-${n}`, text: `Notizia numero ${n}\n${item(n).link}`, category: 'notizia' };
		const r = await api().api<{ message: { id: string; state: string } }>('POST', '/v1/channels/meda/messages', { ...source, priority: 10, ...extra });
		expect(r.body.message.state).toBe('queued');
		return r.body.message.id;
	};
	const all = async () => (await messages(api())) as Full[];
	const byId = async (id: string) => (await api().api<{ message: Full }>('GET', `/v1/messages/${id}`)).body.message;
	const auditOf = async (type: string) => (await api().api<{ entries: AuditRow[] }>('GET', `/v1/audit?type=${type}`)).body.entries;
	const quota = async () => (await api().api<{ used: number; inFlight: number; remaining: number }>('GET', '/v1/channels/meda/quota')).body;
	const digestsOf = (list: Full[]) => list.filter((m) => m.category === 'riepilogo');

	test('a message tried before is never bundled: it may already be in the channel, so it waits to go out on its own', async () => {
		if (skip) return;
		h = await startHarness(kind, { at: '2026-06-10T08:00:00Z', quota: { perWeek: 3, ...DIGEST_ON } });
		const lows = [];
		for (let n = 1; n <= 6; n++) lows.push(await enqueue(n));
		// As if its delivery had been attempted and put back (a gateway error, a lease that ran out).
		await api().scheduler.ctx.store.run('UPDATE messages SET attempts = 1 WHERE id = ?', [lows[4]]);
		await h.tick();
		const list = await all();
		const [digest] = digestsOf(list);
		const bundled = list.filter((m) => m.providerMessageId === `riepilogo:${digest.id}`).map((m) => m.id);
		expect(bundled).toEqual([lows[2], lows[3], lows[5]]);
		expect((await byId(lows[4])).state).toBe('deferred');
		expect((await quota()).used).toBe(3);
	});

	test('limit 3, one high and six low: three counted messages, the last a digest of the other five', async () => {
		if (skip) return;
		h = await startHarness(kind, { at: '2026-06-10T08:00:00Z', quota: { perWeek: 3, ...DIGEST_ON } });
		const high = await enqueue(0, { priority: 80 }, true);
		const lows = [];
		for (let n = 1; n <= 6; n++) lows.push(await enqueue(n, {}, n % 2 === 0));
		await h.tick();

		const list = await all();
		const [digest] = digestsOf(list);
		expect(digestsOf(list)).toHaveLength(1);
		expect(digest).toMatchObject({ state: 'sent', priority: 10, dedupeKey: 'riepilogo:2026-W24' });
		// What went out: the high one, the oldest low one, then the digest. Each item once.
		const posted = outboxIds(h.outbox);
		expect(posted).toEqual([high, lows[0], digest.id]);
		const texts = readFileSync(h.outbox, 'utf8')
			.split('\n')
			.filter(Boolean)
			.map((line) => (JSON.parse(line) as { message: { text: string } }).message.text)
			.join('\n');
		for (let n = 0; n <= 6; n++) expect(texts.match(new RegExp(`Notizia numero ${n}(?!\\d)`, 'g'))).toHaveLength(1);
		expect(digest.text.split('\n')[0]).toBe('*Riepilogo della settimana*');
		// One line per item, title and link, from a news item (2) or a text written by hand (3).
		expect(digest.text).toContain('• Notizia numero 2\nhttps://www.comune.meda.mb.it/novita/2\n\n• Notizia numero 3\nhttps://www.comune.meda.mb.it/novita/3');

		// The five bundled: sent, pointing at the digest, with an Italian note; none lost.
		const bundled = lows.slice(1);
		for (const id of bundled) {
			const m = list.find((x) => x.id === id) as Full;
			expect(m).toMatchObject({ state: 'sent', providerMessageId: `riepilogo:${digest.id}` });
			expect(m.history.at(-1)).toEqual(expect.objectContaining({ state: 'sent', note: `Inviato nel riepilogo settimanale (messaggio ${digest.id}): non conta nel limite` }));
		}
		expect(countBy(list)).toEqual({ sent: 8 });
		expect(digest.history[0].note).toBe('Riepilogo settimanale di 5 notizie a bassa priorità: conta come un solo messaggio');
		expect((await auditOf('message.bundled')).map((e) => [e.messageId, e.details.digestId])).toEqual(bundled.map((id) => [id, digest.id]));
		expect((await auditOf('digest.created')).map((e) => e.details.parts)).toEqual([bundled]);

		// The quota counts the digest once.
		expect(await quota()).toMatchObject({ used: 3, inFlight: 0, remaining: 0 });
		// A new low-priority item finds the week full: deferred, not bundled.
		const late = await enqueue(7);
		await h.tick();
		expect(await byId(late)).toMatchObject({ state: 'deferred' });
		expect(outboxIds(h.outbox)).toHaveLength(3);
	});

	test('digest off: the overflow is deferred to next week as before', async () => {
		if (skip) return;
		h = await startHarness(kind, { at: '2026-06-10T08:00:00Z', quota: { perWeek: 3 } });
		await enqueue(0, { priority: 80 });
		for (let n = 1; n <= 6; n++) await enqueue(n);
		await h.tick();
		const list = await all();
		expect(digestsOf(list)).toEqual([]);
		expect(countBy(list)).toEqual({ sent: 3, deferred: 4 });
		expect(list.filter((m) => m.state === 'deferred').every((m) => m.earliestAt === '2026-06-14T22:00:00.000Z')).toBe(true);
	});

	test('emergencies and high priorities are never bundled', async () => {
		if (skip) return;
		h = await startHarness(kind, { at: '2026-06-10T08:00:00Z', quota: { perWeek: 1, ...DIGEST_ON } });
		// An emergency with the lowest priority still goes out alone, outside the limit.
		const emergency = await enqueue(0, { priority: 0, emergency: true, justification: 'Allerta meteo rossa' });
		const lows = [await enqueue(1), await enqueue(2), await enqueue(3)];
		const high = await enqueue(4, { priority: 60 });
		await h.tick();
		const list = await all();
		const [digest] = digestsOf(list);
		// The one counted slot went to the higher-priority message: no room for a digest.
		expect(digest).toBeUndefined();
		expect(outboxIds(h.outbox)).toEqual([emergency, high]);
		expect(lows.map((id) => list.find((m) => m.id === id)?.state)).toEqual(['deferred', 'deferred', 'deferred']);

		// Next week the one slot has only low ones waiting: one digest, and the emergency is not in it.
		h.set('2026-06-15T08:00:00Z');
		await h.tick();
		const next = await all();
		const [weekly] = digestsOf(next);
		expect(weekly).toMatchObject({ state: 'sent', dedupeKey: 'riepilogo:2026-W25' });
		expect((await auditOf('digest.created'))[0].details.parts).toEqual(lows);
		expect(next.find((m) => m.id === emergency)).toMatchObject({ providerMessageId: expect.not.stringMatching(/^riepilogo:/) });
		expect(outboxIds(h.outbox)).toEqual([emergency, high, weekly.id]);
	});

	test('a digest that fails for good gives its parts back; a retry cannot post them twice', async () => {
		if (skip) return;
		n8n = await fakeN8n();
		h = await startHarness(kind, { at: '2026-06-10T08:00:00Z', quota: { perWeek: 2, ...DIGEST_ON }, delivery: { kind: 'webhook', url: n8n.url } });
		const lows = [await enqueue(1), await enqueue(2), await enqueue(3), await enqueue(4)];
		await h.tick();
		const [digest] = digestsOf(await all());
		expect(n8n.posted).toEqual([lows[0], digest.id]);
		expect(await quota()).toMatchObject({ inFlight: 2, remaining: 0 });

		// n8n says the digest could not be posted, and not to retry.
		const ack = await h.api('POST', `/v1/messages/${digest.id}/ack`, { status: 'failed', reason: 'testo rifiutato', retry: false });
		expect(ack.status).toBe(200);
		await h.tick();
		const after = await byId(digest.id);
		expect(after.state).toBe('cancelled');
		expect(after.history.at(-1)?.note).toBe('Riepilogo non inviato: le sue 3 notizie tornano in coda');
		expect(await h.api('POST', `/v1/messages/${digest.id}/retry`)).toMatchObject({ status: 409, body: { error: 'invalid_state' } });
		const returned = await auditOf('message.unbundled');
		expect(returned.map((e) => e.messageId)).toEqual(lows.slice(1));
		expect(returned[0].details.note).toBe(`Il riepilogo settimanale (messaggio ${digest.id}) non è stato inviato: di nuovo in coda`);

		// Back in line: the freed slot goes to the oldest (one digest a week), the others wait for next week.
		const parts = await Promise.all(lows.slice(1).map(byId));
		expect(parts.map((m) => m.state)).toEqual(['sending', 'deferred', 'deferred']);
		expect(parts.every((m) => m.providerMessageId === null)).toBe(true);
		expect(n8n.posted).toEqual([lows[0], digest.id, lows[1]]);
		expect(await quota()).toMatchObject({ inFlight: 2, remaining: 0 });
	});

	test('a digest cancelled while it waits for a retry gives its parts back', async () => {
		if (skip) return;
		n8n = await fakeN8n();
		h = await startHarness(kind, { at: '2026-06-10T08:00:00Z', quota: { perWeek: 1, ...DIGEST_ON }, delivery: { kind: 'webhook', url: n8n.url } });
		n8n.status.code = 503;
		const lows = [await enqueue(1), await enqueue(2)];
		await h.tick();
		const [digest] = digestsOf(await all());
		expect(await byId(digest.id)).toMatchObject({ state: 'queued' });
		expect((await Promise.all(lows.map(byId))).map((m) => m.state)).toEqual(['sent', 'sent']);
		// While it waits, the digest is the week's only message and nothing counts.
		expect(await quota()).toMatchObject({ used: 0, inFlight: 0, remaining: 1 });

		expect(await h.api('POST', `/v1/messages/${digest.id}/cancel`)).toMatchObject({ status: 200 });
		n8n.status.code = 200;
		await h.tick();
		expect((await byId(digest.id)).history.at(-1)).toEqual(expect.objectContaining({ state: 'cancelled', note: 'Riepilogo non inviato: le sue 2 notizie tornano in coda' }));
		// The slot goes to the first one; the other waits for next week. Nothing is lost.
		expect((await Promise.all(lows.map(byId))).map((m) => m.state)).toEqual(['sending', 'deferred']);
		expect((await auditOf('digest.returned')).map((e) => e.details.parts)).toEqual([lows]);
	});
});
