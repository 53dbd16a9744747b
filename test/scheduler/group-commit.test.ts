// Group commit on a real SQLite file: transactions waiting together share one BEGIN IMMEDIATE …
// COMMIT, each in its own SAVEPOINT. A failing one leaves nothing and affects no other; each sees
// the writes of those before it; nobody is answered, and no reader sees anything, before the COMMIT.
import fs, { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CHECKPOINT_MS, SQLITE_DURABLE_PRAGMAS, SQLITE_WRITER_PRAGMAS, SqliteStore } from '../../scheduler/src/store/sqlite';

describe('SQLite group commit', () => {
	let store: SqliteStore;
	let file: string;

	beforeEach(async () => {
		file = join(mkdtempSync(join(tmpdir(), 'banditore-gc-')), 'gc.sqlite');
		store = new SqliteStore(file);
		await store.tx(async (q) => {
			await q.run('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
			await q.run('CREATE TABLE parent (id INTEGER PRIMARY KEY)');
			await q.run('CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)');
		});
	});
	afterEach(async () => {
		await store.close();
	});

	test('checkpoints happen off the writer, in the worker: the database file grows while the store is open', async () => {
		const before = statSync(file).size;
		const text = 'x'.repeat(2000);
		for (let batch = 0; batch < 20; batch++) {
			await Promise.all(Array.from({ length: 50 }, (_, i) => store.tx((q) => q.run('INSERT INTO t (v) VALUES (?)', [`${batch}-${i}-${text}`]))));
		}
		// The writer never checkpoints (wal_autocheckpoint = 0): only the worker copies the WAL back.
		let size = statSync(file).size;
		for (let waited = 0; size < before + 1_000_000 && waited < 40 * CHECKPOINT_MS; waited += CHECKPOINT_MS) {
			await new Promise((next) => setTimeout(next, CHECKPOINT_MS));
			size = statSync(file).size;
		}
		expect(size).toBeGreaterThan(before + 1_000_000);
		const db = new Database(file, { readonly: true });
		expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1000 });
		db.close();
	});

	test('a checkpointer thread that died does not hang close, and SQLite checkpoints itself again', async () => {
		const own = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'banditore-gc-')), 'dead.sqlite'));
		const worker = (own as unknown as { checkpointer: import('node:worker_threads').Worker }).checkpointer;
		worker.emit('error', new Error('driver not loadable in a worker'));
		await worker.terminate();
		await own.tx(async (q) => expect(await q.get('PRAGMA wal_autocheckpoint')).toEqual({ wal_autocheckpoint: 1000 }));
		await own.close();
	});

	test('a pragma answered "database is locked" at start (another process switching the file to WAL) is tried again', async () => {
		const real = Database.prototype.pragma;
		let refused = 0;
		const spy = jest.spyOn(Database.prototype, 'pragma').mockImplementation(function (this: Database.Database, ...args: Parameters<typeof real>) {
			if (args[0] === 'journal_mode = WAL' && refused < 3) {
				refused++;
				throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
			}
			return real.apply(this, args);
		});
		const other = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'banditore-gc-')), 'busy.sqlite'));
		spy.mockRestore();
		expect(refused).toBe(3);
		await other.tx((q) => q.run('CREATE TABLE x (id INTEGER)'));
		expect(await other.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
		await other.close();
	});

	test('the writer runs in WAL with synchronous = NORMAL, and the benchmark ceiling with FULL', () => {
		expect(SQLITE_WRITER_PRAGMAS).toEqual(expect.arrayContaining(['journal_mode = WAL', 'synchronous = NORMAL']));
		expect(SQLITE_DURABLE_PRAGMAS).toEqual(expect.arrayContaining(['journal_mode = WAL', 'synchronous = FULL']));
		const db = new Database(file, { readonly: true });
		expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
		db.close();
	});

	test('the writer keeps the savepoints\' statement journals in memory, not in temporary files', async () => {
		// 2 = MEMORY; the default spills each group's savepoint journals past 64 KiB to a file.
		expect(await store.tx((q) => q.get('PRAGMA temp_store'))).toEqual({ temp_store: 2 });
	});

	describe('durability: nobody is answered before the WAL is synced', () => {
		const wal = () => `${file}-wal`;
		/** Holds every fdatasync until released, and counts them. */
		function holdSyncs() {
			const held: Array<() => void> = [];
			const real = fs.fdatasync;
			const spy = jest.spyOn(fs, 'fdatasync').mockImplementation(((fd: number, done: (error: NodeJS.ErrnoException | null) => void) => {
				held.push(() => real(fd, done));
			}) as typeof fs.fdatasync);
			return { held, spy, releaseAll: () => held.splice(0).forEach((go) => go()) };
		}
		const turns = async (until: () => boolean) => {
			for (let i = 0; i < 200 && !until(); i++) await new Promise((next) => setImmediate(next));
		};
		afterEach(() => jest.restoreAllMocks());

		test('a transaction, and a read of its row, both wait for the sync of the WAL', async () => {
			await store.tx((q) => q.run('INSERT INTO t (v) VALUES (?)', ['before'])); // the WAL exists
			const syncs = holdSyncs();
			let answered = false;
			const tx = store.tx((q) => q.run('INSERT INTO t (id, v) VALUES (?, ?)', [42, 'durable'])).then(() => (answered = true));
			await turns(() => syncs.held.length > 0);
			expect(syncs.held).toHaveLength(1);
			let read = false;
			const row = store.get<{ v: string }>('SELECT v FROM t WHERE id = 42').then((r) => ((read = true), r));
			await new Promise((next) => setTimeout(next, 50));
			// Committed (another connection sees it) but neither answered nor read back: not yet on disk.
			const other = new Database(file, { readonly: true });
			expect(other.prepare('SELECT v FROM t WHERE id = 42').get()).toEqual({ v: 'durable' });
			other.close();
			expect({ answered, read }).toEqual({ answered: false, read: false });
			syncs.releaseAll();
			await tx;
			expect(await row).toEqual({ v: 'durable' });
			// What was synced is the WAL file itself.
			expect(fs.fstatSync(syncs.spy.mock.calls[0][0] as number).ino).toBe(fs.statSync(wal()).ino);
		});

		test('groups committed during a sync share the next one, and every caller is answered', async () => {
			await store.tx((q) => q.run('INSERT INTO t (v) VALUES (?)', ['before']));
			const syncs = holdSyncs();
			const answered: number[] = [];
			const batch = (b: number) =>
				Array.from({ length: 10 }, (_, i) => store.tx((q) => q.run('INSERT INTO t (id, v) VALUES (?, ?)', [100 + b * 10 + i, `r${b}`])).then(() => answered.push(b)));
			const all = batch(0);
			await turns(() => syncs.held.length > 0);
			// While the first sync is held, three more groups commit: the writer does not wait for it.
			for (let b = 1; b <= 3; b++) {
				all.push(...batch(b));
				await new Promise((next) => setTimeout(next, 10));
			}
			const other = new Database(file, { readonly: true });
			expect(other.prepare('SELECT count(*) AS n FROM t WHERE id >= 100').get()).toEqual({ n: 40 });
			other.close();
			expect(answered).toEqual([]);
			while (answered.length < 40) {
				syncs.releaseAll();
				await new Promise((next) => setTimeout(next, 5));
			}
			await Promise.all(all);
			// Four groups, two syncs: the one held, then one for the three groups committed meanwhile.
			expect(syncs.spy).toHaveBeenCalledTimes(2);
		});

		test("a read that sees another process's commit waits until that commit is on disk", async () => {
			await store.tx((q) => q.run('INSERT INTO t (v) VALUES (?)', ['before']));
			const other = new SqliteStore(file); // another process, as far as SQLite can tell: its own connections
			try {
				await other.get('SELECT 1 AS one');
				const syncs = holdSyncs();
				void store.tx((q) => q.run('INSERT INTO t (id, v) VALUES (?, ?)', [7, 'not yet on disk']));
				await turns(() => syncs.held.length > 0);
				let read = false;
				const row = other.get<{ v: string }>('SELECT v FROM t WHERE id = 7').then((r) => ((read = true), r));
				await new Promise((next) => setTimeout(next, 50));
				expect(read).toBe(false);
				syncs.releaseAll();
				await turns(() => syncs.held.length > 0);
				syncs.releaseAll();
				expect(await row).toEqual({ v: 'not yet on disk' });
			} finally {
				await other.close();
			}
		});

		test('a database file that is a symlink: the WAL synced is the one beside the real file', async () => {
			const dir = mkdtempSync(join(tmpdir(), 'banditore-gc-'));
			fs.mkdirSync(join(dir, 'real'));
			fs.writeFileSync(join(dir, 'real', 'db.sqlite'), '');
			fs.symlinkSync(join(dir, 'real', 'db.sqlite'), join(dir, 'db.sqlite'));
			const linked = new SqliteStore(join(dir, 'db.sqlite'));
			try {
				await linked.tx((q) => q.run('CREATE TABLE x (id INTEGER)'));
				await linked.tx((q) => q.run('INSERT INTO x (id) VALUES (1)'));
				expect(await linked.get('SELECT count(*) AS n FROM x')).toEqual({ n: 1 });
			} finally {
				await linked.close();
			}
		});

		test('a failed sync fails the transactions waiting for it, and the store refuses everything after, saying why', async () => {
			await store.tx((q) => q.run('INSERT INTO t (v) VALUES (?)', ['before']));
			jest.spyOn(fs, 'fdatasync').mockImplementation(((_fd: number, done: (error: NodeJS.ErrnoException | null) => void) => {
				done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
			}) as typeof fs.fdatasync);
			await expect(store.tx((q) => q.run('INSERT INTO t (v) VALUES (?)', ['lost?']))).rejects.toThrow(/could not be made durable .*EIO.*restart the scheduler/);
			jest.restoreAllMocks();
			await expect(store.tx((q) => q.run('INSERT INTO t (v) VALUES (?)', ['after']))).rejects.toThrow(/could not be made durable/);
			await expect(store.get('SELECT 1 AS one')).rejects.toThrow(/could not be made durable/);
		});
	});

	test('100 concurrent transactions, every third throwing: the others committed, the failing ones left nothing', async () => {
		const fails = (i: number) => i % 3 === 1;
		const seenBefore: number[] = [];
		const results = await Promise.allSettled(
			Array.from({ length: 100 }, (_, i) =>
				store.tx(async (q) => {
					// Serial, in arrival order, each seeing the writes of those before it (and none of the failed ones').
					seenBefore[i] = Number((await q.get<{ n: number }>('SELECT count(*) AS n FROM t'))?.n);
					await q.run('INSERT INTO t (id, v) VALUES (?, ?)', [i, `first ${i}`]);
					await q.run('INSERT INTO t (id, v) VALUES (?, ?)', [1000 + i, `second ${i}`]);
					if (i % 10 === 4) await q.run('INSERT INTO t (id, v) VALUES (?, ?)', [i, 'duplicate key: a SQL error']);
					if (fails(i)) throw new Error(`decision ${i} failed`);
					return i;
				}),
			),
		);
		const sqlFails = (i: number) => i % 10 === 4;
		results.forEach((r, i) => {
			if (fails(i) || sqlFails(i)) {
				expect(r.status).toBe('rejected');
				const reason = (r as PromiseRejectedResult).reason as Error;
				expect(reason.message).toMatch(sqlFails(i) ? /UNIQUE constraint failed/ : new RegExp(`decision ${i} failed`));
			} else expect(r).toEqual({ status: 'fulfilled', value: i });
		});
		const ok = Array.from({ length: 100 }, (_, i) => i).filter((i) => !fails(i) && !sqlFails(i));
		seenBefore.forEach((n, i) => expect(n).toBe(2 * ok.filter((j) => j < i).length));
		const rows = await store.all<{ id: number }>('SELECT id FROM t ORDER BY id');
		expect(rows.map((r) => r.id)).toEqual([...ok, ...ok.map((i) => 1000 + i)]);
		// Another connection (another process) sees exactly the same: committed, not just cached.
		const other = new Database(file, { readonly: true });
		expect((other.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(2 * ok.length);
		other.close();
	});

	test('nothing is visible to readers, nor answered, before the shared COMMIT', async () => {
		const answered = new Set<number>();
		let grouped = false;
		const violations: string[] = [];
		await Promise.all(
			Array.from({ length: 30 }, (_, i) =>
				store
					.tx(async (q) => {
						await q.run('INSERT INTO t (id, v) VALUES (?, ?)', [i, `row ${i}`]);
						const written = (await q.all<{ id: number }>('SELECT id FROM t')).map((r) => r.id);
						const committed = (await store.all<{ id: number }>('SELECT id FROM t')).map((r) => r.id);
						// A row a reader sees belongs to a transaction whose caller has been answered.
						for (const id of committed) if (!answered.has(id)) violations.push(`row ${id} visible to a reader before its caller was answered`);
						if (written.length > committed.length) grouped = grouped || written.length > 1;
						return i;
					})
					.then(async (value) => {
						// When the caller is answered, its row is committed: any connection sees it.
						const other = new Database(file, { readonly: true });
						const row = other.prepare('SELECT v FROM t WHERE id = ?').get(value) as { v: string } | undefined;
						other.close();
						if (row?.v !== `row ${value}`) violations.push(`row ${value} not committed when its caller was answered`);
						answered.add(value);
					}),
			),
		);
		expect(violations).toEqual([]);
		expect(answered.size).toBe(30);
		// Transactions that arrived together shared a group: one saw another's write not yet committed.
		expect(grouped).toBe(true);
	});

	test('a failing COMMIT fails every transaction of its group, and the store goes on', async () => {
		const results = await Promise.allSettled(
			Array.from({ length: 5 }, (_, i) =>
				store.tx(async (q) => {
					await q.run('INSERT INTO t (id, v) VALUES (?, ?)', [i, `row ${i}`]);
					// A deferred foreign key is checked at COMMIT: the whole group's COMMIT fails.
					if (i === 2) await q.run('INSERT INTO child (id, parent) VALUES (1, 999)');
					return i;
				}),
			),
		);
		expect(results.map((r) => r.status)).toEqual(Array(5).fill('rejected'));
		for (const r of results) expect(((r as PromiseRejectedResult).reason as Error).message).toMatch(/FOREIGN KEY constraint failed/);
		expect(await store.all('SELECT id FROM t')).toEqual([]);
		expect(await store.all('SELECT id FROM child')).toEqual([]);
		await expect(store.tx(async (q) => q.run("INSERT INTO t (id, v) VALUES (7, 'after')"))).resolves.toBe(1);
		expect(await store.all('SELECT id, v FROM t')).toEqual([{ id: 7, v: 'after' }]);
	});

	test('the limit holds: 200 concurrent claims against a limit of 10, some failing after claiming → exactly 10', async () => {
		const results = await Promise.allSettled(
			Array.from({ length: 200 }, (_, i) =>
				store.tx(async (q) => {
					const n = Number((await q.get<{ n: number }>('SELECT count(*) AS n FROM t'))?.n);
					if (n >= 10) return 'refused';
					await q.run('INSERT INTO t (id, v) VALUES (?, ?)', [i, 'claimed']);
					if (i % 4 === 0) throw new Error('failed after claiming');
					return 'claimed';
				}),
			),
		);
		const claimed = results.filter((r) => r.status === 'fulfilled' && r.value === 'claimed').length;
		expect(claimed).toBe(10);
		expect(Number((await store.get<{ n: number }>('SELECT count(*) AS n FROM t'))?.n)).toBe(10);
		const ids = (await store.all<{ id: number }>('SELECT id FROM t')).map((r) => r.id);
		expect(ids.every((id) => id % 4 !== 0)).toBe(true);
	});

	test('close waits for the transactions still queued', async () => {
		const pending = Array.from({ length: 10 }, (_, i) => store.tx((q) => q.run('INSERT INTO t (id, v) VALUES (?, ?)', [i, 'x'])));
		const reopened = async () => {
			await store.close();
			const db = new Database(file, { readonly: true });
			const n = (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
			db.close();
			return n;
		};
		expect(await reopened()).toBe(10);
		await expect(Promise.all(pending)).resolves.toEqual(Array(10).fill(1));
		store = new SqliteStore(file); // afterEach closes it
	});
});
