// PostgreSQL lost under the scheduler: a TCP proxy in front of the real server (127.0.0.1:5432) is cut
// while connections are idle, in the middle of a transaction, and under 64 concurrent clients. The
// process must not crash (an unhandled 'error' event would fail the test), the API answers 503
// meanwhile, and the service resumes by itself: no message lost or twice, the weekly limit held.
import { join } from 'node:path';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import { call, freshDatabase, manual, outboxIds, PG_URL, rulesFile, skipPostgres, tempDir, testClock, testConfig, until, type TestDatabase } from './helpers';
import { tcpProxy, type TcpProxy } from './tcp-proxy';

const MONDAY = '2026-06-08T08:00:00Z';
type Msg = { id: string; state: string; dedupeKey: string };
type Failure = { error: string; message: string; hint: string; fault: string };

describe('PostgreSQL cut under the scheduler', () => {
	let skip = false;
	let proxy: TcpProxy;
	let db: TestDatabase;
	let scheduler: Scheduler;
	let outbox: string;
	const clock = testClock(MONDAY);

	beforeAll(async () => {
		skip = await skipPostgres('postgres');
	});

	beforeEach(async () => {
		if (skip) return;
		clock.set(MONDAY);
		const dir = tempDir();
		db = await freshDatabase('postgres', dir);
		const target = new URL(PG_URL);
		proxy = await tcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
		const url = new URL((db.database as { url: string }).url);
		url.port = String(proxy.port);
		outbox = join(dir, 'outbox.jsonl');
		const config = testConfig({ kind: 'postgres', url: url.toString() }, { id: 'meda', name: 'Comune di Meda', rules: rulesFile(dir), delivery: { kind: 'outbox', file: outbox } });
		scheduler = await startScheduler(config, { clock: clock.now, dispatch: false });
	});

	afterEach(async () => {
		if (skip) return;
		await proxy.restore();
		await scheduler.close();
		await proxy.close();
		await db.drop();
	});

	const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => call<T>(scheduler.url, method, path, body);
	const enqueue = (i: number) => api<{ created: boolean; message: Msg } & Failure>('POST', '/v1/channels/meda/messages', manual(i));
	/** The channel's messages, asked again while the store waits before reconnecting (503). */
	const list = () => until('the message list', async () => {
		const r = await api<{ messages: Msg[] }>('GET', '/v1/channels/meda/messages?limit=1000');
		return r.status === 200 ? r.body.messages : null;
	});
	/** The same request until it is answered (the client's part: a 503 says to send it again). */
	const eventually = (i: number) => until(`item ${i} enqueued`, async () => {
		const r = await enqueue(i).catch(() => null);
		return r && r.status < 300 ? r : null;
	});
	/** Dispatch passes until one does not fail (the loop's part: the next pass tries again). */
	const tickUntilDone = () => until('a dispatch pass', () => scheduler.dispatcher.tick().then(() => true, () => null));
	const storeErrors = async (kind: string) => {
		const text = (await fetch(`${scheduler.url}/metrics`, { headers: { authorization: 'Bearer test-bearer-value' } }).then((r) => r.text())) as string;
		return Number(new RegExp(`banditore_store_errors_total\\{kind="${kind}"\\} (\\d+)`).exec(text)?.[1] ?? NaN);
	};

	test('idle connections reset, then refused: 503 with the fault meanwhile, /healthz alive, /readyz not ready; then it resumes by itself', async () => {
		if (skip) return;
		expect((await enqueue(1)).status).toBe(201);
		expect((await api('GET', '/readyz')).status).toBe(200);

		await proxy.cut('reset');
		const during = await enqueue(2);
		expect(during.status).toBe(503);
		expect(during.body).toMatchObject({ error: 'database_unavailable', fault: 'connection' });
		expect(during.body.hint).toMatch(/reconnects by itself/);
		expect((await api('GET', '/healthz')).status).toBe(200);
		expect((await api<Failure>('GET', '/readyz')).body).toMatchObject({ error: 'database_unavailable', fault: 'connection' });
		await expect(scheduler.dispatcher.tick()).rejects.toThrow(/connection/);
		expect(await storeErrors('connection')).toBeGreaterThan(0);

		await proxy.cut('refuse');
		await new Promise((r) => setTimeout(r, 150));
		expect((await enqueue(2)).status).toBe(503);

		await proxy.restore();
		expect((await eventually(2)).status).toBe(201);
		expect((await api('GET', '/readyz')).status).toBe(200);
		await tickUntilDone();
		expect((await list()).map((m) => m.state)).toEqual(['sent', 'sent']);
		expect(outboxIds(outbox)).toHaveLength(2);
	});

	test('a connection reset inside a transaction: the enqueue, the claim and the record of the delivery are retried, nothing twice', async () => {
		if (skip) return;
		// The enqueue's transaction, after its INSERT of the message: rolled back by the server.
		const cut = proxy.cutWhen('INSERT INTO history');
		expect((await enqueue(1)).status).toBe(503);
		await cut;
		expect(await list()).toHaveLength(0);
		expect((await eventually(1)).body.created).toBe(true);

		// The dispatcher's claim (its audit row is written in the same transaction): nothing claimed.
		const claim = proxy.cutWhen('message.sending');
		await expect(scheduler.dispatcher.tick()).rejects.toThrow();
		await claim;
		expect((await list())[0].state).toBe('queued');

		// Written to the outbox, but the transaction recording it is cut: the lease finds it there.
		const record = proxy.cutWhen('message.sent');
		await until('the outbox written', async () => {
			await scheduler.dispatcher.tick().catch(() => undefined);
			return outboxIds(outbox).length === 1 ? true : null;
		});
		await record;
		expect((await list())[0].state).toBe('sending');
		clock.set('2026-06-08T08:10:00Z');
		await tickUntilDone();
		expect((await list())[0].state).toBe('sent');
		expect(outboxIds(outbox)).toHaveLength(1);
	});

	test('64 concurrent clients while the database is cut twice: every item once, 10 sent in the week, none twice, the rest deferred', async () => {
		if (skip) return;
		const ITEMS = 160;
		const statuses = new Set<number>();
		let next = 0;
		let done = 0;
		const client = async () => {
			for (let i = next++; i < ITEMS; i = next++) {
				for (;;) {
					const r = await enqueue(i).catch(() => null);
					if (r) statuses.add(r.status);
					if (r && r.status < 300) break;
					await new Promise((resolve) => setTimeout(resolve, 10));
				}
				done++;
			}
		};
		const cuts = (async () => {
			for (const at of [30, 100]) {
				await until(`${at} items in`, () => (done >= at ? true : null));
				await proxy.cut(at === 30 ? 'reset' : 'refuse');
				await new Promise((r) => setTimeout(r, 300));
				await proxy.restore();
			}
		})();
		await Promise.all([...Array.from({ length: 64 }, client), cuts]);
		// Answered or refused with 503 while cut, never a 500.
		expect([...statuses].filter((s) => s !== 200 && s !== 201 && s !== 503)).toEqual([]);
		expect(statuses.has(503)).toBe(true);

		// Dispatch with connections reset in the middle of claims.
		for (let round = 0; round < 3; round++) {
			void proxy.cutWhen('message.sending');
			await scheduler.dispatcher.tick().catch(() => undefined);
		}
		await tickUntilDone();
		const all = await list();
		expect(new Set(all.map((m) => m.dedupeKey)).size).toBe(ITEMS);
		expect(all).toHaveLength(ITEMS);
		const sent = all.filter((m) => m.state === 'sent').map((m) => m.id).sort();
		expect(sent).toHaveLength(10);
		expect(all.filter((m) => m.state === 'deferred')).toHaveLength(ITEMS - 10);
		expect(outboxIds(outbox).sort()).toEqual(sent);

		// The next week: ten more, still none twice.
		clock.set('2026-06-15T08:00:00Z');
		proxy.resetAll();
		await tickUntilDone();
		const ids = outboxIds(outbox);
		expect(ids).toHaveLength(20);
		expect(new Set(ids).size).toBe(20);
	});
});
