// PostgreSQL (DATABASE_URL): several scheduler processes may share one database. Quota decisions lock
// the channel row (FOR NO KEY UPDATE, which does not block inserts of messages that reference it);
// transactions of this process locking the same channel take turns in memory first. Round trips are
// what a decision costs here: statements sent together go as one simple query, each prepared once per
// connection, and a transaction's BEGIN, lock and deferred writes ride with its next statement.
// A connection may drop at any moment (a failover, a network blip): every client has an error
// listener for its whole life, a client that failed is destroyed instead of going back to the pool,
// and the store waits a little before connecting again (faults.ts).
import pg from 'pg';
import { Groups, ONE_GROUP_AT_A_TIME } from '../groups';
import { FaultLog, faultOf } from './faults';
import { MIGRATIONS_TABLE, readMigrations } from './migrations';
import { channelsToLock, type Param, type Queryable, type Row, type Statement, type Store, type Tx, type TxOptions } from './store';

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
 * A value written into a statement, for the simple query protocol, which takes several statements in
 * one message but no parameters: a quoted literal, so it reaches the server untyped exactly as a
 * parameter does and takes the type of where it goes.
 */
function literal(value: Param): string {
	return value === null ? 'NULL' : quoted(String(finite(value)));
}

/**
 * What pg.escapeLiteral writes (quotes doubled; with a backslash, backslashes doubled in an E''
 * string, safe whatever standard_conforming_strings says), built in one pass: pg's adds one character
 * at a time, a string per character, and the JSON of a group's rows runs to kilobytes: it was a third
 * of what a service allocated. Exported for its test, which compares the two.
 */
export function quoted(text: string): string {
	const body = text.replaceAll("'", "''");
	return text.includes('\\') ? ` E'${body.replaceAll('\\', '\\\\')}'` : `'${body}'`;
}

function finite(value: Param): Param {
	if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`not a number the database can store: ${value}`);
	return value;
}

/** A statement with its values written in. */
function inline(s: Statement): string {
	let n = 0;
	const text = s.sql.replace(/\?/g, () => {
		if (n >= s.params.length) throw new Error(`too few values for the statement: ${s.sql}`);
		return literal(s.params[n++]);
	});
	if (n !== s.params.length) throw new Error(`too many values for the statement: ${s.sql}`);
	return text;
}

/** The results of a simple query, one per statement (pg answers one result alone, not in a list). */
const resultsOf = (answer: pg.QueryResult | pg.QueryResult[]): pg.QueryResult[] => (Array.isArray(answer) ? answer : [answer]);

/** Server-side names of our statements: the same text has the same name on every connection. */
const names = new Map<string, string>();
/**
 * A connection keeps at most this many prepared, and the process names at most NAMES_MAX texts:
 * statements whose text varies (IN lists) go inline past them, so neither grows without end.
 */
const PREPARED_MAX = 200;
const NAMES_MAX = 1000;

/**
 * What each connection has prepared (PREPARE … AS, once per connection and text): a statement sent in
 * a batch runs as EXECUTE with its values written in, so it is planned once per connection instead of
 * at every call. Null: unknown (a batch failed midway, and PREPARE is not undone by a rollback); the
 * next batch starts with DEALLOCATE ALL.
 */
const prepared = new WeakMap<pg.ClientBase, Set<string> | null>();

/** The statement's name, or null when it goes inline. */
function nameOf(sql: string): string | null {
	let name = names.get(sql);
	if (name === undefined && names.size < NAMES_MAX) names.set(sql, (name = `banditore_${names.size + 1}`));
	return name ?? null;
}

/**
 * The channels' rows locked against other decisions (FOR NO KEY UPDATE does not block inserts of
 * messages that reference them); several in the order of their ids, as the rows come out of the sort.
 */
function lockStatement(channels: string[]): Statement {
	if (channels.length === 1) return { sql: 'SELECT id FROM channels WHERE id = ? FOR NO KEY UPDATE', params: channels };
	return { sql: `SELECT id FROM channels WHERE id IN (${channels.map(() => '?').join(', ')}) ORDER BY id FOR NO KEY UPDATE`, params: channels };
}

