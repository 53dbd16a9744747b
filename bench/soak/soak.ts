// npm run soak — a year of simulated weeks through two real scheduler processes sharing PostgreSQL
// (SOAK_DATABASE=sqlite: a shared SQLite file, no database cuts), on a fast clock, with random faults
// from a printed seed: processes killed with SIGKILL and started again, the database cut through a
// TCP proxy, deliveries failing. Then the invariants (check.ts): none lost, none twice, the weekly
// limit never exceeded. SOAK_SEED, SOAK_WEEKS (52), SOAK_WEEK_MS (real ms per week, 2500),
// SOAK_TRANSPORT_FAULTS (0.1), BANDITORE_SOAK_PG. Bounded at 10 minutes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { tcpProxy, type TcpProxy } from '../../test/scheduler/tcp-proxy';
import { checkSoak, type SoakRow } from './check';
import { random } from './random';
import { workerPool } from './workers';

const ROOT = join(__dirname, '..', '..');
const SEED = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 1e9));
const WEEKS = Number(process.env.SOAK_WEEKS ?? 52);
const WEEK_MS = Number(process.env.SOAK_WEEK_MS ?? 2500);
const KIND = process.env.SOAK_DATABASE === 'sqlite' ? 'sqlite' : 'postgres';
const PG_URL = process.env.BANDITORE_SOAK_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const LIMIT = 10;
const PER_WEEK = 13;
const TOKEN = 'soak-token';
const SIM0 = Date.parse('2026-01-05T07:00:00Z'); // a Monday, 08:00 in Rome
const RATE = (7 * 24 * 3600 * 1000) / WEEK_MS;

const rnd = random(SEED);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const weekOf = (ms: number) => DateTime.fromMillis(ms, { zone: 'Europe/Rome' }).toFormat("kkkk-'W'WW");

async function database(dir: string): Promise<{ config: unknown; direct: string; proxy: TcpProxy | null; drop(): Promise<void> }> {
	if (KIND === 'sqlite') {
		const file = join(dir, 'soak.sqlite');
		return { config: { kind: 'sqlite', file }, direct: file, proxy: null, drop: async () => undefined };
	}
	const schema = `banditore_soak_${SEED}`;
	const admin = new pg.Client({ connectionString: PG_URL });
	await admin.connect();
	await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
	await admin.query(`CREATE SCHEMA ${schema}`);
	await admin.end();
	const target = new URL(PG_URL);
	const proxy = await tcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
	const direct = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
	const url = new URL(direct);
	url.port = String(proxy.port);
	const drop = async () => {
		const c = new pg.Client({ connectionString: PG_URL });
		await c.connect();
		await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
		await c.end();
	};
	return { config: { kind: 'postgres', url: url.toString() }, direct, proxy, drop };
}

async function rowsOf(kind: string, direct: string): Promise<SoakRow[]> {
	const sql = 'SELECT id, dedupe_key, state, emergency, counted, claimed_at FROM messages';
	if (kind === 'sqlite') {
		const db = new Database(direct, { readonly: true });
		const rows = db.prepare(sql).all() as SoakRow[];
		db.close();
		return rows;
	}
	const c = new pg.Client({ connectionString: direct });
	await c.connect();
	const rows = (await c.query(sql)).rows.map((r) => ({ ...r, emergency: Number(r.emergency), counted: Number(r.counted), claimed_at: r.claimed_at === null ? null : Number(r.claimed_at) }));
	await c.end();
	return rows;
}

function outboxIds(file: string): string[] {
	let text = '';
	try {
		text = readFileSync(file, 'utf8');
	} catch {
		return [];
	}
	const ids: string[] = [];
	for (const line of text.split('\n')) {
		try {
			if (line.trim()) ids.push((JSON.parse(line) as { message: { id: string } }).message.id);
		} catch {
			// A line torn by a kill mid-write: not a delivery.
		}
	}
	return ids;
}

