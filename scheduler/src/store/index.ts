import { PostgresStore } from './postgres';
import { SqliteStore } from './sqlite';
import type { Store } from './store';

export type { Store, Queryable, Tx, Statement, Param, Row, TxOptions } from './store';
export { channelsToLock } from './store';
export { SqliteStore, SQLITE_DURABLE_PRAGMAS, SQLITE_WRITER_PRAGMAS } from './sqlite';
export { PostgresStore } from './postgres';
export { FAULT_KINDS, FaultLog, StoreFault, faultOf, type FaultKind } from './faults';

export type Database = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export function openStore(database: Database): Store {
	return database.kind === 'postgres' ? new PostgresStore(database.url) : new SqliteStore(database.file);
}
