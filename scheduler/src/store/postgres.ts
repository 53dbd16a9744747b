// PostgreSQL (DATABASE_URL): several scheduler processes may share one database. Quota decisions lock
// the channel row (FOR NO KEY UPDATE, which does not block inserts of messages that reference it).
// A connection may drop at any moment (a failover, a network blip): every client has an error
// listener for its whole life, a client that failed is destroyed instead of going back to the pool,
// and the store waits a little before connecting again (faults.ts).
import pg from 'pg';
import { FaultLog, faultOf } from './faults';
import { MIGRATIONS_TABLE, readMigrations } from './migrations';
import type { Param, Queryable, Row, Statement, Store, Tx, TxOptions } from './store';

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

/**
 * A statement with its values written in, for the simple query protocol, which takes several
 * statements in one message but no parameters. Each value is a quoted literal, escaped by pg, so it
 * reaches the server untyped exactly as a parameter does and takes the type of where it goes.
 */
export function inline(s: Statement): string {
	let n = 0;
	const text = s.sql.replace(/\?/g, () => {
		if (n >= s.params.length) throw new Error(`too few values for the statement: ${s.sql}`);
		const value = s.params[n++];
		if (value === null) return 'NULL';
		if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`not a number the database can store: ${value}`);
		return pg.escapeLiteral(String(value));
	});
	if (n !== s.params.length) throw new Error(`too many values for the statement: ${s.sql}`);
	return text;
}

/** The results of a simple query, one per statement (pg answers one result alone, not in a list). */
const resultsOf = (answer: pg.QueryResult | pg.QueryResult[]): pg.QueryResult[] => (Array.isArray(answer) ? answer : [answer]);

class Direct implements Queryable {
	constructor(private readonly pool: pg.Pool) {}
	async all<T>(sql: string, params: Param[] = []): Promise<T[]> {
		return (await this.pool.query(toPg(sql), params)).rows as T[];
	}
	async get<T>(sql: string, params: Param[] = []): Promise<T | undefined> {
		return (await this.pool.query(toPg(sql), params)).rows[0] as T | undefined;
	}
	async run(sql: string, params: Param[] = []): Promise<number> {
		return (await this.pool.query(toPg(sql), params)).rowCount ?? 0;
	}
	/** Without BEGIN, the statements of one simple query are one transaction. */
	async batch(statements: Statement[]): Promise<Row[][]> {
		if (statements.length === 0) return [];
		return resultsOf(await this.pool.query(statements.map(inline).join(';\n'))).map((r) => r.rows as Row[]);
	}
}

/**
 * A transaction on one connection. BEGIN, the channel lock and deferred writes wait in `pending` and
 * go with the next statement, or with the COMMIT, in one simple query: a decision under the lock
 * costs two round trips (the reads, then the writes with the COMMIT) instead of one per statement.
 */
class Transaction implements Tx {
	private pending: string[] = ['BEGIN'];
	constructor(private readonly client: pg.PoolClient) {}

	defer(s: Statement): void {
		this.pending.push(inline(s));
	}
	async batch(statements: Statement[]): Promise<Row[][]> {
		return (await this.send(statements)).map((r) => r.rows as Row[]);
	}
	async all<T>(sql: string, params: Param[] = []): Promise<T[]> {
		return (await this.send([{ sql, params }]))[0].rows as T[];
	}
	async get<T>(sql: string, params: Param[] = []): Promise<T | undefined> {
		return (await this.send([{ sql, params }]))[0].rows[0] as T | undefined;
	}
	async run(sql: string, params: Param[] = []): Promise<number> {
		return (await this.send([{ sql, params }]))[0].rowCount ?? 0;
	}
	async commit(): Promise<void> {
		this.pending.push('COMMIT');
		await this.send([]);
	}

	/** The pending statements and these, in one round trip; the results of these. */
	private async send(statements: Statement[]): Promise<pg.QueryResult[]> {
		if (this.pending.length === 0 && statements.length === 1) return [await this.client.query(toPg(statements[0].sql), statements[0].params)];
		const texts = [...this.pending, ...statements.map(inline)];
		this.pending = [];
		const results = resultsOf(await this.client.query(texts.join(';\n')));
		return results.slice(results.length - statements.length);
	}
}

export class PostgresStore implements Store {
	readonly kind = 'postgres';
	readonly pool: pg.Pool;
	readonly faults = new FaultLog();
	private readonly direct: Direct;

	constructor(url: string, options: { max?: number } = {}) {
		this.pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types, connectionTimeoutMillis: 10_000, keepAlive: true });
		// pg-pool listens to a client only while it is idle: one that fails while checked out (in a
		// transaction) would throw an unhandled 'error' event. This listener stays for the client's life;
		// the query in flight fails with the error, and the client is destroyed when released.
		this.pool.on('connect', (client) => client.on('error', () => undefined));
		this.pool.on('error', () => undefined);
		this.direct = new Direct(this.pool);
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
	batch(statements: Statement[]): Promise<Row[][]> {
		return this.outside(() => this.direct.batch(statements));
	}

	async tx<T>(fn: (q: Tx) => Promise<T>, options: TxOptions = {}): Promise<T> {
		this.faults.gate();
		const client = await this.pool.connect().catch((error: unknown) => {
			throw this.faults.wrap(error);
		});
		let broken = false;
		try {
			const tx = new Transaction(client);
			if (options.lockChannel !== undefined) tx.defer({ sql: 'SELECT id FROM channels WHERE id = ? FOR NO KEY UPDATE', params: [options.lockChannel] });
			const result = await fn(tx);
			await tx.commit();
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
