// npm run bench:scheduler — the real service (HTTP, fastify, ledger) on SQLite and on PostgreSQL,
// 1/16/64 concurrent clients doing enqueue + reserve (limit 1000: later reservations are refusals, still decisions), next to the raw rate of single-row
// transactions of the same driver in the same run (the ceiling).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { startScheduler } = require('../dist/index.js');
const Database = require('better-sqlite3');
const pg = require('pg');
const YAML = require('yaml');

const PG_URL = process.env.BANDITORE_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CLIENTS = [1, 16, 64];
const TOKEN = 'bench-token';
const dir = mkdtempSync(join(tmpdir(), 'banditore-bench-'));

const rules = YAML.parse(readFileSync(join(root, 'rules', 'meda.yaml'), 'utf8'));
rules.quota = { perWeek: 1000, week: 'iso', emergenciesExempt: true, minSpacingMinutes: 0, pacing: false };
const rulesPath = join(dir, 'bench.yaml');
writeFileSync(rulesPath, YAML.stringify(rules));

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function runClients(n, op) {
	const latencies = [];
	const end = performance.now() + SECONDS * 1000;
	let i = 0;
	await Promise.all(
		Array.from({ length: n }, async () => {
			while (performance.now() < end) {
				const t = performance.now();
				await op(i++);
				latencies.push(performance.now() - t);
			}
		}),
	);
	latencies.sort((a, b) => a - b);
	return { rate: latencies.length / SECONDS, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

async function rawSqlite(n) {
	const db = new Database(join(dir, `raw-${n}.sqlite`));
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = NORMAL');
	db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
	const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
	// Same shape as the service: a promise per transaction, BEGIN IMMEDIATE … COMMIT.
	return runClients(n, async (i) => {
		db.exec('BEGIN IMMEDIATE');
		insert.run(`row ${i}`);
		db.exec('COMMIT');
	});
}

async function pgSchema() {
	const schema = `banditore_bench_${Date.now()}`;
	const c = new pg.Client({ connectionString: PG_URL });
	await c.connect();
	await c.query(`CREATE SCHEMA ${schema}`);
	await c.end();
	return { schema, url: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}` };
}

async function dropSchema(schema) {
	const c = new pg.Client({ connectionString: PG_URL });
	await c.connect();
	await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
	await c.end();
}

async function rawPostgres(n) {
	const { schema, url } = await pgSchema();
	const pool = new pg.Pool({ connectionString: url, max: 10 });
	await pool.query('CREATE TABLE t (id BIGSERIAL PRIMARY KEY, v TEXT)');
	const result = await runClients(n, async (i) => {
		const c = await pool.connect();
		try {
			await c.query('BEGIN');
			await c.query('INSERT INTO t (v) VALUES ($1)', [`row ${i}`]);
			await c.query('COMMIT');
		} finally {
			c.release();
		}
	});
	await pool.end();
	await dropSchema(schema);
	return result;
}

async function service(database, n) {
	const config = {
		apiToken: TOKEN,
		host: '127.0.0.1',
		port: 0,
		publicUrl: null,
		database,
		logLevel: 'silent',
		channels: [{ id: 'bench', name: 'Bench', rules: rulesPath, delivery: { kind: 'outbox', file: join(dir, 'outbox.jsonl') } }],
		dispatch: { intervalMs: 1000, leaseSeconds: 300, slotMinutes: 10, maxAttempts: 3, backoffSeconds: 30 },
	};
	const s = await startScheduler(config, { dispatch: false });
	const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
	const post = async (path, body) => {
		const r = await fetch(`${s.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
		await r.arrayBuffer();
		if (r.status >= 400 && r.status !== 409) throw new Error(`${path}: HTTP ${r.status}`);
	};
	const tag = `${n}-${Date.now()}`;
	const result = await runClients(n, async (i) => {
		const dedupeKey = `b-${tag}-${i}`;
		await post('/v1/channels/bench/messages', { dedupeKey, text: `Messaggio ${i}` });
		await post('/v1/channels/bench/slots', { dedupeKey });
	});
	await s.close();
	return result;
}

const f = (x) => x.toFixed(1).padStart(9);
console.log(`banditore scheduler bench: ${SECONDS} s per run; a decision = enqueue + reserve over HTTP\n`);
console.log('database   clients  decisions/s  p50 ms   p99 ms   raw tx/s   ratio');
for (const kind of ['sqlite', 'postgres']) {
	for (const n of CLIENTS) {
		let database;
		let schema = null;
		if (kind === 'sqlite') database = { kind: 'sqlite', file: join(dir, `service-${n}.sqlite`) };
		else {
			try {
				const s = await pgSchema();
				schema = s.schema;
				database = { kind: 'postgres', url: s.url };
			} catch (error) {
				console.log(`postgres   skipped: ${error.message}`);
				break;
			}
		}
		const raw = kind === 'sqlite' ? await rawSqlite(n) : await rawPostgres(n);
		const svc = await service(database, n);
		if (schema) await dropSchema(schema);
		console.log(`${kind.padEnd(10)} ${String(n).padStart(7)} ${f(svc.rate)}   ${svc.p50.toFixed(2).padStart(6)}  ${svc.p99.toFixed(2).padStart(7)} ${f(raw.rate)}   ${(svc.rate / raw.rate * 100).toFixed(1)}%`);
	}
}
process.exit(0);
