// The broadcast engine against a fake Graph API: error classes, stopping, reconciliation, the log.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { broadcast, FileSendLog, memoryLog, RateLimiter, type BroadcastOptions, type Clock, type LogEntry, type Progress, type Recipient } from '../../core/whatsapp/broadcast';
import { createHttpClient } from '../../core/whatsapp/http';
import { cloudBody, sendCloud } from '../../core/whatsapp/transports/cloud';
import { graphError, startFakeGraph, type FakeGraph, type FakeGraphOptions } from './fake-graph';
import { recorderSource, startRecorder, type Recorder } from './recorder';
import { cloudErrors } from './spec';

const http = createHttpClient({ maxSockets: 32 });
afterAll(() => http.close());

const SECRET = 'app-secret';
const recipients = (n: number, from = 1): Recipient[] => Array.from({ length: n }, (_, i) => ({ key: `s${from + i}`, to: `39333${String(from + i).padStart(7, '0')}` }));
const number = (i: number) => `39333${String(i).padStart(7, '0')}`;

let servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
	await Promise.all(servers.map((server) => server.close()));
	servers = [];
});

async function graphWith(options: FakeGraphOptions): Promise<FakeGraph> {
	const graph = await startFakeGraph(options);
	servers.push(graph);
	return graph;
}

function sender(graph: FakeGraph, timeoutMs?: number): BroadcastOptions['send'] {
	return (recipient, data) =>
		sendCloud(
			{ baseUrl: graph.url, version: 'v23.0', phoneNumberId: '1234567890', accessToken: 't', http, timeoutMs },
			cloudBody(recipient.to, { kind: 'template', name: 'notizia', language: 'it', body: ['Allerta meteo'] }, data),
		);
}

/** Scripted answers: a code for the first `times` requests to a number. */
function failFirst(codes: Record<string, { code: number; times: number }>): FakeGraphOptions['script'] {
	const seen = new Map<string, number>();
	return (body) => {
		const rule = codes[String(body.to)];
		if (!rule) return undefined;
		const count = (seen.get(String(body.to)) ?? 0) + 1;
		seen.set(String(body.to), count);
		return count <= rule.times ? graphError(rule.code, `code ${rule.code}`) : undefined;
	};
}

const fast = { rate: 1000, backoffMs: 5, graceMs: 0 };

describe('broadcast engine', () => {
	it('sends once to everyone, retries throttles, drops the unreachable and opted out, and keeps a log', async () => {
		const graph = await graphWith({
			latencyMs: 2,
			script: failFirst({
				[number(5)]: { code: 131026, times: 9 },
				[number(6)]: { code: 131050, times: 9 },
				[number(7)]: { code: 130429, times: 2 },
				[number(8)]: { code: 131056, times: 1 },
				[number(9)]: { code: 4, times: 1 },
				[number(10)]: { code: 80007, times: 1 },
				[number(11)]: { code: 131000, times: 1 },
			}),
		});
		const log = memoryLog();
		const progress: Progress[] = [];
		const report = await broadcast({ ...fast, broadcastId: 'b1', recipients: recipients(60), send: sender(graph), log, onProgress: (p) => progress.push(p), progressEveryMs: 5 });
		expect(report).toMatchObject({ total: 60, sent: 58, unreachable: 1, optedOut: 1, failed: 0, stopped: null, inDoubt: 0 });
		expect(report.errors).toEqual({ unreachable: 1, optOut: 1, throttle: 2, pairThrottle: 1, accountThrottle: 2, transient: 1 });
		expect(report.requests).toBe(60 + 2 + 1 + 2 + 1);
		expect([...graph.accepted.values()].every((count) => count === 1)).toBe(true);
		expect(graph.accepted.size).toBe(58);
		for (const body of graph.bodies) expect(cloudErrors(body)).toEqual([]);
		expect(graph.bodies[0]).toMatchObject({ biz_opaque_callback_data: 's1:s1'.replace('s1:', 'b1:') });
		// Intent before each request, outcome after; no phone number in the log.
		expect(log.entries.filter((entry) => entry.e === 'intent')).toHaveLength(report.requests);
		expect(JSON.stringify(log.entries)).not.toMatch(/39333/);
		expect(progress.at(-1)).toMatchObject({ sent: 58, failed: 2, remaining: 0 });
	});

	it.each([131048, 368, 131031, 131042, 132001, 132000, 131047, 190])('stops at error %i, and a later run sends the rest exactly once', async (code) => {
		const bad = await graphWith({ latencyMs: 1, script: failFirst({ [number(20)]: { code, times: 1 } }) });
		const log = memoryLog();
		const list = recipients(200);
		const first = await broadcast({ ...fast, rate: 200, concurrency: 4, broadcastId: 'b2', recipients: list, send: sender(bad), log });
		expect(first.stopped).toMatchObject({ graphCode: code, hint: expect.any(String) });
		// Recipient 20 stops it: only requests already in flight or scheduled (concurrency 4) may follow.
		expect(first.sent).toBeLessThan(30);
		expect(first.sent + first.failed + first.notTried).toBe(200);

		const good = await graphWith({ latencyMs: 1 });
		const second = await broadcast({ ...fast, broadcastId: 'b2', recipients: list, send: sender(good), log });
		expect(second.stopped).toBeNull();
		expect(second.alreadyDone).toBe(first.sent);
		for (const recipient of list) expect((bad.accepted.get(recipient.to) ?? 0) + (good.accepted.get(recipient.to) ?? 0)).toBe(1);
	});

	it('reconciles timeouts: a status came back means sent, none means resend', async () => {
		const recorder: Recorder = await startRecorder(SECRET);
		servers.push(recorder);
		let slowOnce = new Set([number(3), number(4)]);
		const graph = await graphWith({
			webhookUrl: recorder.url,
			appSecret: SECRET,
			// number 3 is accepted late (its status is recorded); number 4 is refused late (no status).
			latencyFor: (body) => (slowOnce.has(String(body.to)) ? 300 : 1),
			script: (body) => (String(body.to) === number(4) && slowOnce.has(number(4)) ? graphError(131000, 'late failure') : undefined),
		});
		const send = sender(graph, 100);
		const log = memoryLog();
		const report = await broadcast({
			...fast,
			graceMs: 400,
			broadcastId: 'b3',
			recipients: recipients(10),
			log,
			statuses: recorderSource(recorder.url),
			send: async (recipient, data) => {
				const result = send(recipient, data);
				// The second try of number 4 is answered at once.
				if (recipient.to === number(4)) result.finally(() => (slowOnce = new Set([number(3)]))).catch(() => undefined);
				return result;
			},
		});
		expect(report).toMatchObject({ sent: 10, reconciled: 1, inDoubt: 0, errors: { network: 2 } });
		for (const recipient of recipients(10)) expect(graph.accepted.get(recipient.to)).toBe(1);
		expect(recorder.rejected).toBe(0);
		expect(log.entries.filter((entry) => entry.e === 'doubt').map((entry) => entry.k).sort()).toEqual(['s3', 's4']);
	});

	it('without a status source, a recipient in doubt is never resent', async () => {
		const graph = await graphWith({ latencyFor: (body) => (String(body.to) === number(2) ? 300 : 1) });
		const report = await broadcast({ ...fast, broadcastId: 'b4', recipients: recipients(3), log: memoryLog(), send: sender(graph, 100) });
		expect(report).toMatchObject({ sent: 2, unknown: 1 });
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(graph.accepted.get(number(2))).toBe(1);
	});

	it('refuses a rate above 1,000 a second', async () => {
		await expect(broadcast({ broadcastId: 'b', recipients: [], send: async () => ({ id: 'x' }), log: memoryLog(), rate: 1001 })).rejects.toThrow(/outside 1 to 1000/);
	});
});

