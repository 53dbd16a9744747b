// Migration 0014 (issue #17) on SQLite and PostgreSQL: a database at the previous schema (0013) with
// messages, rules versions, audit rows, users and a session becomes the one comune "default" with every
// row kept; existing users keep their role there, the bootstrap administrator is an installation administrator.
import Database from 'better-sqlite3';
import pg from 'pg';
import { hashPassword } from '../../scheduler/src/admin/users';
import { startScheduler } from '../../scheduler/src/index';
import { openStore } from '../../scheduler/src/store';
import { readMigrations } from '../../scheduler/src/store/migrations';
import { ADMIN, Client, medaRules } from '../admin/helpers';
import { call, freshDatabase, skipPostgres, tempDir, testClock, testConfig, type Kind, type TestDatabase } from './helpers';
import { join } from 'node:path';

const PREVIOUS = 13;
const T = Date.parse('2026-06-01T08:00:00Z');
type Exec = (sql: string, params?: Array<string | number | null>) => Promise<void>;

/** The schema as it was before comuni: migrations up to 0013, applied as the stores apply them. */
async function previousSchema(db: TestDatabase, kind: Kind, fill: (exec: Exec) => Promise<void>): Promise<void> {
	const migrations = readMigrations(kind).filter((m) => m.version <= PREVIOUS);
	expect(migrations.map((m) => m.version).at(-1)).toBe(PREVIOUS);
	const record = 'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)';
	if (db.database.kind === 'sqlite') {
		const sqlite = new Database(db.database.file);
		sqlite.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
		for (const m of migrations) {
			sqlite.exec(m.sql);
			sqlite.prepare(record).run(m.version, m.name, new Date(T).toISOString());
		}
		await fill(async (sql, params = []) => void sqlite.prepare(sql).run(...params));
		sqlite.close();
		return;
	}
	const client = new pg.Client({ connectionString: db.database.url });
	await client.connect();
	const exec: Exec = async (sql, params = []) => {
		let i = 0;
		await client.query(sql.replace(/\?/g, () => `$${++i}`), params);
	};
	await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
	for (const m of migrations) {
		await client.query(m.sql);
		await exec(record, [m.version, m.name, new Date(T).toISOString()]);
	}
	await fill(exec);
	await client.end();
}

