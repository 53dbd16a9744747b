// A broadcast to 2,000 recipients killed halfway with SIGKILL, then restarted: each recipient gets the
// message exactly once. Requests in flight at the kill are reconciled against recorded status webhooks.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeGraph } from './fake-graph';
import { startRecorder } from './recorder';

const CHILD = join(__dirname, 'fixtures', 'broadcast-child.js');
const COUNT = 2000;
const SECRET = 'app-secret';

function run(args: object): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string }> } {
	const child = spawn(process.execPath, [CHILD, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const done = new Promise<{ code: number | null; signal: string | null; stdout: string }>((resolve) =>
		child.on('exit', (code, signal) => {
			if (stderr) console.error(stderr);
			resolve({ code, signal, stdout });
		}),
	);
	return { child, done };
}

it('sends to each of 2,000 recipients exactly once across a SIGKILL and a restart', async () => {
	expect(existsSync(join(__dirname, '..', '..', 'dist', 'core', 'whatsapp', 'broadcast', 'engine.js'))).toBe(true);
	const recorder = await startRecorder(SECRET);
	let killAt: (() => void) | undefined;
	const graph = await startFakeGraph({
		webhookUrl: recorder.url,
		appSecret: SECRET,
		latencyMs: 20,
		// Kill once half the recipients have reached the server: dozens of requests are then in flight.
		script: (_body, n) => {
			if (n === COUNT / 2) killAt?.();
			return undefined;
		},
	});
	graph.keepBodies = false;
	const logPath = join(await mkdtemp(join(tmpdir(), 'broadcast-crash-')), 'b-crash.jsonl');
	const args = { broadcastId: 'b-crash', count: COUNT, graphUrl: graph.url, recorderUrl: recorder.url, logPath, rate: 1000, graceMs: 1000 };
	try {
		const first = run(args);
		killAt = () => first.child.kill('SIGKILL');
		const killed = await first.done;
		expect(killed.signal).toBe('SIGKILL');
		killAt = undefined;
		const log = (await readFile(logPath, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as { k: string; e: string });
		const outcome = new Set(log.filter((entry) => entry.e !== 'intent').map((entry) => entry.k));
		const inDoubt = new Set(log.filter((entry) => entry.e === 'intent' && !outcome.has(entry.k)).map((entry) => entry.k));
		const before = graph.accepted.size;
		expect(before).toBeGreaterThan(0);
		expect(before).toBeLessThan(COUNT);

		const second = run(args);
		const finished = await second.done;
		expect(finished.code).toBe(0);
		const report = JSON.parse(finished.stdout) as { sent: number; alreadyDone: number; reconciled: number; total: number };
		console.log(`killed with ${before} accepted and ${inDoubt.size} in doubt; restart: ${JSON.stringify({ ...report, errors: undefined })}`);

		expect(graph.accepted.size).toBe(COUNT);
		const duplicates = [...graph.accepted.values()].filter((count) => count !== 1);
		expect(duplicates).toEqual([]);
		expect(report.alreadyDone + report.sent).toBe(COUNT);
		// Every in-flight request the server had taken was recorded through its status, not resent.
		expect(report.reconciled).toBeGreaterThan(0);
		expect(recorder.rejected).toBe(0);
	} finally {
		await graph.close();
		await recorder.close();
	}
});
