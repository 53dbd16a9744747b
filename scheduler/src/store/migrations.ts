// Numbered migrations: migrations/<kind>/NNNN_name.sql, applied in order, each once.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Migration {
	version: number;
	name: string;
	sql: string;
}

export const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`;

export function readMigrations(kind: 'sqlite' | 'postgres'): Migration[] {
	const dir = join(__dirname, '..', 'migrations', kind);
	return readdirSync(dir)
		.filter((name) => /^\d{4}_[\w-]+\.sql$/.test(name))
		.sort()
		.map((name) => ({ version: Number(name.slice(0, 4)), name, sql: readFileSync(join(dir, name), 'utf8') }));
}
