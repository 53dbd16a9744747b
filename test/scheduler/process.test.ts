// Real processes (node scheduler/dist/main.js): two schedulers sharing one database, and one killed
// with SIGKILL mid-dispatch then restarted. A fake n8n records every message it receives.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { buildScheduler, call, killSchedulers, freshDatabase, rulesFile, SCHEDULER_MAIN, skipPostgres, spawnScheduler, tempDir, TOKEN, until, type Kind, type SchedulerProcess, type TestDatabase } from './helpers';

const BASE = Date.parse('2026-06-10T08:00:00Z');

beforeAll(buildScheduler, 120_000);

interface FakeN8n {
	url: string;
	received: string[];
	close(): void;
}

/** Answers after `delayMs`, then acknowledges like the Scheduler Trigger flow would. */
async function fakeN8n(delayMs: number): Promise<FakeN8n> {
	const received: string[] = [];
	const server: Server = createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			const { message, ackUrl } = JSON.parse(body) as { message: { id: string }; ackUrl: string };
			received.push(message.id);
			setTimeout(() => {
				res.writeHead(200).end('{}');
				fetch(ackUrl, {
					method: 'POST',
					headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
					body: JSON.stringify({ status: 'sent', providerMessageId: `wamid.${message.id}` }),
				}).catch(() => undefined);
			}, delayMs);
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, received, close: () => server.close() };
}


/** A real process whose clock starts at BASE plus the time since t0. */
const startProcess = (env: Record<string, string>, t0: number): Promise<SchedulerProcess> => spawnScheduler({ BANDITORE_CLOCK: new Date(BASE + Date.now() - t0).toISOString(), ...env });

type M = { id: string; state: string; reasons: string[] };
async function states(url: string): Promise<M[]> {
	return (await call<{ messages: M[] }>(url, 'GET', '/v1/channels/meda/messages?limit=1000')).body.messages;
}
const count = (list: M[], state: string): number => list.filter((m) => m.state === state).length;

describe.each<Kind>(['sqlite', 'postgres'])('scheduler processes on %s', (kind) => {
	let skip = false;
	let db: TestDatabase | null = null;
	let fake: FakeN8n | null = null;
	beforeAll(async () => {
		skip = await skipPostgres(kind);
	});
	afterEach(async () => {
		killSchedulers();
		fake?.close();
		await db?.drop();
		db = null;
	});

	function configFile(dir: string, hookUrl: string, leaseSeconds = 300): Record<string, string> {
		const file = join(dir, 'banditore.config.yaml');
		writeFileSync(file, `channels:\n  - id: meda\n    name: Comune di Meda\n    rules: ${rulesFile(dir)}\n    delivery:\n      kind: webhook\n      url: ${hookUrl}\n`);
		return { BANDITORE_CONFIG: file, BANDITORE_LEASE_SECONDS: String(leaseSeconds), ...db?.env };
	}

	test('two processes sharing the database: 50 concurrent items, limit 10 → 10 sent once each, 40 deferred', async () => {
		if (skip) return;
		const t0 = Date.now();
		const dir = tempDir();
		db = await freshDatabase(kind, dir);
		fake = await fakeN8n(20);
		const env = configFile(dir, fake.url);
		const [a, b] = await Promise.all([startProcess(env, t0), startProcess(env, t0)]);
		const results = await Promise.all(
			Array.from({ length: 50 }, (_, i) => call((i % 2 ? a : b).url, 'POST', '/v1/channels/meda/messages', { dedupeKey: `m-${i}`, text: `Avviso ${i}` })),
		);
		expect(results.every((r) => r.status === 201)).toBe(true);
		const final = await until('10 sent and 40 deferred', async () => {
			const list = await states(a.url);
			return count(list, 'sent') === 10 && count(list, 'deferred') === 40 ? list : null;
		});
		expect(final).toHaveLength(50);
		expect(fake.received).toHaveLength(10);
		expect(new Set(fake.received).size).toBe(10);
		const quota = await call<Record<string, number>>(b.url, 'GET', '/v1/channels/meda/quota');
		expect(quota.body).toMatchObject({ used: 10, remaining: 0 });
	}, 60_000);

	test('SIGKILL mid-dispatch then restart: no duplicate, no loss; the interrupted one is "esito sconosciuto"', async () => {
		if (skip) return;
		const t0 = Date.now();
		const dir = tempDir();
		db = await freshDatabase(kind, dir);
		fake = await fakeN8n(1500);
		const env = configFile(dir, fake.url, 2);
		const first = await startProcess(env, t0);
		for (let i = 0; i < 5; i++) await call(first.url, 'POST', '/v1/channels/meda/messages', { dedupeKey: `k-${i}`, text: `Avviso ${i}` });
		const f = fake;
		await until('the first delivery to reach n8n', async () => (f.received.length > 0 ? true : null));
		first.child.kill('SIGKILL');
		await new Promise((r) => first.child.once('exit', r));
		const second = await startProcess(env, t0);
		const final = await until('every message settled', async () => {
			const list = await states(second.url);
			return count(list, 'sent') + count(list, 'failed') === 5 ? list : null;
		});
		expect(new Set(fake.received).size).toBe(fake.received.length);
		expect(fake.received).toHaveLength(5);
		const failed = final.filter((m) => m.state === 'failed');
		expect(failed).toHaveLength(1);
		expect(failed[0].id).toBe(fake.received[0]);
		expect(failed[0].reasons.at(-1)).toBe('esito sconosciuto');
		expect(count(final, 'sent')).toBe(4);
		// The unknown outcome counts against the week (fail closed).
		expect((await call<Record<string, number>>(second.url, 'GET', '/v1/channels/meda/quota')).body).toMatchObject({ used: 5 });
	}, 60_000);
});

test('a port already in use: exit 2 and one sentence that says what to do, not a stack trace', async () => {
	const taken = createServer();
	await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
	const port = (taken.address() as { port: number }).port;
	const dir = tempDir();
	try {
		const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
			const child = spawn(process.execPath, [SCHEDULER_MAIN], { cwd: dir, env: { PATH: process.env.PATH ?? '', BANDITORE_API_TOKEN: TOKEN, PORT: String(port), LOG_LEVEL: 'silent', BANDITORE_DB: join(dir, 'b.sqlite') } });
			let stderr = '';
			child.stderr?.on('data', (chunk) => (stderr += chunk));
			child.on('exit', (code) => resolve({ code, stderr }));
		});
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(`banditore scheduler: 127.0.0.1:${port} is already in use by another program: stop it, or start the scheduler on another port (PORT=8788).\n`);
	} finally {
		taken.close();
	}
});
