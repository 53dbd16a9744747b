// SQLite, the embedded default: one file, WAL. Writes go through one connection, one transaction at
// a time (a promise queue in this process, BEGIN IMMEDIATE across processes); reads use a second one.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS_TABLE, readMigrations } from './migrations';
import type { Param, Queryable, Store } from './store';

type Statement = Database.Statement<unknown[], unknown>;

class Connection implements Queryable {
	private readonly statements = new Map<string, Statement>();
	constructor(readonly db: Database.Database) {}

	prepare(sql: string): Statement {
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
}

/**
 * The durability of the writer connection: WAL, synchronous = NORMAL (a commit is durable once
 * the WAL is synced at the next checkpoint; a power cut may lose the last transactions, never
 * corrupt the file or half-apply one). The benchmark applies the same to its raw ceiling.
 */
export const SQLITE_WRITER_PRAGMAS: readonly string[] = ['busy_timeout = 10000', 'journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON'];

function open(file: string, readonly: boolean): Database.Database {
	const db = new Database(file, { readonly, fileMustExist: readonly });
	if (readonly) db.pragma('busy_timeout = 10000');
	else for (const pragma of SQLITE_WRITER_PRAGMAS) db.pragma(pragma);
	return db;
}

export class SqliteStore implements Store {
	readonly kind = 'sqlite';
	private readonly writer: Connection;
	private reader: Connection | null = null;
	private queue: Promise<unknown> = Promise.resolve();

	constructor(readonly file: string) {
		mkdirSync(dirname(file), { recursive: true });
		this.writer = new Connection(open(file, false));
	}

	private get read(): Connection {
		// Opened after the writer has set WAL mode, so reads never wait for a write.
		return (this.reader ??= new Connection(open(this.file, true)));
	}

	all<T>(sql: string, params?: Param[]): Promise<T[]> {
		return this.read.all<T>(sql, params);
	}
	get<T>(sql: string, params?: Param[]): Promise<T | undefined> {
		return this.read.get<T>(sql, params);
	}
	run(sql: string, params?: Param[]): Promise<number> {
		return this.tx((q) => q.run(sql, params));
	}

	tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
		const run = async (): Promise<T> => {
			const db = this.writer.db;
			// IMMEDIATE takes the write lock now: a decision never reads counts another process is changing.
			db.exec('BEGIN IMMEDIATE');
			try {
				const result = await fn(this.writer);
				db.exec('COMMIT');
				return result;
			} catch (error) {
				if (db.inTransaction) db.exec('ROLLBACK');
				throw error;
			}
		};
		const result = this.queue.then(run, run);
		this.queue = result.catch(() => undefined);
		return result;
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
		await this.queue;
		this.reader?.db.close();
		this.writer.db.close();
	}
}
