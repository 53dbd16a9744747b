// Statements sent together (issue #17): `batch` and `defer` on a real SQLite file and a real
// PostgreSQL, where a batch is one round trip of the simple query protocol with its values written in
// and its statements prepared once per connection. Values come back exactly as written, whatever they
// hold; a failure keeps nothing and leaves the connection usable; transactions locking one channel
// take turns in the process without holding a connection each.
import pg from 'pg';
import { PostgresStore, quoted, together } from '../../scheduler/src/store/postgres';
import { openStore, type Param, type Store } from '../../scheduler/src/store';
import { auditRow, historyRow } from '../../scheduler/src/repo';
import { freshDatabase, skipPostgres, tempDir, type Kind, type TestDatabase } from './helpers';

const HOSTILE: string[] = [
	"l'Ordinanza n. 12 dell'8 marzo",
	'C:\\Comune\\Avvisi\\',
	"\\'; DROP TABLE messages; --",
	'what? and ?? and $1 and $2',
	'E\'\\x41\' $$dollar$$ $tag$ quoted $tag$',
	'riga uno\nriga due\r\n\ttab',
	'Allerta 🌧️ meteo — città',
	'',
	'   ',
	'"{\\"json\\": [1, 2]}"',
];
/** The duplicate key's error, as each database words it (matched on the message: better-sqlite3's errors may come from another realm than jest's Error). */
const DUPLICATE = /UNIQUE constraint failed|duplicate key value/;
const NUMBERS: number[] = [0, -1, 1796580625718, 2 ** 53 - 1];

test('a value is quoted exactly as pg.escapeLiteral quotes it, whatever it holds', () => {
	// Random texts over the characters that matter to a literal, and a long JSON like a group's rows.
	const alphabet = ["'", '\\', '"', '$', '?', ';', '\n', '\r', '\t', ' ', 'a', 'Z', '0', 'è', 'à', '🌧️', '—', '{', '}', 'E'];
	// A 31-bit linear congruential generator in exact 32-bit arithmetic (Math.imul: no rounding past 2^53).
	let seed = 17;
	const next = () => Math.floor((seed = ((Math.imul(seed, 1103515245) + 12345) >>> 0) % 2 ** 31) / 65536) % alphabet.length;
	const texts = [...HOSTILE, ...Array.from({ length: 2000 }, (_, n) => Array.from({ length: n % 40 }, () => alphabet[next()]).join(''))];
	texts.push(JSON.stringify(texts.slice(0, 300).map((s, i) => ({ id: i, s }))));
	const client = new pg.Client(); // never connected: its escapeLiteral is pg's
	for (const text of texts) expect(quoted(text)).toBe(client.escapeLiteral(text));
	expect(texts.filter((t) => t.includes('\\')).length).toBeGreaterThan(100);
	expect(texts.filter((t) => t.includes("'") && !t.includes('\\')).length).toBeGreaterThan(100);
});