describe('RateLimiter', () => {
	it('hands out slots at the rate on a simulated clock, with a pause', async () => {
		let now = 0;
		const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) };
		const limiter = new RateLimiter(10, clock);
		for (let i = 0; i < 20; i++) await limiter.take();
		expect(now).toBeCloseTo(1900);
		limiter.pause(5000);
		await limiter.take();
		expect(now).toBeCloseTo(6900);
		limiter.slowDown(0.5);
		expect(limiter.rate).toBe(5);
	});

	it('a pause also holds a caller already waiting for its slot', async () => {
		let now = 0;
		const timers: Array<{ at: number; wake: () => void }> = [];
		const clock: Clock = { now: () => now, sleep: (ms) => new Promise<void>((wake) => timers.push({ at: now + ms, wake })) };
		const tick = async () => {
			const timer = timers.shift()!;
			now = timer.at;
			timer.wake();
			for (let i = 0; i < 5; i++) await Promise.resolve();
		};
		const limiter = new RateLimiter(10, clock);
		await limiter.take();
		let done = false;
		const waiting = limiter.take().then(() => (done = true));
		// The answer to an earlier request says "account throttled" while this caller sleeps until 100.
		limiter.pause(5000);
		await tick();
		expect(done).toBe(false);
		await tick();
		await waiting;
		expect(now).toBeGreaterThanOrEqual(5000);
	});
});

describe('FileSendLog', () => {
	it('replays intents and outcomes, and ignores a torn last line', async () => {
		const path = join(await mkdtemp(join(tmpdir(), 'sendlog-')), 'b.jsonl');
		const entries: LogEntry[] = [
			{ k: 'a', e: 'intent', t: 1 },
			{ k: 'a', e: 'sent', t: 2, id: 'wamid.1' },
			{ k: 'b', e: 'intent', t: 3 },
			{ k: 'c', e: 'intent', t: 4 },
			{ k: 'c', e: 'failed', t: 5, code: 130429 },
		];
		await writeFile(path, `${entries.map((entry) => JSON.stringify(entry)).join('\n')}\n{"k":"d","e":"int`);
		const log = new FileSendLog(path);
		const state = await log.open();
		expect([...state.recipients]).toEqual([
			['a', 'done'],
			['b', 'doubt'],
			['c', 'retry'],
		]);
		expect(state.lastDoubtAt).toBe(3);
		await Promise.all([log.append({ k: 'b', e: 'sent', t: 6 }), log.append({ k: 'c', e: 'intent', t: 7 })]);
		await log.close();
		const again = new FileSendLog(path);
		expect([...(await again.open()).recipients.values()]).toEqual(['done', 'done', 'doubt']);
		await again.close();
		expect((await readFile(path, 'utf8')).split('\n').filter(Boolean)).toHaveLength(8);
	});
});
