// Shared harness of the scheduler tests: a fresh database per test (a temp SQLite file or a fresh
// PostgreSQL schema), a rules file with the quota under test, a fixed clock, HTTP helpers.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac, randomBytes } from 'node:crypto';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import type { Config } from '../../scheduler/src/config';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';

export const PG_URL = process.env.BANDITORE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TOKEN = ['test', 'bearer', 'value'].join('-');
export type Kind = 'sqlite' | 'postgres';

let pgState: Promise<string | null> | null = null;
/** null when PostgreSQL answers; otherwise why not. With CI set, unreachable is a failure. */
export function postgresProblem(): Promise<string | null> {
	pgState ??= (async () => {
		const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
		try {
			await client.connect();
			await client.query('SELECT 1');
			return null;
		} catch (error) {
			return `PostgreSQL is unreachable at ${PG_URL}: ${(error as Error).message}`;
		} finally {
			await client.end().catch(() => undefined);
		}
	})();
	return pgState;
}

/** Call in beforeAll of a PostgreSQL suite: true means skip (and says why); CI turns it into a failure. */
export async function skipPostgres(kind: Kind): Promise<boolean> {
	if (kind !== 'postgres') return false;
	const problem = await postgresProblem();
	if (!problem) return false;
	if (process.env.CI) throw new Error(`${problem}. CI is set, so the PostgreSQL suite fails instead of skipping.`);
	console.warn(`skipping the PostgreSQL suite: ${problem} (set CI=1 to make this a failure)`);
	return true;
}

export interface TestDatabase {
	database: Config['database'];
	/** For child processes. */
	env: Record<string, string>;
	drop(): Promise<void>;
}

export async function freshDatabase(kind: Kind, dir: string): Promise<TestDatabase> {
	if (kind === 'sqlite') {
		const file = join(dir, 'banditore.sqlite');
		return { database: { kind: 'sqlite', file }, env: { BANDITORE_DB: file }, drop: async () => undefined };
	}
	const schema = `banditore_test_${randomBytes(6).toString('hex')}`;
	const admin = new pg.Client({ connectionString: PG_URL });
	await admin.connect();
	await admin.query(`CREATE SCHEMA ${schema}`);
	await admin.end();
	const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
	return {
		database: { kind: 'postgres', url },
		env: { DATABASE_URL: url },
		drop: async () => {
			const c = new pg.Client({ connectionString: PG_URL });
			await c.connect();
			await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
			await c.end();
		},
	};
}

export interface QuotaPatch {
	perWeek?: number;
	week?: 'iso' | 'rolling';
	emergenciesExempt?: boolean;
	minSpacingMinutes?: number;
	quietHours?: { from: string; to: string } | null;
	pacing?: boolean;
}

/** Meda's rules with the quota under test (by default: 10 a week, no spacing, quiet hours or pacing). */
export function rulesFile(dir: string, patch: QuotaPatch = {}): string {
	const data = parse(readFileSync(join(__dirname, '..', '..', 'rules', 'meda.yaml'), 'utf8'));
	const quota = { perWeek: 10, week: 'iso', emergenciesExempt: true, minSpacingMinutes: 0, pacing: false, ...patch } as Record<string, unknown>;
	if (quota.quietHours === null || quota.quietHours === undefined) delete quota.quietHours;
	data.quota = quota;
	const file = join(dir, `rules-${randomBytes(3).toString('hex')}.yaml`);
	writeFileSync(file, stringify(data));
	return file;
}

export function tempDir(): string {
	return mkdtempSync(join(tmpdir(), 'banditore-scheduler-'));
}

/** A scheduler configuration for tests: one channel `meda`, quiet logs, our token, port 0. */
export function testConfig(database: Config['database'], channel: Config['channels'][number], extra: Partial<Config> = {}): Config {
	return {
		apiToken: TOKEN,
		host: '127.0.0.1',
		port: 0,
		publicUrl: null,
		database,
		logLevel: 'silent',
		channels: [channel],
		dispatch: { intervalMs: 1000, leaseSeconds: 300, slotMinutes: 10, maxAttempts: 3, backoffSeconds: 30 },
		...extra,
	};
}

