// PostgreSQL (DATABASE_URL): several scheduler processes may share one database. Quota decisions lock
// the channel row (FOR NO KEY UPDATE, which does not block inserts of messages that reference it).
// A connection may drop at any moment (a failover, a network blip): every client has an error
// listener for its whole life, a client that failed is destroyed instead of going back to the pool,
// and the store waits a little before connecting again (faults.ts).
import pg from 'pg';
import { FaultLog, faultOf } from './faults';
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
	readonly faults = new FaultLog();
	private readonly direct: Client;

	constructor(url: string, options: { max?: number } = {}) {
		this.pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types, connectionTimeoutMillis: 10_000, keepAlive: true });
		// pg-pool listens to a client only while it is idle: one that fails while checked out (in a
		// transaction) would throw an unhandled 'error' event. This listener stays for the client's life;
		// the query in flight fails with the error, and the client is destroyed when released.
		this.pool.on('connect', (client) => client.on('error', () => undefined));
		this.pool.on('error', () => undefined);
		this.direct = new Client(this.pool);
	}

	/** A statement outside a transaction (pg-pool destroys a client whose query failed). */
	private async outside<T>(run: () => Promise<T>): Promise<T> {
		this.faults.gate();
		try {
			const result = await run();
			this.faults.ok();
			return result;
		} catch (error) {
			throw this.faults.wrap(error);
		}
	}

	all<T>(sql: string, params?: Param[]): Promise<T[]> {
		return this.outside(() => this.direct.all<T>(sql, params));
	}
	get<T>(sql: string, params?: Param[]): Promise<T | undefined> {
		return this.outside(() => this.direct.get<T>(sql, params));
	}
	run(sql: string, params?: Param[]): Promise<number> {
		return this.outside(() => this.direct.run(sql, params));
	}

	async tx<T>(fn: (q: Queryable) => Promise<T>, options: TxOptions = {}): Promise<T> {
		this.faults.gate();
		const client = await this.pool.connect().catch((error: unknown) => {
			throw this.faults.wrap(error);
		});
		let broken = false;
		try {
			await client.query('BEGIN');
			if (options.lockChannel !== undefined) {
				await client.query('SELECT id FROM channels WHERE id = $1 FOR NO KEY UPDATE', [options.lockChannel]);
			}
			const result = await fn(new Client(client));
			await client.query('COMMIT');
			this.faults.ok();
			return result;
		} catch (error) {
			// A lost connection rolls the transaction back on the server; a COMMIT cut short may or may
			// not have committed, which every caller copes with (idempotent by dedupe key, leases).
			broken = faultOf(error) === 'connection';
			await client.query('ROLLBACK').catch(() => (broken = true));
			throw this.faults.wrap(error);
		} finally {
			client.release(broken || undefined);
		}
	}

	async migrate(): Promise<number> {
		const client = await this.pool.connect().catch((error: unknown) => {
			throw this.faults.wrap(error);
		});
		let broken = false;
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
			await client.query('ROLLBACK').catch(() => (broken = true));
			throw this.faults.wrap(error);
		} finally {
			client.release(broken || undefined);
		}
	}

	async close(): Promise<void> {
		await this.pool.end();
	}
}
