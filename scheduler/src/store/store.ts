// Storage behind one interface. SQL is written once with `?` placeholders, epoch-millisecond times,
// 0/1 booleans and JSON as text, so the ledger runs unchanged on SQLite and PostgreSQL.
import type { FaultLog } from './faults';

export type Param = string | number | null;
export type Row = Record<string, unknown>;

export interface Statement {
	sql: string;
	params: Param[];
	/**
	 * Set on a one-row insert (`insertRow` in repo.ts): its table and columns, whose values are the
	 * first `params`; with `ifMessageExists`, the row is written only if the message its `message_id`
	 * names exists (the SQL's condition then takes that id as its last param). A store may write the rows
	 * of the same table, columns and condition together, after the other statements of their batch or
	 * the other deferred writes of their transaction: only for tables no other statement of the batch
	 * or transaction reads or refers to, and no later write of it changes (history, audit, slots).
	 */
	row?: { table: string; columns: readonly string[]; ifMessageExists: boolean };
}

export interface Queryable {
	all<T = Row>(sql: string, params?: Param[]): Promise<T[]>;
	get<T = Row>(sql: string, params?: Param[]): Promise<T | undefined>;
	/** Returns the number of rows changed. */
	run(sql: string, params?: Param[]): Promise<number>;
	/**
	 * Several statements, in order, and the rows of each: on PostgreSQL sent together, one round trip.
	 * Outside a transaction they are one transaction of their own.
	 */
	batch(statements: Statement[]): Promise<Row[][]>;
}

/** Inside a transaction. */
export interface Tx extends Queryable {
	/**
	 * A write whose result nobody reads: PostgreSQL sends it with the transaction's next statement or
	 * its COMMIT (a round trip saved under the channel lock); SQLite runs it at once. Its error fails the
	 * transaction all the same.
	 */
	defer(statement: Statement): void;
}

export interface TxOptions {
	/**
	 * Serialise with every other transaction that locks the same channel, in this process and in
	 * any other sharing the database: quota decisions are made under this lock.
	 */
	lockChannel?: string;
	/** Several channels at once, locked in the order of their ids, so no two transactions wait for each other in a circle. */
	lockChannels?: readonly string[];
}

/** The channels a transaction locks, in the one order every transaction takes them. */
export const channelsToLock = (options: TxOptions): string[] =>
	[...new Set([...(options.lockChannels ?? []), ...(options.lockChannel === undefined ? [] : [options.lockChannel])])].sort();

export interface Store extends Queryable {
	readonly kind: 'sqlite' | 'postgres';
	/** Faults of the database (connection, disk) counted by kind; they are thrown as StoreFault. */
	readonly faults: FaultLog;
	/** Applies the numbered migrations not applied yet; safe when several processes start at once. */
	migrate(): Promise<number>;
	/**
	 * One write transaction: committed when `fn` resolves, rolled back when it throws. `fn` may run
	 * again after a failure that changed nothing (a stale prepared statement, a group tried again one
	 * at a time), so it touches only `q` and memory: no message is sent from inside a transaction.
	 */
	tx<T>(fn: (q: Tx) => Promise<T>, options?: TxOptions): Promise<T>;
	close(): Promise<void>;
}