/**
 * Schedulers sharing one fresh database, as processes sharing it would (each its own store and
 * caches), with channel `meda`; `closeAll` (in afterEach) closes them and drops the database.
 */
export function sharedDatabase(kind: Kind) {
	let db: TestDatabase | null = null;
	const running: Scheduler[] = [];
	return {
		/** A fresh database and a configuration for it; `rules` is the channel's rules file. */
		async open(quota: QuotaPatch = {}): Promise<{ config: Config; rules: string }> {
			const dir = tempDir();
			db = await freshDatabase(kind, dir);
			const rules = rulesFile(dir, quota);
			return { config: testConfig(db.database, { id: 'meda', name: 'Meda', rules, delivery: { kind: 'outbox', file: join(dir, 'outbox.jsonl') } }), rules };
		},
		async start(config: Config, clock: () => Date): Promise<Scheduler> {
			const s = await startScheduler(config, { clock, dispatch: false });
			running.push(s);
			return s;
		},
		async closeAll(): Promise<void> {
			for (const s of running.splice(0)) await s.close();
			await db?.drop();
			db = null;
		},
	};
}

/** A reservation's outcome in one word: 'granted', or the code it was refused with. */
export const decisionOf = (reservation: Promise<unknown>): Promise<string | undefined> => reservation.then(() => 'granted', (error: { code?: string }) => error.code);

/**
 * For a describe block over both stores: a fresh database for each test, shared by the scheduler
 * processes it starts and dropped after it; `skipped()` where PostgreSQL is not there (skipPostgres
 * says why).
 */
export function databasePerTest(kind: Kind) {
	const shared = sharedDatabase(kind);
	let skip = false;
	beforeAll(async () => {
		skip = await skipPostgres(kind);
	});
	afterEach(() => shared.closeAll());
	return {
		...shared,
		skipped: () => skip,
		/** Two processes' worth of state (store, caches) on the test's database. */
		async two(quota: QuotaPatch, clock: () => Date): Promise<[Scheduler, Scheduler]> {
			const { config } = await shared.open(quota);
			return [await shared.start(config, clock), await shared.start(config, clock)];
		},
	};
}

export interface Harness {
	scheduler: Scheduler;
	dir: string;
	outbox: string;
	set(iso: string): void;
	now(): Date;
	api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
	tick(): Promise<void>;
	close(): Promise<void>;
}

export interface HarnessOptions {
	quota?: QuotaPatch;
	at: string;
	delivery?: { kind: 'webhook'; url: string };
	leaseSeconds?: number;
	/** The channel's language model (config `secondOpinion`, with the key already read). */
	secondOpinion?: Config['channels'][number]['secondOpinion'];
	/** The channel's cross-post window (config `crosspost`). */
	crosspost?: Config['channels'][number]['crosspost'];
}

/** The fixed clock a scheduler under test reads; tests move it. */
export interface TestClock {
	now(): Date;
	set(iso: string): void;
}

export function testClock(at: string): TestClock {
	let now = Date.parse(at);
	return {
		now: () => new Date(now),
		set: (iso) => {
			now = Date.parse(iso);
		},
	};
}

export async function startHarness(kind: Kind, options: HarnessOptions): Promise<Harness> {
	const dir = tempDir();
	const db = await freshDatabase(kind, dir);
	const outbox = join(dir, 'outbox.jsonl');
	const clock = testClock(options.at);
	const config = testConfig(
		db.database,
		{
			id: 'meda', name: 'Comune di Meda', rules: rulesFile(dir, options.quota), delivery: options.delivery ?? { kind: 'outbox', file: outbox },
			...(options.secondOpinion ? { secondOpinion: options.secondOpinion } : {}),
			...(options.crosspost ? { crosspost: options.crosspost } : {}),
		},
		{ dispatch: { intervalMs: 1000, leaseSeconds: options.leaseSeconds ?? 300, slotMinutes: 10, maxAttempts: 3, backoffSeconds: 30 } },
	);
	const scheduler = await startScheduler(config, { clock: clock.now, dispatch: false });
	return {
		scheduler,
		dir,
		outbox,
		set: clock.set,
		now: clock.now,
		api: (method, path, body) => call(scheduler.url, method, path, body),
		tick: () => scheduler.dispatcher.tick(),
		close: async () => {
			await scheduler.close();
			await db.drop();
		},
	};
}