async function main(): Promise<number> {
	if (WEEKS * WEEK_MS > 9 * 60_000) throw new Error(`SOAK_WEEKS × SOAK_WEEK_MS is over 9 minutes: the soak is bounded at 10`);
	const started = Date.now();
	console.log(`soak: seed ${SEED} (SOAK_SEED=${SEED} repeats it), ${WEEKS} weeks of ${WEEK_MS} ms on ${KIND}, 2 processes, limit ${LIMIT} a week, ${PER_WEEK} items a week`);
	const dir = mkdtempSync(join(tmpdir(), 'banditore-soak-'));
	const rules = parse(readFileSync(join(ROOT, 'rules', 'meda.yaml'), 'utf8'));
	rules.quota = { perWeek: LIMIT, week: 'iso', emergenciesExempt: true, minSpacingMinutes: 0, pacing: false };
	writeFileSync(join(dir, 'rules.yaml'), stringify(rules));
	const db = await database(dir);
	const outbox = join(dir, 'outbox.jsonl');
	const config = {
		apiToken: TOKEN, host: '127.0.0.1', port: 0, publicUrl: null, database: db.config, logLevel: 'silent',
		channels: [{ id: 'meda', name: 'Comune di Meda', rules: join(dir, 'rules.yaml'), delivery: { kind: 'outbox', file: outbox } }],
		// A lease of a simulated day is WEEK_MS / 7 real ms; retries come a simulated 10 minutes later.
		dispatch: { intervalMs: 20, leaseSeconds: 86_400, slotMinutes: 10, maxAttempts: 3, backoffSeconds: 600 },
	};
	const t0 = Date.now();
	const sim = () => SIM0 + (Date.now() - t0) * RATE;
	const env = { SOAK_T0: String(t0), SOAK_SIM0: String(SIM0), SOAK_RATE: String(RATE), SOAK_TRANSPORT_FAULTS: process.env.SOAK_TRANSPORT_FAULTS ?? '0.1' };
	const pool = workerPool(2, config, env, SEED);
	await Promise.all([pool.start(0), pool.start(1)]);

	const acknowledged = new Set<string>();
	const answers: Record<string, number> = {};
	const badAnswers: string[] = [];
	const enqueue = async (body: Record<string, unknown>) => {
		for (;;) {
			const url = pool.url(rnd());
			const r = url
				? await fetch(`${url}/v1/channels/meda/messages`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch(() => null)
				: null;
			const status = r ? String(r.status) : 'no answer';
			answers[status] = (answers[status] ?? 0) + 1;
			if (r && r.status < 300) return void acknowledged.add(body.dedupeKey as string);
			if (r && r.status !== 503) return void badAnswers.push(`${r.status} ${await r.text()}`);
			await sleep(20);
		}
	};

	let running = true;
	let cuts = 0;
	const faults = (async () => {
		while (running) {
			await sleep(1000 + rnd() * 3000);
			if (!running) break;
			if (db.proxy && rnd() < 0.5) {
				cuts++;
				await db.proxy.cut(rnd() < 0.5 ? 'reset' : 'refuse');
				await sleep(100 + rnd() * 700);
				await db.proxy.restore();
			} else {
				const index = Math.floor(rnd() * 2);
				pool.kill(index);
				await sleep(100 + rnd() * 400);
				await pool.start(index).catch((error: Error) => badAnswers.push(error.message));
			}
		}
	})();

	const load: Array<Promise<void>> = [];
	for (let week = 0; week < WEEKS; week++) {
		while (sim() < SIM0 + week * 7 * 24 * 3600 * 1000) await sleep(5);
		for (let i = 0; i < PER_WEEK; i++) {
			const emergency = i === 0 && week % 4 === 3;
			load.push(enqueue({
				dedupeKey: `w${week}-${i}`, text: `Avviso ${week}.${i}`, category: 'avviso', priority: Math.floor(10 + rnd() * 80),
				expiresAt: new Date(sim() + 14 * 24 * 3600 * 1000).toISOString(),
				...(emergency ? { emergency: true, justification: 'soak' } : {}),
			}));
		}
	}
	while (sim() < SIM0 + WEEKS * 7 * 24 * 3600 * 1000) await sleep(5);
	await Promise.all(load);
	running = false;
	await faults;
	await db.proxy?.restore();
	for (const i of [0, 1]) if (!pool.url(i / 2)) await pool.start(i).catch(() => undefined);
	// Settling: leases left by kills run out within a simulated day; wait for nothing in flight.
	const settleBy = Date.now() + 20_000;
	while (Date.now() < settleBy && (await rowsOf(KIND, db.direct)).some((r) => r.state === 'sending')) await sleep(WEEK_MS / 7);
	await pool.stopAll();

	const rows = await rowsOf(KIND, db.direct);
	const verdict = checkSoak(rows, outboxIds(outbox), acknowledged, LIMIT, weekOf);
	const failures = [...verdict.failures, ...pool.crashes.map((c) => `crash: ${c}`), ...badAnswers.map((a) => `unexpected answer: ${a}`)];
	console.log(JSON.stringify({
		seed: SEED, database: KIND, weeks: WEEKS, seconds: Math.round((Date.now() - started) / 1000),
		kills: pool.kills, databaseCuts: cuts, transportFaults: pool.faults, enqueueAnswers: answers, ...verdict.figures,
	}, null, 2));
	await db.proxy?.close();
	await db.drop();
	if (failures.length) {
		console.log(`soak: FAILED (seed ${SEED})\n- ${failures.join('\n- ')}`);
		return 1;
	}
	console.log(`soak: every invariant held (seed ${SEED}): none lost, none twice, at most ${LIMIT} a week`);
	return 0;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(`soak: ${(error as Error)?.stack ?? error}`);
		process.exit(1);
	},
);