/**
 * Each row's message looked up by its id, not joined: the planner, which guesses 100 rows for the
 * JSON, kept a plan hashing the whole messages table on every enqueue.
 */
const IF_MESSAGE_EXISTS = ' WHERE (SELECT 1 FROM messages m WHERE m.id = r.message_id) IS NOT NULL';

/**
 * One-row inserts (Statement.row) as one INSERT per table, columns and condition, in their order: one
 * statement per row costs PostgreSQL a statement's whole overhead, and a decision writes several. The
 * rows go as one JSON value, so the statement's text is the same for any number of them (prepared
 * once), and each value takes the type of its column as a parameter does. Exported for its test.
 */
export function together(inserts: Statement[]): Statement[] {
	const byKind = new Map<string, { row: NonNullable<Statement['row']>; values: Array<Record<string, Param>> }>();
	for (const s of inserts) {
		const row = s.row as NonNullable<Statement['row']>;
		const kind = `${row.table}(${row.columns.join(',')})${row.ifMessageExists ? '?' : ''}`;
		let entry = byKind.get(kind);
		if (!entry) byKind.set(kind, (entry = { row, values: [] }));
		entry.values.push(Object.fromEntries(row.columns.map((c, i) => [c, finite(s.params[i])])));
	}
	return [...byKind.values()].map(({ row: { table, columns, ifMessageExists }, values }) => ({
		sql: `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${columns.map((c) => `r.${c}`).join(', ')} FROM jsonb_populate_recordset(NULL::${table}, ?) r${ifMessageExists ? IF_MESSAGE_EXISTS : ''}`,
		params: [JSON.stringify(values)],
	}));
}

/** A text sent as it is (BEGIN, COMMIT), or a statement. */
type Step = string | Statement;

/** What a one-row insert answers: no rows (a list of its own, as each answer has). */
const nothing = (): pg.QueryResult => ({ rows: [], rowCount: 0 }) as unknown as pg.QueryResult;

/**
 * The steps before `statements` (BEGIN, deferred writes), then these, in one round trip on this
 * connection, each statement prepared first where it is not yet; the results of `statements`. Their
 * one-row inserts go together, after the others (Statement.row).
 */
async function sendBatch(client: pg.ClientBase, before: Step[], statements: Statement[]): Promise<pg.QueryResult[]> {
	let known = prepared.get(client);
	const texts = known === null ? ['DEALLOCATE ALL'] : [];
	if (!known) prepared.set(client, (known = new Set()));
	const answering = statements.filter((s) => !s.row);
	const at: number[] = [];
	let preparing = false;
	for (const step of [...before, ...answering, ...together(statements.filter((s) => s.row))]) {
		if (typeof step === 'string') {
			texts.push(step);
			continue;
		}
		const name = nameOf(step.sql);
		if (name !== null && !known.has(name) && known.size < PREPARED_MAX) {
			texts.push(`PREPARE ${name} AS ${toPg(step.sql)}`);
			known.add(name);
			preparing = true;
		}
		at.push(texts.length);
		texts.push(name === null || !known.has(name) ? inline(step) : step.params.length ? `EXECUTE ${name}(${step.params.map(literal).join(', ')})` : `EXECUTE ${name}`);
	}
	try {
		const results = resultsOf(await client.query(texts.join(';\n')));
		const answers = at.slice(before.filter((step) => typeof step !== 'string').length).map((i) => results[i]);
		let next = 0;
		return statements.map((s) => (s.row ? nothing() : answers[next++]));
	} catch (error) {
		// Which of this batch's PREPAREs ran before the failure is unknown; without any, nothing changed,
		// unless a table changed under what was prepared (another process migrated the schema).
		if (preparing || isStalePlan(error)) prepared.set(client, null);
		throw error;
	}
}

/**
 * A statement prepared before its table changed (a column added by another process's migration, in
 * a rolling upgrade) fails at every EXECUTE until it is prepared again.
 */