describe.each<Kind>(['sqlite', 'postgres'])('statements sent together on %s', (kind) => {
	let db: TestDatabase;
	let store: Store;
	let skip = false;

	beforeAll(async () => {
		skip = await skipPostgres(kind);
		if (skip) return;
		db = await freshDatabase(kind, tempDir());
		store = openStore(db.database);
		await store.migrate();
		await store.run('CREATE TABLE probe (id INTEGER PRIMARY KEY, s TEXT, n BIGINT, r REAL)');
		const now = Date.now();
		await store.run('INSERT INTO channels (id, name, delivery, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', ['c', 'C', 'outbox', now, now]);
	});
	afterAll(async () => {
		if (skip) return;
		await store.close();
		await db.drop();
	});

	test('a batch answers each statement with its rows, in order', async () => {
		if (skip) return;
		const [first, inserted, read] = await store.batch([
			{ sql: 'SELECT ? AS a, ? AS b', params: ['x', 'y'] },
			{ sql: 'INSERT INTO probe (id, s) VALUES (?, ?)', params: [1, 'uno'] },
			{ sql: 'SELECT s FROM probe WHERE id = ?', params: [1] },
		]);
		expect(first).toEqual([{ a: 'x', b: 'y' }]);
		expect(inserted).toEqual([]);
		expect(read).toEqual([{ s: 'uno' }]);
	});

	test('every value comes back exactly as written, through a batch, a deferred write and a plain statement alike', async () => {
		if (skip) return;
		let id = 100;
		const rows: Array<{ id: number; s: string; n: number }> = [];
		for (const s of HOSTILE) rows.push({ id: id++, s, n: NUMBERS[id % NUMBERS.length] });
		await store.batch(rows.slice(0, 4).map((r) => ({ sql: 'INSERT INTO probe (id, s, n) VALUES (?, ?, ?)', params: [r.id, r.s, r.n] })));
		await store.tx(async (q) => {
			for (const r of rows.slice(4, 8)) q.defer({ sql: 'INSERT INTO probe (id, s, n) VALUES (?, ?, ?)', params: [r.id, r.s, r.n] });
		});
		for (const r of rows.slice(8)) await store.run('INSERT INTO probe (id, s, n) VALUES (?, ?, ?)', [r.id, r.s, r.n]);
		const back = await store.all<{ id: number; s: string; n: number }>('SELECT id, s, n FROM probe WHERE id >= 100 ORDER BY id');
		expect(back.map((r) => ({ ...r, n: Number(r.n) }))).toEqual(rows);
		// A value is compared as a value, never read as SQL: the hostile one finds only itself.
		const [found] = await store.batch([{ sql: 'SELECT id FROM probe WHERE s = ?', params: [HOSTILE[2]] }]);
		expect(found).toEqual([{ id: 102 }]);
		const [, real] = await store.batch([{ sql: 'INSERT INTO probe (id, r) VALUES (?, ?)', params: [99, 0.5] }, { sql: 'SELECT r FROM probe WHERE id = ?', params: [99] }]);
		expect(real).toEqual([{ r: 0.5 }]);
	});

	test('a deferred write is seen by the next statement of its transaction', async () => {
		if (skip) return;
		const seen = await store.tx(async (q) => {
			q.defer({ sql: 'INSERT INTO probe (id, s) VALUES (?, ?)', params: [200, 'rinviato'] });
			return q.get<{ s: string }>('SELECT s FROM probe WHERE id = ?', [200]);
		});
		expect(seen).toEqual({ s: 'rinviato' });
	});

	test('deferred one-row inserts of a table go together, each row exactly as written, among other deferred writes', async () => {
		if (skip) return;
		await store.run('CREATE TABLE rows_a (seq INTEGER PRIMARY KEY, s TEXT, n BIGINT)');
		await store.run('CREATE TABLE rows_b (seq INTEGER PRIMARY KEY, s TEXT)');
		const row = (table: string, values: Record<string, Param>) => ({ sql: `INSERT INTO ${table} (${Object.keys(values).join(', ')}) VALUES (${Object.keys(values).map(() => '?').join(', ')})`, params: Object.values(values), row: { table, columns: Object.keys(values), ifMessageExists: false } });
		if (kind === 'postgres') {
			// A statement-level trigger counts the INSERT statements that reach the table.
			await store.run('CREATE TABLE rows_a_statements (n INTEGER NOT NULL)');
			await store.run("CREATE FUNCTION count_rows_a() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO rows_a_statements VALUES (1); RETURN NULL; END $$");
			await store.run('CREATE TRIGGER rows_a_statement AFTER INSERT ON rows_a FOR EACH STATEMENT EXECUTE FUNCTION count_rows_a()');
		}
		// 77 rows, hostile values among them, interleaved with other writes.
		const values = Array.from({ length: 77 }, (_, i) => HOSTILE[i % HOSTILE.length] + i);
		const seen = await store.tx(async (q) => {
			values.forEach((v, i) => {
				q.defer(row('rows_a', { seq: i, s: v, n: NUMBERS[i % NUMBERS.length] }));
				if (i % 10 === 0) q.defer(row('rows_b', { seq: i, s: v }));
				q.defer({ sql: 'UPDATE probe SET s = ? WHERE id = ?', params: [v, 1] });
			});
			return q.all<{ n: number }>('SELECT count(*) AS n FROM rows_a');
		});
		expect(seen).toEqual([{ n: 77 }]);
		expect(await store.all('SELECT seq, s, n FROM rows_a ORDER BY seq')).toEqual(values.map((s, seq) => ({ seq, s, n: NUMBERS[seq % NUMBERS.length] })));
		expect(await store.all('SELECT seq, s FROM rows_b ORDER BY seq')).toEqual(values.map((s, seq) => ({ seq, s })).filter((r) => r.seq % 10 === 0));
		expect(await store.get('SELECT s FROM probe WHERE id = 1')).toEqual({ s: values[76] });
		if (kind === 'postgres') expect(await store.get('SELECT count(*) AS n FROM rows_a_statements')).toEqual({ n: 1 });
		// One row that cannot be written fails the whole transaction, its other rows included.
		await expect(
			store.tx(async (q) => {
				for (const seq of [100, 101, 5, 102]) q.defer(row('rows_a', { seq, s: 'nuova', n: 0 }));
			}),
		).rejects.toMatchObject({ message: /UNIQUE constraint failed|duplicate key value/ });
		expect(await store.all('SELECT seq FROM rows_a WHERE seq >= 100')).toEqual([]);
	});

	test('a message\'s history and audit rows sent with it are written only where the message was, in batches arriving together', async () => {
		if (skip) return;
		const at = Date.now();
		const message = (id: string, key: string) => ({
			sql: `INSERT INTO messages (id, channel, dedupe_key, state, text, priority, emergency, earliest_at, created_at, updated_at, reasons)
			VALUES (?, 'c', ?, 'queued', 'testo', 50, 0, ?, ?, ?, '[]') ON CONFLICT (channel, dedupe_key) DO NOTHING RETURNING id`,
			params: [id, key, at, at, at],
		});
		// Ten messages and ten more with the same keys and other ids (the key is taken: nothing of theirs is written).
		const batches = Array.from({ length: 20 }, (_, i) => {
			const id = `m-${i}`;
			const note = HOSTILE[i % HOSTILE.length];
			return [
				message(id, `k-${i % 10}`),
				historyRow(id, at, 'queued', note, true),
				auditRow(at, { channel: 'c', type: 'message.enqueued', messageId: id, actor: 'test', details: { note } }, true),
				{ sql: 'SELECT count(*) AS n FROM messages WHERE id = ?', params: [id] },
			];
		});
		const first = await store.batch(batches[0]);
		const answers = [first, ...(await Promise.all(batches.slice(1).map((b) => store.batch(b))))];
		answers.forEach(([inserted, history, auditRows, count], i) => {
			expect(inserted).toEqual(i < 10 ? [{ id: `m-${i}` }] : []);
			expect(history).toEqual([]);
			expect(auditRows).toEqual([]);
			expect(count).toEqual([{ n: i < 10 ? 1 : 0 }]);
		});
		const expected = Array.from({ length: 10 }, (_, i) => ({ message_id: `m-${i}`, note: HOSTILE[i % HOSTILE.length] }));
		expect(await store.all("SELECT message_id, note FROM history WHERE message_id LIKE 'm-%' ORDER BY id")).toEqual(expected);
		const audits = await store.all<{ message_id: string; details: string }>("SELECT message_id, details FROM audit WHERE message_id LIKE 'm-%' ORDER BY id");
		expect(audits.map((a) => ({ message_id: a.message_id, note: JSON.parse(a.details).note }))).toEqual(expected);
	});

	test('the rows written only where their message is look each message up by its key, whatever the size of the table', async () => {
		if (skip || kind !== 'postgres') return;
		// A join would do as well on an empty table; the plan kept for the connection must still seek at 20,000 messages.
		const at = Date.now();
		await store.run(`INSERT INTO messages (id, channel, dedupe_key, state, text, priority, emergency, earliest_at, created_at, updated_at, reasons)
			SELECT 'big-' || g, 'c', 'big-' || g, 'sent', 't', 50, 0, ?, ?, ?, '[]' FROM generate_series(1, 20000) g`, [at, at, at]);
		await store.run('ANALYZE messages');
		const [insert] = together([historyRow('big-1', at, 'sent', 'nota', true)]);
		const client = await (store as PostgresStore).pool.connect();
		const plan = await (async () => {
			await client.query('SET plan_cache_mode = force_generic_plan');
			await client.query(`PREPARE probe_insert AS ${insert.sql.replace('?', '$1')}`);
			const { rows } = await client.query(`EXPLAIN EXECUTE probe_insert(${client.escapeLiteral(String(insert.params[0]))})`);
			await client.query('DEALLOCATE probe_insert; RESET plan_cache_mode');
			return rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
		})().finally(() => client.release());
		expect(plan).toMatch(/Index Only Scan using messages_pkey/);
		expect(plan).not.toMatch(/Seq Scan on messages|Hash Join/);
	});

	test('a failing statement keeps nothing of its batch or its transaction, and the store goes on', async () => {
		if (skip) return;
		await expect(
			store.batch([
				{ sql: 'INSERT INTO probe (id, s) VALUES (?, ?)', params: [300, 'prima'] },
				{ sql: 'INSERT INTO probe (id, s) VALUES (?, ?)', params: [1, 'doppione'] },
			]),
		).rejects.toMatchObject({ message: DUPLICATE });
		await expect(
			store.tx(async (q) => {
				q.defer({ sql: 'INSERT INTO probe (id, s) VALUES (?, ?)', params: [301, 'prima'] });
				q.defer({ sql: 'INSERT INTO probe (id, s) VALUES (?, ?)', params: [1, 'doppione'] });
			}),
		).rejects.toMatchObject({ message: DUPLICATE });
		expect(await store.all('SELECT id FROM probe WHERE id IN (300, 301)')).toEqual([]);
		// Statements first prepared in the failed batches work on the same connections afterwards.
		for (let i = 0; i < 12; i++) expect(await store.batch([{ sql: 'SELECT count(*) AS n FROM probe WHERE id = ?', params: [1] }])).toEqual([[{ n: 1 }]]);
	});

	test('statements whose text varies (IN lists) beyond what a connection keeps prepared still run', async () => {
		if (skip) return;
		for (let n = 1; n <= 260; n++) {
			const ids: Param[] = Array.from({ length: n }, (_, i) => (i === 0 ? 1 : -i));
			const [rows] = await store.batch([{ sql: `SELECT count(*) AS n FROM probe WHERE id IN (${ids.map(() => '?').join(', ')})`, params: ids }]);
			expect(Number((rows[0] as { n: number }).n)).toBe(1);
		}
	});

	test('transactions locking one channel take turns: none loses another one\'s write', async () => {
		if (skip) return;
		await store.run('INSERT INTO probe (id, n) VALUES (?, ?)', [400, 0]);
		await Promise.all(
			Array.from({ length: 30 }, () =>
				store.tx(async (q) => {
					const row = await q.get<{ n: number }>('SELECT n FROM probe WHERE id = ?', [400]);
					await new Promise((next) => setTimeout(next, 1));
					q.defer({ sql: 'UPDATE probe SET n = ? WHERE id = ?', params: [Number(row?.n) + 1, 400] });
				}, { lockChannel: 'c' }),
			),
		);
		expect(Number((await store.get<{ n: number }>('SELECT n FROM probe WHERE id = ?', [400]))?.n)).toBe(30);
	});

	test('batches arriving together: a failing one fails alone, the others keep their writes', async () => {
		if (skip) return;
		const insert = (id: number) => ({ sql: 'INSERT INTO probe (id, s) VALUES (?, ?)', params: [id, `insieme ${id}`] });
		const outcomes = await Promise.allSettled(
			Array.from({ length: 20 }, (_, i) => store.batch(i === 7 ? [insert(600 + i), insert(1)] : [insert(600 + i), { sql: 'SELECT s FROM probe WHERE id = ?', params: [600 + i] }])),
		);
		outcomes.forEach((o, i) => {
			if (i === 7) expect(o).toMatchObject({ status: 'rejected', reason: { message: DUPLICATE } });
			else expect(o).toEqual({ status: 'fulfilled', value: [[], [{ s: `insieme ${600 + i}` }]] });
		});
		const kept = await store.all<{ id: number }>('SELECT id FROM probe WHERE id BETWEEN 600 AND 619 ORDER BY id');
		expect(kept.map((r) => Number(r.id))).toEqual(Array.from({ length: 20 }, (_, i) => 600 + i).filter((id) => id !== 607));
	});

	test('transactions locking several channels, from two processes in opposite orders, never wait for each other in a circle', async () => {
		if (skip) return;
		const now = Date.now();
		await store.run('INSERT INTO channels (id, name, delivery, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', ['d', 'D', 'outbox', now, now]);
		await store.batch([{ sql: 'INSERT INTO probe (id, n) VALUES (?, ?)', params: [401, 0] }, { sql: 'INSERT INTO probe (id, n) VALUES (?, ?)', params: [402, 0] }]);
		// Two stores are two processes on PostgreSQL; SQLite has one writer process, whose transactions take turns.
		const other = kind === 'postgres' ? openStore(db.database) : store;
		const bump = (s: Store, channels: string[], single?: string) =>
			s.tx(async (q) => {
				const rows = await q.all<{ id: number; n: number }>('SELECT id, n FROM probe WHERE id IN (401, 402)');
				await new Promise((next) => setTimeout(next, 1));
				for (const r of rows) if (!single || (single === 'c') === (Number(r.id) === 401)) q.defer({ sql: 'UPDATE probe SET n = ? WHERE id = ?', params: [Number(r.n) + 1, r.id] });
			}, single ? { lockChannel: single } : { lockChannels: channels });
		try {
			await Promise.all(
				Array.from({ length: 15 }, (_, i) => [bump(store, ['c', 'd']), bump(other, ['d', 'c']), bump(i % 2 ? store : other, [], i % 2 ? 'c' : 'd')]).flat(),
			);
		} finally {
			if (other !== store) await other.close();
		}
		const counts = await store.all<{ id: number; n: number }>('SELECT id, n FROM probe WHERE id IN (401, 402) ORDER BY id');
		expect(counts.map((r) => Number(r.n))).toEqual([30 + 7, 30 + 8]);
	});

	if (kind === 'postgres') test('batches arriving together share transactions, each still its own answer', async () => {
		if (skip) return;
		const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => store.batch([{ sql: 'SELECT txid_current() AS x, ? AS i', params: [i] }])));
		answers.forEach(([rows], i) => expect(rows).toEqual([{ x: expect.anything(), i: String(i) }]));
		const transactions = new Set(answers.map(([rows]) => String(rows[0].x)));
		expect(transactions.size).toBeLessThanOrEqual(10);
	});

	// PREPARE outlives a rollback: on one connection, a statement first prepared in a failed batch runs afterwards.
	if (kind === 'postgres') test('a statement first prepared in a failed batch runs on the same connection afterwards', async () => {
		if (skip) return;
		const one = new PostgresStore((db.database as { url: string }).url, { max: 1 });
		const insert = (id: number) => ({ sql: 'INSERT INTO probe (id, s) VALUES (?, ?) /* one connection */', params: [id, 'solo'] });
		const after = { sql: 'SELECT count(*) AS n FROM probe WHERE s = ? /* after a failure */', params: ['solo'] };
		// The duplicate fails before `after` was prepared: its PREPARE never ran.
		await expect(one.batch([insert(1), after])).rejects.toMatchObject({ message: DUPLICATE });
		expect(await one.batch([after])).toEqual([[{ n: 0 }]]);
		await expect(one.tx(async (q) => q.defer(insert(1)))).rejects.toMatchObject({ message: DUPLICATE });
		expect(await one.batch([insert(501), { sql: 'SELECT s FROM probe WHERE id = ?', params: [501] }])).toEqual([[], [{ s: 'solo' }]]);
		expect(await one.all('SELECT id FROM probe WHERE id IN (500, 501)')).toEqual([{ id: 501 }]);
		await one.close();
	});

	// A rolling upgrade: the new version's migration adds a column while the old version still serves.
	if (kind === 'postgres') test('statements prepared before another process changed their table run after it, batches and transactions tried again at once', async () => {
		if (skip) return;
		const one = new PostgresStore((db.database as { url: string }).url, { max: 1 });
		const read = { sql: 'SELECT * FROM probe WHERE id = ? /* before a migration */', params: [1] };
		try {
			expect(await one.batch([read])).toEqual([[expect.objectContaining({ id: 1 })]]);
			expect(await one.tx((q) => q.batch([read]))).toEqual([[expect.objectContaining({ id: 1 })]]);
			await store.run('ALTER TABLE probe ADD COLUMN added_later TEXT');
			// Each is tried again at once, prepared afresh: a batch of its own, and a whole transaction with its writes.
			expect(await one.batch([read])).toEqual([[expect.objectContaining({ id: 1, added_later: null })]]);
			await store.run('ALTER TABLE probe ADD COLUMN added_again TEXT');
			let runs = 0;
			const seen = await one.tx(async (q) => {
				runs++;
				q.defer({ sql: 'INSERT INTO probe (id, s) VALUES (?, ?)', params: [700, 'dopo la migrazione'] });
				return q.batch([read]);
			});
			expect(seen).toEqual([[expect.objectContaining({ id: 1, added_again: null })]]);
			expect(runs).toBe(2);
			// The first run's write was rolled back with it: the row is there once.
			expect(await store.all('SELECT s FROM probe WHERE id = 700')).toEqual([{ s: 'dopo la migrazione' }]);
			expect(await one.batch([read])).toEqual([[expect.objectContaining({ added_again: null })]]);
		} finally {
			await one.close();
		}
	});

	// A pool only PostgreSQL has: SQLite writes on one connection in turn by design.
	if (kind === 'postgres') test('while many transactions wait for one channel, a pool of two still serves everything else', async () => {
		if (skip) return;
		const store = new PostgresStore((db.database as { url: string }).url, { max: 2 });
		let release!: () => void;
		const held = new Promise<void>((done) => (release = done));
		const first = store.tx(async (q) => {
			await q.get('SELECT 1');
			await held;
		}, { lockChannel: 'c' });
		const waiting = Array.from({ length: 10 }, () => store.tx((q) => q.get('SELECT 1'), { lockChannel: 'c' }));
		// One connection holds the channel; the other nine wait in the process, so the second connection is free.
		const other = await Promise.race([store.tx((q) => q.get<{ v: number }>('SELECT 7 AS v')), new Promise((_, fail) => setTimeout(() => fail(new Error('starved')), 5000))]);
		expect(other).toEqual({ v: 7 });
		release();
		await first;
		await Promise.all(waiting);
		await store.close();
	});
});
