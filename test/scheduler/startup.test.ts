// The built scheduler (scheduler/dist/main.js) started as a child process where it cannot start: a
// data folder it cannot write, a database that does not answer, a config file it cannot read. Each
// time one sentence on stderr naming the path or address and what to check, exit code 2, and no
// stack trace unless --debug.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildScheduler, SCHEDULER_MAIN, TOKEN } from './helpers';

interface Outcome {
	code: number | null;
	stderr: string;
}

/** root may write anywhere: the child then runs as nobody, for whom a folder of root's is read-only. */
const asRoot = process.getuid?.() === 0;
const NOBODY = { uid: 65534, gid: 65534 };

function start(env: Record<string, string>, options: { args?: string[]; unprivileged?: boolean } = {}): Promise<Outcome> {
	const cwd = mkdtempSync(join(tmpdir(), 'banditore-start-'));
	chmodSync(cwd, 0o777);
	const child = spawn(process.execPath, [SCHEDULER_MAIN, ...(options.args ?? [])], {
		cwd,
		env: { PATH: process.env.PATH ?? '', BANDITORE_API_TOKEN: TOKEN, PORT: '0', LOG_LEVEL: 'silent', ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
		...(options.unprivileged && asRoot ? NOBODY : {}),
	});
	let stderr = '';
	child.stderr.on('data', (d) => (stderr += d));
	// A scheduler that starts anyway is a failure of the test: it is stopped and its exit shows.
	child.stdout.on('data', (d) => String(d).includes('"listening"') && child.kill('SIGKILL'));
	return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

/** Exit 2, one line naming `what`, no stack. */
function expectOneSentence(outcome: Outcome, ...what: string[]): void {
	const lines = outcome.stderr.trim().split('\n');
	expect({ code: outcome.code, lines: lines.length }).toEqual({ code: 2, lines: 1 });
	expect(lines[0]).toMatch(/^banditore scheduler: .+\.$/);
	for (const part of what) expect(lines[0]).toContain(part);
	expect(outcome.stderr).not.toMatch(/^\s+at /m);
}

function listen(onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
	const server = createServer(onConnection);
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}

beforeAll(() => {
	buildScheduler();
	// As root the read-only cases run the scheduler as nobody, who must be able to read the checkout.
	if (asRoot) {
		const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(SCHEDULER_MAIN)}.replace(/main\\.js$/, 'index.js'))`], { ...NOBODY, stdio: 'ignore' });
		if (probe.status !== 0) throw new Error(`user nobody cannot read ${SCHEDULER_MAIN}: make the checkout's parent folders readable by others (chmod o+rx), as .ci/run does`);
	}
}, 5 * 60_000);

const dir = () => {
	const d = mkdtempSync(join(tmpdir(), 'banditore-start-data-'));
	chmodSync(d, 0o755);
	return d;
};

test('a data folder it cannot write: the folder is named, exit 2, no stack (the stack only with --debug)', async () => {
	const data = join(dir(), 'data');
	mkdirSync(data);
	chmodSync(data, 0o555);
	const file = join(data, 'banditore.sqlite');
	expectOneSentence(await start({ BANDITORE_DB: file }, { unprivileged: true }), file, data, 'may write');
	const debug = await start({ BANDITORE_DB: file }, { unprivileged: true, args: ['--debug'] });
	expect(debug.code).toBe(2);
	expect(debug.stderr).toContain(data);
	expect(debug.stderr).toMatch(/^\s+at /m);
});

test('a data folder that is a file: named, exit 2', async () => {
	const notAFolder = join(dir(), 'data');
	writeFileSync(notAFolder, 'not a folder');
	expectOneSentence(await start({ BANDITORE_DB: join(notAFolder, 'banditore.sqlite') }), notAFolder, 'is a folder');
});

test('a PostgreSQL that refuses connections: the address without the password, exit 2', async () => {
	const { server, port } = await listen(() => undefined);
	await new Promise((resolve) => server.close(resolve));
	const outcome = await start({ DATABASE_URL: `postgres://banditore:segreta@127.0.0.1:${port}/comune` });
	expectOneSentence(outcome, `banditore@127.0.0.1:${port}/comune`, 'does not answer', 'DATABASE_URL');
	expect(outcome.stderr).not.toContain('segreta');
});

test('a PostgreSQL address where something hangs up at once: does not answer, exit 2', async () => {
	const { server, port } = await listen((socket) => socket.destroy());
	try {
		expectOneSentence(await start({ DATABASE_URL: `postgres://banditore@127.0.0.1:${port}/comune` }), `127.0.0.1:${port}/comune`, 'does not answer');
	} finally {
		await new Promise((resolve) => server.close(resolve));
	}
});

test('a config file it cannot read (a folder, a missing file, no permission): the path, exit 2', async () => {
	const folder = dir();
	expectOneSentence(await start({ BANDITORE_CONFIG: folder }), folder, 'BANDITORE_CONFIG');
	const missing = join(folder, 'missing.yaml');
	expectOneSentence(await start({ BANDITORE_CONFIG: missing }), missing, 'BANDITORE_CONFIG');
	const locked = join(folder, 'banditore.config.yaml');
	writeFileSync(locked, 'port: 8787\n');
	chmodSync(locked, 0o000);
	expectOneSentence(await start({ BANDITORE_CONFIG: locked }, { unprivileged: true }), locked, 'may read');
});

test('a config file that is an alias bomb: one sentence, exit 2', async () => {
	const file = join(dir(), 'banditore.config.yaml');
	const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
	writeFileSync(file, names.map((name, i) => `${name}: &${name} [${Array(9).fill(i === 0 ? '"lol"' : `*${names[i - 1]}`).join(', ')}]`).join('\n'));
	expectOneSentence(await start({ BANDITORE_CONFIG: file }), file, 'aliases');
});
