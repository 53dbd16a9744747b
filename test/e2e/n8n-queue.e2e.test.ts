// One set of workflows for many comuni, in a real n8n in queue mode (README, "Many comuni"): the
// shared workflow workflows/sito-coda-comuni.json active in one main (`n8n start`), executed by one
// worker (`n8n worker`), with Redis on 127.0.0.1:6379 (a Bull key prefix of this run's own) and a
// fresh PostgreSQL database for n8n, dropped afterwards. The scheduler has two comuni, each channel
// with its own site: each comune's news must reach its own channel only. test/e2e/queue-stack.mjs
// starts it all (n8n from the cache the e2e test fills; the same packed tarball).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ALL_TITLES } from './demo-news';

const ROOT = join(__dirname, '..', '..');
const PG_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS = { host: '127.0.0.1', port: 6379 };
const TOKEN = randomBytes(16).toString('hex');
// The second comune's site: its notices feed, dated today.
const BORGO = [
	'Borgo: chiuso il ponte sul torrente Lura per lavori fino a venerdì',
	'Borgo: nuovo orario della biblioteca comunale',
	'Borgo: aperte le iscrizioni al centro estivo',
];

// The releases the e2e test runs (scripts/n8n/versions.json), or BANDITORE_N8N_VERSION alone.
const VERSIONS: string[] = process.env.BANDITORE_N8N_VERSION
	? [process.env.BANDITORE_N8N_VERSION]
	: (JSON.parse(readFileSync(join(ROOT, 'scripts', 'n8n', 'versions.json'), 'utf8')) as { tested: string[] }).tested;

interface Ready {
	n8nUrl: string;
	schedulerUrl: string;
	sites: { valmorena: string; borgo: string };
	logs: { main: string; worker: string };
	workflowId: string;
	version: string;
}
interface Message {
	state: string;
	item: { title: string; channel?: string; source?: { url?: string } } | null;
}

const progress = (line: string) => process.stderr.write(`[e2e n8n queue] ${line}\n`);

/** One Redis command over RESP, as redis-cli sends it; resolves with the first reply line. */
function redis(...args: string[]): Promise<string> {
	return new Promise((resolve, reject) => {
		const socket = connect(REDIS.port, REDIS.host);
		let reply = '';
		socket.setTimeout(3000, () => socket.destroy(new Error('Redis did not answer within 3 s')));
		socket.once('error', reject);
		socket.on('data', (chunk) => {
			reply += chunk.toString();
			if (reply.includes('\r\n')) {
				socket.end();
				if (reply.startsWith('-')) reject(new Error(reply.trim().slice(1)));
				else resolve(reply.split('\r\n')[0]);
			}
		});
		socket.write(`*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`);
	});
}

/** null when Redis and PostgreSQL answer; otherwise what is missing (CI makes it a failure). */
async function servicesProblem(): Promise<string | null> {
	try {
		if ((await redis('PING')) !== '+PONG') return `Redis at ${REDIS.host}:${REDIS.port} does not answer PING`;
	} catch (error) {
		return `Redis is unreachable at ${REDIS.host}:${REDIS.port} (${(error as Error).message}): n8n's queue mode needs it`;
	}
	const client = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
	try {
		await client.connect();
		return null;
	} catch (error) {
		return `PostgreSQL is unreachable at ${PG_ADMIN} (${(error as Error).message}): n8n's queue mode needs a database it can share`;
	} finally {
		await client.end().catch(() => undefined);
	}
}

async function admin<T>(sql: string, database = 'postgres', params: unknown[] = []): Promise<T[]> {
	const client = new pg.Client({ connectionString: PG_ADMIN.replace(/\/postgres$/, `/${database}`) });
	await client.connect();
	try {
		return (await client.query(sql, params)).rows as T[];
	} finally {
		await client.end();
	}
}

function borgoFeed(): string {
	const now = Date.now();
	const items = BORGO.map(
		(title, i) =>
			`<item><title>${title}</title><link>https://www.comune.borgo.example.it/avvisi/${i + 1}</link><guid>borgo-${i + 1}</guid><pubDate>${new Date(now - (i + 1) * 3_600_000).toUTCString()}</pubDate></item>`,
	);
	return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Comune di Borgo - Avvisi</title><link>https://www.comune.borgo.example.it/</link>\n${items.join('\n')}\n</channel></rss>`;
}