export async function call<T>(base: string, method: string, path: string, body?: unknown, token = TOKEN): Promise<{ status: number; body: T }> {
	const response = await fetch(`${base}${path}`, {
		method,
		headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

export const APP_SECRET = ['meta', 'app', 'secret'].join('-');
export const VERIFY = 'banditore-verifica';

/** Meta's X-Hub-Signature-256 of a webhook body. */
export const sign = (body: string, secret = APP_SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** A Cloud API webhook delivery with one `messages` change carrying this value. */
export function webhookBody(value: Record<string, unknown>): string {
	return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', ...value } }] }] });
}

/** POSTs a webhook body to the scheduler, with the signature header when one is given. */
export function postWebhook(base: string, body: string, signature?: string): Promise<Response> {
	return fetch(`${base}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) }, body });
}

export function outboxIds(file: string): string[] {
	let text = '';
	try {
		text = readFileSync(file, 'utf8');
	} catch {
		return [];
	}
	return text
		.split('\n')
		.filter(Boolean)
		.map((line) => (JSON.parse(line) as { message: { id: string } }).message.id);
}

export interface Msg {
	id: string;
	state: string;
	dedupeKey: string;
	earliestAt: string;
	reasons: string[];
	emergency: boolean;
	justification: string | null;
	history: Array<{ state: string; note: string | null }>;
}

export async function messages(h: Harness): Promise<Msg[]> {
	const r = await h.api<{ messages: Msg[] }>('GET', '/v1/channels/meda/messages?limit=1000');
	return r.body.messages;
}

export function countBy(list: Msg[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const m of list) out[m.state] = (out[m.state] ?? 0) + 1;
	return out;
}

export function manual(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
	return { dedupeKey: `avviso-${i}`, text: `Avviso numero ${i}`, category: 'avviso', priority: 60, ...extra };
}

/** The built scheduler, `node scheduler/dist/main.js`: for tests that start and kill real processes. */
const ROOT = join(__dirname, '..', '..');
export const SCHEDULER_MAIN = join(ROOT, 'scheduler', 'dist', 'main.js');

/** Builds the scheduler if it is not built yet (call in a beforeAll with a long timeout). */
export function buildScheduler(): void {
	if (!existsSync(SCHEDULER_MAIN)) execFileSync('npm', ['run', 'build', '-w', 'scheduler'], { cwd: ROOT, stdio: 'inherit' });
}

export interface SchedulerProcess {
	child: ChildProcess;
	url: string;
}

/** Every process spawnScheduler started, until killSchedulers. */
const spawned = new Set<ChildProcess>();

/** A real scheduler process on a free port, silent, dispatching every 50 ms; resolves once it listens. */
export function spawnScheduler(env: Record<string, string>): Promise<SchedulerProcess> {
	const child = spawn(process.execPath, [SCHEDULER_MAIN], {
		cwd: ROOT,
		env: { PATH: process.env.PATH ?? '', BANDITORE_API_TOKEN: TOKEN, PORT: '0', LOG_LEVEL: 'silent', BANDITORE_DISPATCH_MS: '50', ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	spawned.add(child);
	return new Promise((resolve, reject) => {
		let out = '';
		let err = '';
		child.stderr?.on('data', (d) => (err += d));
		child.stdout?.on('data', (d) => {
			out += d;
			const m = /"msg":"listening","url":"([^"]+)"/.exec(out);
			if (m) resolve({ child, url: m[1] });
		});
		child.on('exit', (code) => reject(new Error(`scheduler exited with ${code}: ${err}`)));
	});
}

/** Kills (SIGKILL) every scheduler process still running, including those a failed test never got to see. */
export function killSchedulers(): void {
	for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
	spawned.clear();
}

/** Polls `probe` until it gives something other than null. */
export async function until<T>(what: string, probe: () => Promise<T | null> | T | null, timeoutMs = 30_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== null) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 25));
	}
}