describe.each<Kind>(['sqlite', 'postgres'])('migration 0014 on %s', (kind) => {
	test("today's installation becomes the comune \"default\": every channel, message, rules version, audit row and user kept", async () => {
		if (await skipPostgres(kind)) return;
		const dir = tempDir();
		const db = await freshDatabase(kind, dir);
		const giulia = await hashPassword('password-di-giulia');
		await previousSchema(db, kind, async (exec) => {
			await exec('INSERT INTO channels (id, name, delivery, paused, rules_version, created_at, updated_at) VALUES (?, ?, ?, 0, 2, ?, ?)', ['meda', 'Comune di Meda', 'outbox', T, T]);
			await exec("INSERT INTO rules_versions (channel, version, digest, source, data, created_at, origin, author) VALUES ('meda', 1, 'd1', 'quota: {}', '{}', ?, 'file', 'config')", [T]);
			await exec("INSERT INTO rules_versions (channel, version, digest, source, data, created_at, origin, author) VALUES ('meda', 2, 'd2', 'quota: {}', '{}', ?, 'admin', 'admin:ufficio')", [T + 1]);
			for (const [i, state] of ['sent', 'queued', 'held'].entries()) {
				await exec("INSERT INTO messages (id, channel, dedupe_key, state, text, priority, emergency, earliest_at, created_at, updated_at, reasons) VALUES (?, 'meda', ?, ?, ?, 60, 0, ?, ?, ?, '[]')", [
					`0190a000-0000-7000-8000-00000000000${i}`,
					`avviso-${i}`,
					state,
					`Avviso numero ${i}`,
					T,
					T + i,
					T + i,
				]);
			}
			await exec("INSERT INTO audit (at, channel, type, message_id, actor, details) VALUES (?, 'meda', 'message.enqueued', '0190a000-0000-7000-8000-000000000000', 'api', '{}')", [T]);
			await exec("INSERT INTO audit (at, channel, type, message_id, actor, details) VALUES (?, 'meda', 'rules.changed', NULL, 'admin:ufficio', '{}')", [T + 1]);
			await exec("INSERT INTO audit (at, channel, type, message_id, actor, details) VALUES (?, NULL, 'admin.user.created', NULL, 'config', '{\"username\":\"giulia\"}')", [T + 2]);
			await exec("INSERT INTO audit (at, channel, type, message_id, actor, details) VALUES (?, NULL, 'admin.login', NULL, 'admin:giulia', '{}')", [T + 3]);
			await exec("INSERT INTO admin_users (username, password_hash, role, created_at, updated_at) VALUES ('ufficio', 'scrypt$x', 'administrator', ?, ?)", [T, T]);
			await exec("INSERT INTO admin_users (username, password_hash, role, created_at, updated_at) VALUES ('giulia', ?, 'editor', ?, ?)", [giulia, T, T]);
			await exec("INSERT INTO admin_sessions (id, username, csrf, created_at, expires_at) VALUES ('s1', 'giulia', 'c', ?, ?)", [T, T + 3600_000]);
		});

		const store = openStore(db.database);
		try {
			expect(await store.migrate()).toBe(readMigrations(kind).filter((m) => m.version > PREVIOUS).length);
			const count = async (table: string) => Number((await store.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))?.n);
			expect({ messages: await count('messages'), rules: await count('rules_versions'), audit: await count('audit'), users: await count('admin_users'), sessions: await count('admin_sessions') }).toEqual({
				messages: 3,
				rules: 2,
				audit: 4,
				users: 2,
				sessions: 1,
			});
			expect(await store.all('SELECT id FROM comuni')).toEqual([{ id: 'default' }]);
			expect(await store.all('SELECT id, comune, rules_version FROM channels')).toEqual([{ id: 'meda', comune: 'default', rules_version: 2 }]);
			expect((await store.all<{ comune: string }>('SELECT comune FROM audit ORDER BY id')).map((r) => r.comune)).toEqual(['default', 'default', 'default', 'default']);
			expect(await store.all('SELECT username, comune, role FROM admin_memberships ORDER BY username')).toEqual([
				{ username: 'giulia', comune: 'default', role: 'editor' },
				{ username: 'ufficio', comune: 'default', role: 'administrator' },
			]);
			expect(await store.all('SELECT username, installation_admin FROM admin_users ORDER BY username')).toEqual([
				{ username: 'giulia', installation_admin: 0 },
				{ username: 'ufficio', installation_admin: 0 },
			]);
			expect((await store.all<{ state: string }>("SELECT state FROM messages WHERE channel = 'meda' ORDER BY id")).map((r) => r.state)).toEqual(['sent', 'queued', 'held']);
		} finally {
			await store.close();
		}

		// The scheduler starts on it unchanged: the bootstrap administrator becomes the installation's, Giulia reads her queue.
		const clock = testClock('2026-06-10T08:00:00Z');
		const config = testConfig(db.database, { id: 'meda', name: 'Comune di Meda', rules: medaRules(dir), delivery: { kind: 'outbox', file: join(dir, 'outbox.jsonl') } }, {
			admin: { user: 'ufficio', password: ADMIN.password, sessionHours: 8 },
		});
		const scheduler = await startScheduler(config, { clock: clock.now, dispatch: false });
		try {
			expect(await scheduler.ctx.store.get("SELECT installation_admin FROM admin_users WHERE username = 'ufficio'")).toEqual({ installation_admin: 1 });
			const listed = await call<{ messages: Array<{ id: string }> }>(scheduler.url, 'GET', '/v1/channels/meda/messages');
			expect(listed.body.messages).toHaveLength(3);
			const client = new Client(() => scheduler.url);
			expect((await client.login('giulia', 'password-di-giulia')).status).toBe(303);
			const queue = await client.get('/admin/queue');
			expect(queue.status).toBe(200);
			expect(queue.text).toContain('Avviso numero 2');
			expect((await client.get('/admin/users')).status).toBe(403);
			const versions = await scheduler.ctx.store.all<{ version: number }>("SELECT version FROM rules_versions WHERE channel = 'meda' ORDER BY version");
			expect(versions.slice(0, 2).map((v) => Number(v.version))).toEqual([1, 2]);
		} finally {
			await scheduler.close();
			await db.drop();
		}
	}, 60_000);
});
