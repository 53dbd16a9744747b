// SQLite when the disk fails it: full, or read-only. Mounting a small or read-only file system needs
// root, so SQLite's own limits stand in for the disk, on the store's writer connection: with
// `max_page_count` at the file's size SQLite answers SQLITE_FULL ("database or disk is full") exactly
// as on a full disk, and with `query_only` SQLITE_READONLY as on a read-only file system.
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import { SqliteStore } from '../../scheduler/src/store';
import { call, manual, outboxIds, rulesFile, tempDir, testClock, testConfig, until } from './helpers';

type Msg = { id: string; state: string; dedupeKey: string };
type Failure = { error: string; message: string; hint: string; fault: string };

describe('SQLite disk faults', () => {
	let scheduler: Scheduler;
	let store: SqliteStore;
	let writer: Database.Database;
	let outbox: string;

	beforeEach(async () => {
		const dir = tempDir();
		outbox = join(dir, 'outbox.jsonl');
		const file = join(dir, 'banditore.sqlite');
		store = new SqliteStore(file);
		writer = (store as unknown as { writer: { db: Database.Database } }).writer.db;
		const config = testConfig({ kind: 'sqlite', file }, { id: 'meda', name: 'Comune di Meda', rules: rulesFile(dir), delivery: { kind: 'outbox', file: outbox } });
		scheduler = await startScheduler(config, { clock: testClock('2026-06-08T08:00:00Z').now, dispatch: false, store });
	});

	afterEach(async () => {
		await scheduler.close();
		await store.close();
	});

	const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => call<T>(scheduler.url, method, path, body);
	const enqueue = (i: number) => api<{ created: boolean; message: Msg } & Failure>('POST', '/v1/channels/meda/messages', manual(i));
	const list = async () => (await api<{ messages: Msg[] }>('GET', '/v1/channels/meda/messages?limit=1000')).body.messages;

	test('a full disk: enqueues answer 503 disk_full, nothing half-written; with room again the same requests go through, each once', async () => {
		writer.pragma(`max_page_count = ${writer.pragma('page_count', { simple: true })}`);
		const answered: number[] = [];
		let refused: { status: number; body: Failure } | null = null;
		for (let i = 0; i < 500 && !refused; i++) {
			const r = await enqueue(i);
			if (r.status === 503) refused = { status: r.status, body: r.body };
			else answered.push(i);
		}
		expect(refused?.body).toMatchObject({ error: 'database_unavailable', fault: 'disk_full' });
		expect(refused?.body.hint).toMatch(/Free space/);
		// The dispatcher's pass either finds room for what it writes or fails with the same fault.
		await scheduler.dispatcher.tick().catch((error: Error) => expect(error.message).toMatch(/disk of the database is full/));
		const before = await list();
		expect(before.map((m) => m.dedupeKey)).not.toContain(`avviso-${answered.length}`);

		writer.pragma('max_page_count = 1073741823');
		const failed = answered.length;
		expect((await enqueue(failed)).status).toBe(201);
		for (const i of answered) expect((await enqueue(i)).status).toBe(200);
		const after = await list();
		expect(after).toHaveLength(before.length + 1);
		expect(new Set(after.map((m) => m.dedupeKey)).size).toBe(after.length);
		await scheduler.dispatcher.tick();
		expect(outboxIds(outbox)).toHaveLength(10);
		expect(new Set(outboxIds(outbox)).size).toBe(10);
		const metrics = await fetch(`${scheduler.url}/metrics`, { headers: { authorization: 'Bearer test-bearer-value' } }).then((r) => r.text());
		expect(metrics).toMatch(/banditore_store_errors_total\{kind="disk_full"\} [1-9]/);
	});

	test('a read-only database: 503 read_only, /readyz not ready, /healthz alive, the dispatcher does not crash; writable again, it resumes', async () => {
		expect((await enqueue(1)).status).toBe(201);
		writer.pragma('query_only = 1');
		const r = await enqueue(2);
		expect(r.status).toBe(503);
		expect(r.body).toMatchObject({ error: 'database_unavailable', fault: 'read_only' });
		expect((await api<Failure>('GET', '/readyz')).body).toMatchObject({ error: 'database_unavailable', fault: 'read_only' });
		expect((await api('GET', '/healthz')).status).toBe(200);
		await expect(scheduler.dispatcher.tick()).rejects.toThrow(/read-only/);
		expect(outboxIds(outbox)).toHaveLength(0);

		writer.pragma('query_only = 0');
		expect((await api('GET', '/readyz')).status).toBe(200);
		expect((await enqueue(2)).status).toBe(201);
		await until('both sent', async () => {
			await scheduler.dispatcher.tick();
			return outboxIds(outbox).length === 2 ? true : null;
		});
		expect((await list()).map((m) => m.state)).toEqual(['sent', 'sent']);
	});
});