const isStalePlan = (error: unknown): boolean =>
	(error as { code?: unknown })?.code === '0A000' && /cached plan must not change result type/.test(String((error as Error)?.message));

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
		const client = await this.pool.connect();
		let broken = false;
		try {
			// A batch is its own transaction, so one that failed on a stale plan changed nothing: once more, prepared afresh.
			const results = await sendBatch(client, [], statements).catch((error: unknown) => {
				if (isStalePlan(error)) return sendBatch(client, [], statements);
				throw error;
			});
			return results.map((r) => r.rows as Row[]);
		} catch (error) {
			broken = faultOf(error) === 'connection';
			throw error;
		} finally {
			client.release(broken || undefined);
		}
	}
}

/**
 * A transaction on one connection. BEGIN, the channel lock and deferred writes wait in `pending` and
 * go with the next statement, or with the COMMIT, in one round trip: a decision under the lock costs
 * two (its reads, then its writes with the COMMIT) instead of one per statement. Deferred one-row
 * inserts into one table go together, as one INSERT after the other writes.
 */
class Transaction implements Tx {
	private pending: Step[] = ['BEGIN'];
	/** Deferred one-row inserts (Statement.row), written together after the other deferred writes. */
	private inserts: Statement[] = [];
	constructor(private readonly client: pg.PoolClient) {}

	defer(s: Statement): void {
		if (s.row) this.inserts.push(s);
		else this.pending.push(s);
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
		await sendBatch(this.client, [...this.deferred(), 'COMMIT'], []);
	}

	private async send(statements: Statement[]): Promise<pg.QueryResult[]> {
		return sendBatch(this.client, this.deferred(), statements);
	}

	/** What waits to go with the next round trip, taken out: the steps, then the rows. */
	private deferred(): Step[] {
		const steps = [...this.pending, ...together(this.inserts)];
		this.pending = [];
		this.inserts = [];
		return steps;
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
	/**
	 * Batches that arrive while others are in flight go together, as one transaction: one COMMIT for
	 * the group (groups.ts), each batch still all or nothing, since a group that fails is tried again
	 * one batch at a time.
	 */
	private readonly together = new Groups<Statement[], Row[][]>(
		async (batches) => {
			const rows = await this.outside(() => this.direct.batch(batches.flat()));
			let at = 0;
			return batches.map((b) => rows.slice(at, (at += b.length)));
		},
		{ ...ONE_GROUP_AT_A_TIME, max: 256, weightOf: (b) => b.length },
	);

	batch(statements: Statement[]): Promise<Row[][]> {
		return statements.length === 0 ? Promise.resolve([]) : this.together.add(statements);
	}

	/** The last transaction of this process waiting for each channel's lock, settled or not. */
	private readonly lines = new Map<string, Promise<unknown>>();

	/**
	 * Transactions of this process that lock the same channel wait for each other here, holding no
	 * connection, instead of on the row lock, each holding one: the rest of the pool stays free for
	 * other channels and for enqueues, and they take the lock in arrival order.
	 */
	tx<T>(fn: (q: Tx) => Promise<T>, options: TxOptions = {}): Promise<T> {
		const channels = channelsToLock(options);
		if (channels.length === 0) return this.transaction(fn, channels);
		const before = Promise.all(channels.map((c) => (this.lines.get(c) ?? Promise.resolve()).catch(() => undefined)));
		const mine = before.then(() => this.transaction(fn, channels));
		for (const c of channels) this.lines.set(c, mine);
		void mine.catch(() => undefined).finally(() => {
			for (const c of channels) if (this.lines.get(c) === mine) this.lines.delete(c);
		});
		return mine;
	}

	private async transaction<T>(fn: (q: Tx) => Promise<T>, channels: string[]): Promise<T> {
		this.faults.gate();
		const client = await this.pool.connect().catch((error: unknown) => {
			throw this.faults.wrap(error);
		});
		let broken = false;
		const attempt = async (): Promise<T> => {
			const tx = new Transaction(client);
			if (channels.length > 0) tx.defer(lockStatement(channels));
			const result = await fn(tx);
			await tx.commit();
			return result;
		};
		try {
			// A stale plan rolled everything back, and the connection prepares afresh: once more (Store.tx).
			const result = await attempt().catch(async (error: unknown) => {
				if (!isStalePlan(error)) throw error;
				await client.query('ROLLBACK');
				return attempt();
			});
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
