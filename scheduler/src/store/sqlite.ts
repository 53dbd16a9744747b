// SQLite, the embedded default: one file, WAL. Writes go through one connection, one transaction at a
// time (a queue in this process, BEGIN IMMEDIATE across processes), those waiting together
// group-committed (one COMMIT, each in its own SAVEPOINT); the WAL is synced after each COMMIT in
// libuv's thread pool, and nobody is answered before that sync; reads use a second connection;
// checkpoints run in a worker thread.
import fs from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { FaultLog } from './faults';
import { MIGRATIONS_TABLE, readMigrations } from './migrations';
import type { Param, Row, Statement, Store, Tx } from './store';

type Prepared = Database.Statement<unknown[], unknown>;

class Connection implements Tx {
	private readonly statements = new Map<string, Prepared>();
	constructor(readonly db: Database.Database) {}

	prepare(sql: string): Prepared {
		let statement = this.statements.get(sql);
		if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
		return statement;
	}
	async all<T>(sql: string, params: Param[] = []): Promise<T[]> {
		return this.prepare(sql).all(...params) as T[];
	}
	async get<T>(sql: string, params: Param[] = []): Promise<T | undefined> {
		return this.prepare(sql).get(...params) as T | undefined;
	}
	async run(sql: string, params: Param[] = []): Promise<number> {
		return this.prepare(sql).run(...params).changes;
	}
	async batch(statements: Statement[]): Promise<Row[][]> {
		return statements.map((s) => {
			const statement = this.prepare(s.sql);
			return statement.reader ? (statement.all(...s.params) as Row[]) : (statement.run(...s.params), []);
		});
	}
	defer(s: Statement): void {
		this.prepare(s.sql).run(...s.params);
	}
}

/**
 * The durability every transaction gets: a caller is told "committed" only once the transaction's WAL
 * frames are on disk, so a power cut can never roll back a transaction whose caller was told it
 * committed (a message marked sent would come back as in flight or queued, and be delivered, and
 * counted, twice). `synchronous = FULL` does it by syncing the WAL inside every COMMIT, on the event
 * loop; the store gets the same with `NORMAL` (SQLITE_WRITER_PRAGMAS) and its own sync of the WAL off
 * the event loop (WalSync). The benchmark's raw ceiling is single-row transactions with these pragmas.
 */
export const SQLITE_DURABLE_PRAGMAS: readonly string[] = ['busy_timeout = 10000', 'journal_mode = WAL', 'synchronous = FULL', 'foreign_keys = ON'];

/**
 * The writer connection: WAL with `synchronous = NORMAL`, so a COMMIT only writes the WAL (consistent
 * through a crash or a power cut, SQLite guarantees that) and the store then syncs the WAL file in
 * libuv's thread pool before anyone is answered: durable as with FULL, while the event loop serves
 * requests and the next group runs during the sync. Without WAL (a file system that refuses it) FULL.
 * Temporary storage in memory: each transaction of a group runs in a SAVEPOINT, which keeps the first
 * copy of every page it changes in a statement journal, and past 64 KiB SQLite spills that journal to a
 * temporary file. An enqueue changes a dozen pages (the message, its indexes, history, audit): on a
 * file it cost twice the time of the enqueue's inserts (41 against 20 µs for the message, measured).
 */
export const SQLITE_WRITER_PRAGMAS: readonly string[] = ['busy_timeout = 10000', 'journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON', 'temp_store = MEMORY'];

function open(file: string, readonly: boolean): Database.Database {
	const db = new Database(file, { readonly, fileMustExist: readonly });
	if (readonly) db.pragma('busy_timeout = 10000');
	else for (const pragma of SQLITE_WRITER_PRAGMAS) pragmaWhenFree(db, pragma);
	return db;
}

/**
 * Processes starting together on a new file: one switching it to WAL can make the other's pragma
 * answer "database is locked" at once, without waiting for busy_timeout. It is tried again for as
 * long as busy_timeout would have waited (this runs once, at start).
 */