describe.each(VERSIONS)('one workflow for many comuni in a real n8n %s in queue mode (main + worker)', (version) => {
	let skipped: string | null = null;
	let dir: string;
	let stack: ChildProcess | undefined;
	let ready: Ready;
	const database = `banditore_n8n_${randomBytes(5).toString('hex')}`;
	const prefix = `banditore-e2e-${randomBytes(5).toString('hex')}`;

	beforeAll(async () => {
		skipped = await servicesProblem();
		if (skipped) {
			if (process.env.CI) throw new Error(`${skipped}. CI is set, so the queue-mode test fails instead of skipping.`);
			console.warn(`skipping the queue-mode test: ${skipped} (set CI=1 to make this a failure)`);
			return;
		}
		dir = mkdtempSync(join(tmpdir(), 'banditore-e2e-queue-'));
		mkdirSync(join(dir, 'borgo'));
		writeFileSync(join(dir, 'borgo', 'avvisi.xml'), borgoFeed());
		await admin(`CREATE DATABASE ${database}`);
		progress(`n8n ${version}: database ${database}, Bull prefix ${prefix}; starting main and worker`);
		stack = spawn(process.execPath, [join(__dirname, 'queue-stack.mjs')], {
			env: { ...process.env, NODE_ENV: 'production', BANDITORE_N8N_VERSION: version, QUEUE_DIR: dir, QUEUE_DB: database, QUEUE_PREFIX: prefix, QUEUE_TOKEN: TOKEN },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		ready = await new Promise<Ready>((resolve, reject) => {
			stack!.stdout!.on('data', (chunk: Buffer) => {
				output += chunk.toString();
				const match = /^QUEUE_READY (.*)\n/m.exec(output);
				if (match) resolve(JSON.parse(match[1]) as Ready);
			});
			stack!.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
			stack!.once('exit', (code) => reject(new Error(`queue-stack.mjs exited (code ${code}) before it was ready:\n${output.slice(-6000)}`)));
		});
		progress(`main on ${ready.n8nUrl}, scheduler on ${ready.schedulerUrl}`);
	}, 30 * 60_000);

	afterAll(async () => {
		if (stack && stack.exitCode === null) {
			const exited = new Promise((resolve) => stack!.once('exit', resolve));
			stack.kill('SIGTERM');
			await exited;
		}
		if (skipped) return;
		await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
		// Bull's keys of this run only: `<prefix>:jobs:*`.
		await redis('EVAL', "for _, key in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', key) end return 0", '0', `${prefix}:*`);
		if (dir) rmSync(dir, { recursive: true, force: true });
	}, 120_000);

	async function messages(channel: string): Promise<Message[]> {
		const response = await fetch(`${ready.schedulerUrl}/v1/channels/${channel}/messages?limit=100`, { headers: { authorization: `Bearer ${TOKEN}` } });
		if (!response.ok) throw new Error(`messages of ${channel}: HTTP ${response.status} ${await response.text()}`);
		return ((await response.json()) as { messages: Message[] }).messages;
	}

	test("the schedule's executions run on the worker and each comune's news reach its own channel only", async () => {
		if (skipped) return;
		const expected = { valmorena: [...ALL_TITLES].sort(), borgo: [...BORGO].sort() };
		// A wait (not a timing check): the main enqueues a run every 5 s, the worker executes it.
		const deadline = Date.now() + 150_000;
		let got: Record<string, Message[]> = {};
		for (;;) {
			got = { valmorena: await messages('valmorena'), borgo: await messages('borgo') };
			if (got.valmorena.length >= expected.valmorena.length && got.borgo.length >= expected.borgo.length) break;
			if (Date.now() > deadline) throw new Error(`the channels did not fill: ${JSON.stringify(got)}\nworker log:\n${readFileSync(ready.logs.worker, 'utf8').slice(-4000)}`);
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		for (const channel of ['valmorena', 'borgo'] as const) {
			expect(got[channel].map((m) => m.item?.title).sort()).toEqual(expected[channel]);
			// The Feed node tagged every item with the channel whose sources it came from.
			for (const m of got[channel]) expect(m.item?.channel).toBe(channel);
			for (const m of got[channel]) expect(m.item?.source?.url?.startsWith(ready.sites[channel])).toBe(true);
		}

		// n8n's own record: successful trigger executions of the shared workflow, each named in the worker's log, none in the main's.
		const executions = await admin<{ id: string; status: string; mode: string }>(
			'SELECT id::text, status, mode FROM execution_entity WHERE "workflowId" = $1 ORDER BY id',
			database,
			[ready.workflowId],
		);
		const done = executions.filter((e) => e.status === 'success');
		expect(done.length).toBeGreaterThan(0);
		expect(executions.filter((e) => ['error', 'crashed'].includes(e.status))).toEqual([]);
		for (const e of done) expect(e.mode).toBe('trigger');
		// n8n records an execution's success before the worker logs that it finished: wait for the line.
		const finished = (log: string) => done.every((e) => new RegExp(`Worker finished execution ${e.id} \\(job \\d+\\)`).test(log));
		for (const deadline = Date.now() + 20_000; !finished(readFileSync(ready.logs.worker, 'utf8')) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 250));
		const workerLog = readFileSync(ready.logs.worker, 'utf8');
		const mainLog = readFileSync(ready.logs.main, 'utf8');
		for (const e of done) {
			expect(workerLog).toMatch(new RegExp(`Worker started execution ${e.id} \\(job \\d+\\)`));
			expect(workerLog).toMatch(new RegExp(`Worker finished execution ${e.id} \\(job \\d+\\)`));
			expect(mainLog).not.toMatch(new RegExp(`Worker started execution ${e.id} `));
		}
		// The queue of this run lives under its own prefix in Redis.
		expect(Number((await redis('EVAL', "return #redis.call('KEYS', ARGV[1])", '0', `${prefix}:*`)).slice(1))).toBeGreaterThan(0);
		progress(`${done.length} execution(s) on the worker; ${got.valmorena.length} + ${got.borgo.length} messages`);
	}, 200_000);
});
