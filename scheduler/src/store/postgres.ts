// PostgreSQL (DATABASE_URL): several scheduler processes may share one database. Quota decisions lock
// the channel row (FOR NO KEY UPDATE, which does not block inserts of messages that reference it).
import pg from 'pg';
import { MIGRATIONS_TABLE, readMigrations } from './migrations';
import type { Param, Queryable, Store, TxOptions } from './store';

// BIGINT (epoch ms, counts) as numbers: every value we store fits in 2^53.
const types = {
	getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
		oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const numbered = new Map<string, string>();
/** `?` → `$1, $2…`: our SQL has no question marks in literals. */
function toPg(sql: string): string {
	let out = numbered.get(sql);
	if (out === undefined) {
		let n = 0;
		out = sql.replace(/\?/g, () => `$${++n}`);
		numbered.set(sql, out);
	}
	return out;
}

class Client implements Queryable {
	constructor(private readonly client: pg.Pool | pg.PoolClient) {}
	async all<T>(sql: string, params: Param[] = []): Promise<T[]> {
		return (await this.client.query(toPg(sql), params)).rows as T[];
	}
	async get<T>(sql: string, params: Param[] = []): Promise<T | undefined> {
		return (await this.client.query(toPg(sql), params)).rows[0] as T | undefined;
	}
	async run(sql: string, params: Param[] = []): Promise<number> {
		return (await this.client.query(toPg(sql), params)).rowCount ?? 0;
	}
}

export class PostgresStore implements Store {
	readonly kind = 'postgres';
	readonly pool: pg.Pool;
	private readonly direct: Client;

	constructor(url: string, options: { max?: number } = {}) {
		this.pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types });
		// An idle client that loses its connection must not crash the process; the next query reconnects.
		this.pool.on('error', () => undefined);
		this.direct = new Client(this.pool);
	}

	all<T>(sql: string, params?: Param[]): Promise<T[]> {
		return this.direct.all<T>(sql, params);
	}
	get<T>(sql: string, params?: Param[]): Promise<T | undefined> {
		return this.direct.get<T>(sql, params);
	}
	run(sql: string, params?: Param[]): Promise<number> {
		return this.direct.run(sql, params);
	}

	async tx<T>(fn: (q: Queryable) => Promise<T>, options: TxOptions = {}): Promise<T> {
		const client = await this.pool.connect();
		try {
			await client.query('BEGIN');
			if (options.lockChannel !== undefined) {
				await client.query('SELECT id FROM channels WHERE id = $1 FOR NO KEY UPDATE', [options.lockChannel]);
			}
			const result = await fn(new Client(client));
			await client.query('COMMIT');
			return result;
		} catch (error) {
			await client.query('ROLLBACK').catch(() => undefined);
			throw error;
		} finally {
			client.release();
		}
	}

	async migrate(): Promise<number> {
		const client = await this.pool.connect();
		try {
			await client.query('BEGIN');
			// Concurrent starts wait here: the second one finds the migrations applied.
			await client.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.banditore.migrate'))`);
			await client.query(MIGRATIONS_TABLE);
			const done = new Set((await client.query('SELECT version FROM schema_migrations')).rows.map((r: { version: number }) => r.version));
			let applied = 0;
			for (const m of readMigrations('postgres')) {
				if (done.has(m.version)) continue;
				await client.query(m.sql);
				await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
				applied++;
			}
			await client.query('COMMIT');
			return applied;
		} catch (error) {
			await client.query('ROLLBACK').catch(() => undefined);
			throw error;
		} finally {
			client.release();
		}
	}

	async close(): Promise<void> {
		await this.pool.end();
	}
}