function pragmaWhenFree(db: Database.Database, pragma: string, waitMs = 10_000): void {
	const deadline = Date.now() + waitMs;
	for (;;) {
		try {
			db.pragma(pragma);
			return;
		} catch (error) {
			if (!String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY') || Date.now() > deadline) throw error;
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
		}
	}
}

/**
 * Syncs the WAL file after commits, off the event loop, and tells when a commit is durable. Commits
 * are numbered; one fdatasync covers every commit made before it started, so the commits made during
 * a sync share the next one. A failed sync leaves the disk's state unknown (the kernel may have
 * dropped the pages): the store then refuses every write and read until it is restarted.
 */
class WalSync {
	private committed = 0;
	private synced = 0;
	private running: Promise<void> | null = null;
	private fd: number | null = null;
	private closed = false;
	failure: Error | null = null;

	constructor(private readonly walFile: string) {}

	/**
	 * Called right after a COMMIT returned (or when another process's commits were seen): a number
	 * for `durable`, which then waits for a sync that starts from now.
	 */
	commit(): number {
		return ++this.committed;
	}

	/** The number of the latest commit: what a read may have seen. */
	get latest(): number {
		return this.committed;
	}

	/** Settles once commit `n` is on disk. */
	durable(n: number): Promise<void> {
		if (this.failure) return Promise.reject(this.failure);
		if (this.synced >= n) return Promise.resolve();
		// A sync already running may have started before commit n: wait for it, then for the next.
		if (this.running) return this.running.then(() => this.durable(n));
		this.running = this.sync().finally(() => (this.running = null));
		return this.running;
	}

	private async sync(): Promise<void> {
		const upTo = this.committed;
		if (this.closed) throw new Error('the store is closed');
		try {
			// Opened once the WAL exists (after the first COMMIT); SQLite keeps that file while the writer is open.
			this.fd ??= fs.openSync(this.walFile, 'r+');
			const fd = this.fd;
			await new Promise<void>((done, fail) => fs.fdatasync(fd, (error) => (error ? fail(error) : done())));
			this.synced = Math.max(this.synced, upTo);
		} catch (error) {
			this.failure = new Error(`the database could not be made durable (sync of ${this.walFile} failed: ${(error as Error).message}); check the disk, then restart the scheduler`, { cause: error });
			throw this.failure;
		}
	}

	async close(): Promise<void> {
		this.closed = true;
		while (this.running) await this.running.catch(() => undefined);
		if (this.fd !== null) fs.closeSync(this.fd);
		this.fd = null;
	}
}

/**
 * Checkpoints (copying the WAL back into the database file, with its own sync) run in a worker
 * thread on its own connection, PASSIVE, every CHECKPOINT_MS: left to SQLite's automatic checkpoint
 * they would run inside a COMMIT on the event loop every ~1,000 pages and stall every request in
 * flight for tens of milliseconds. Durability does not change: a commit is durable once its WAL
 * frames are synced (WalSync), and a checkpoint syncs the WAL before copying it.
 */
export const CHECKPOINT_MS = 250;

const CHECKPOINTER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
for (const pragma of workerData.pragmas) db.pragma(pragma);
const timer = setInterval(() => {
	try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next tick retries */ }
}, workerData.intervalMs);
parentPort.once('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/** Group commit: at most this many transactions share one COMMIT (one WAL sync)… */
export const GROUP_COMMIT_MAX = 64;
/** …and no more transactions join a group once it has run this long (ms), so none waits long for its COMMIT. */
export const GROUP_COMMIT_MAX_MS = 4;

interface Pending {
	fn: (q: Tx) => Promise<unknown>;
	resolve: (value: unknown) => void;
	reject: (error: unknown) => void;
}

type Outcome = { pending: Pending; ok: true; value: unknown } | { pending: Pending; ok: false; error: unknown };

export class SqliteStore implements Store {
	readonly kind = 'sqlite';
	/** A full disk, a read-only file system, an I/O error: thrown as StoreFault, counted here. */
	readonly faults = new FaultLog();
	private readonly writer: Connection;
	private reader: Connection | null = null;
	/** Transactions waiting for the writer, in arrival order. */
	private readonly pending: Pending[] = [];
	/** Settles when the writer has nothing left to run; null while idle. */
	private draining: Promise<void> | null = null;

	/** Syncs the WAL after each COMMIT, off the event loop; null without WAL (then every COMMIT syncs). */
	private readonly walSync: WalSync | null = null;
	/** The writer's data_version when a read last checked it. */
	private seenVersion = 0;
	private closed = false;
	/** Groups committed, waiting for their sync to be answered. */
	private readonly answering = new Set<Promise<void>>();

	private readonly checkpointer: Worker;
	/** Settles when the checkpointer thread has ended, for whatever reason. */
	private readonly checkpointerEnded: Promise<void>;

	constructor(readonly file: string) {
		fs.mkdirSync(dirname(file), { recursive: true });
		this.writer = new Connection(open(file, false));
		this.writer.db.pragma('wal_autocheckpoint = 0');
		if (this.writer.db.pragma('journal_mode', { simple: true }) === 'wal') {
			// The WAL is named after the path SQLite resolved (a symlinked database has its WAL beside the real file).
			const main = (this.writer.db.pragma('database_list') as Array<{ name: string; file: string }>).find((d) => d.name === 'main');
			this.walSync = new WalSync(`${main?.file || file}-wal`);
			this.seenVersion = this.dataVersion();
		} else {
			this.writer.db.pragma('synchronous = FULL'); // no WAL to sync ourselves: SQLite syncs at every COMMIT
		}
		this.checkpointer = new Worker(CHECKPOINTER, {
			eval: true,
			workerData: { driver: require.resolve('better-sqlite3'), file, pragmas: ['busy_timeout = 10000', 'synchronous = FULL'], intervalMs: CHECKPOINT_MS },
		});
		this.checkpointer.unref();
		this.checkpointerEnded = new Promise((done) => this.checkpointer.once('exit', () => done()));
		// Should the thread fail (the driver not loading in a worker, say), SQLite checkpoints itself again.
		this.checkpointer.on('error', () => this.writer.db.open && this.writer.db.pragma('wal_autocheckpoint = 1000'));
	}

	private get read(): Connection {
		// Opened after the writer has set WAL mode, so reads never wait for a write.
		return (this.reader ??= new Connection(open(this.file, true)));
	}

	async all<T>(sql: string, params?: Param[]): Promise<T[]> {
		try {
			const rows = await this.read.all<T>(sql, params);
			await this.durable();
			return rows;
		} catch (error) {
			throw this.faults.wrap(error);
		}
	}
	async get<T>(sql: string, params?: Param[]): Promise<T | undefined> {
		try {
			const row = await this.read.get<T>(sql, params);
			await this.durable();
			return row;
		} catch (error) {
			throw this.faults.wrap(error);
		}
	}

	/**
	 * A read may have seen the latest COMMIT: it answers only once that commit is on disk too. It may
	 * also have seen another process's commits, which that process syncs in its own time: when there
	 * are new ones (the writer's data_version moves only with other connections' commits), it waits
	 * for a sync of its own that starts now.
	 */
	private async durable(): Promise<void> {
		if (!this.walSync) return;
		const version = this.dataVersion();
		if (version === this.seenVersion) return this.walSync.durable(this.walSync.latest);
		this.seenVersion = version;
		return this.walSync.durable(this.walSync.commit());
	}

	private dataVersion(): number {
		return Number(this.writer.db.pragma('data_version', { simple: true }));
	}
	run(sql: string, params?: Param[]): Promise<number> {
		return this.tx((q) => q.run(sql, params));
	}
	batch(statements: Statement[]): Promise<Row[][]> {
		return this.tx((q) => q.batch(statements));
	}

	/**
	 * Transactions run one at a time on the writer, in arrival order; those waiting together are
	 * group-committed: one BEGIN IMMEDIATE … COMMIT, each transaction in its own SAVEPOINT (rolled
	 * back to on its error, so a failing one leaves nothing and affects no other). Each still sees
	 * the writes of those before it, exactly as if committed one by one, and each caller is answered
	 * only after the shared COMMIT succeeded; if it fails, every transaction of the group fails.
	 */
	tx<T>(fn: (q: Tx) => Promise<T>): Promise<T> {
		if (this.closed) return Promise.reject(new Error('the store is closed'));
		return new Promise<T>((resolve, reject) => {
			this.pending.push({ fn, resolve: resolve as (value: unknown) => void, reject });
			// Started on the next turn of the event loop (setImmediate, not a microtask), so requests
			// read from the sockets in the same turn share a group; started at once, each would commit alone.
			this.draining ??= new Promise<void>((done) => setImmediate(() => void this.drain().finally(done)));
		}).catch((error: unknown) => {
			throw this.faults.wrap(error);
		});
	}

	private async drain(): Promise<void> {
		try {
			while (this.pending.length > 0) {
				await this.group();
				// Let I/O in between groups: requests that arrived meanwhile form the next one.
				if (this.pending.length > 0) await new Promise((next) => setImmediate(next));
			}
		} finally {
			this.draining = null;
		}
	}

	/** One group: BEGIN IMMEDIATE, transactions each in a SAVEPOINT, COMMIT, then the answers. */
	private async group(): Promise<void> {
		const db = this.writer.db;
		if (this.walSync?.failure) {
			for (const p of this.pending.splice(0)) p.reject(this.walSync.failure);
			return;
		}
		try {
			// IMMEDIATE takes the write lock now: a decision never reads counts another process is changing.
			db.exec('BEGIN IMMEDIATE');
		} catch (error) {
			// Could not get the write lock (another process held it past busy_timeout): the first waiting fails, as before.
			this.pending.shift()?.reject(error);
			return;
		}
		const outcomes: Outcome[] = [];
		let committed: number | null = null;
		const failAll = (error: unknown) => {
			for (const o of outcomes) if (o.ok) Object.assign(o, { ok: false, error });
		};
		try {
			const started = performance.now();
			while (this.pending.length > 0 && outcomes.length < GROUP_COMMIT_MAX && (outcomes.length === 0 || performance.now() - started < GROUP_COMMIT_MAX_MS)) {
				const pending = this.pending.shift() as Pending;
				try {
					db.exec('SAVEPOINT banditore_tx');
					const value = await pending.fn(this.writer);
					db.exec('RELEASE banditore_tx');
					outcomes.push({ pending, ok: true, value });
				} catch (error) {
					outcomes.push({ pending, ok: false, error });
					if (!db.inTransaction) {
						// SQLite rolled the whole transaction back itself (disk full, I/O error…): the
						// transactions before this one in the group are lost too, and fail with it.
						failAll(new Error(`transaction rolled back with its commit group: ${(error as Error)?.message ?? error}`, { cause: error }));
						break;
					}
					db.exec('ROLLBACK TO banditore_tx');
					db.exec('RELEASE banditore_tx');
				}
			}
			if (db.inTransaction) {
				db.exec('COMMIT');
				committed = this.walSync?.commit() ?? null;
			}
		} catch (error) {
			// The COMMIT (or a savepoint statement) failed: nothing of the group is kept, all of it fails.
			failAll(error);
			try {
				if (db.inTransaction) db.exec('ROLLBACK');
			} catch {
				// Rolled back anyway when the connection is closed; the callers have their error.
			}
		}
		const answer = () => {
			for (const o of outcomes) {
				if (o.ok) o.pending.resolve(o.value);
				else o.pending.reject(o.error);
			}
		};
		if (committed === null || !this.walSync) return answer();
		// Answered once the COMMIT is on disk; meanwhile the next group runs (a later sync covers it).
		const answered: Promise<void> = this.walSync
			.durable(committed)
			.then(answer, (error: unknown) => {
				failAll(error);
				answer();
			})
			.finally(() => this.answering.delete(answered));
		this.answering.add(answered);
	}

	async migrate(): Promise<number> {
		return this.tx(async () => {
			const db = this.writer.db;
			db.exec(MIGRATIONS_TABLE);
			const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
			let applied = 0;
			for (const m of readMigrations('sqlite')) {
				if (done.has(m.version)) continue;
				db.exec(m.sql);
				db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
				applied++;
			}
			return applied;
		});
	}

	async close(): Promise<void> {
		this.closed = true;
		while (this.draining) await this.draining;
		while (this.answering.size > 0) await Promise.all(this.answering);
		await this.walSync?.close();
		// Referenced again while it closes: an unreferenced worker would let the process exit mid-close.
		this.checkpointer.ref();
		this.checkpointer.postMessage('close');
		await this.checkpointerEnded;
		this.reader?.db.close();
		this.writer.db.close();
	}
}
