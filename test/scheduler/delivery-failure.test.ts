// A transport that always fails: tried maxAttempts times with backoff, each failure in the log with
// its cause and in the audit log once, then `failed` for good with the reason in Italian and the
// `message.failed` event the office is told from.
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import type { ChannelConfig } from '../../scheduler/src/config';
import { call, manual, rulesFile, tempDir, testClock, testConfig } from './helpers';

type Msg = { id: string; state: string; reasons: string[]; attempts?: number; history: Array<{ state: string; note: string | null }> };
type Entry = { type: string; messageId: string | null; details: Record<string, unknown> };

describe.each(['outbox', 'webhook'] as const)('a %s transport that always fails', (kind) => {
	let scheduler: Scheduler;
	let server: Server | null = null;
	const logs: Array<Record<string, unknown>> = [];
	const clock = testClock('2026-06-08T08:00:00Z');

	beforeEach(async () => {
		const dir = tempDir();
		let delivery: ChannelConfig['delivery'];
		if (kind === 'outbox') {
			// A folder where the outbox file should be: every read and write of it fails (EISDIR), even as root.
			const file = join(dir, 'outbox.jsonl');
			mkdirSync(file);
			delivery = { kind: 'outbox', file };
		} else {
			server = createServer((_req, res) => res.writeHead(500).end('{}'));
			await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
			delivery = { kind: 'webhook', url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook` };
		}
		const stream = new PassThrough();
		stream.on('data', (line: Buffer) => logs.push(...line.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l))));
		const config = testConfig({ kind: 'sqlite', file: join(dir, 'banditore.sqlite') }, { id: 'meda', name: 'Comune di Meda', rules: rulesFile(dir), delivery }, { logLevel: 'warn' });
		scheduler = await startScheduler(config, { clock: clock.now, dispatch: false, logStream: stream });
	});

	afterEach(async () => {
		await scheduler.close();
		server?.close();
		logs.length = 0;
	});

	test('3 attempts 30 s and 60 s apart, then failed with the Italian reason, one audit row per outcome, each error logged', async () => {
		const api = <T>(method: string, path: string, body?: unknown) => call<T>(scheduler.url, method, path, body);
		const { body } = await api<{ message: Msg }>('POST', '/v1/channels/meda/messages', manual(1));
		const id = body.message.id;
		const state = async () => (await api<{ message: Msg }>('GET', `/v1/messages/${id}`)).body.message;

		await scheduler.dispatcher.tick();
		expect((await state()).state).toBe('queued');
		// Not before its backoff.
		clock.set('2026-06-08T08:00:29Z');
		await scheduler.dispatcher.tick();
		expect((await state()).history.filter((h) => h.state === 'sending')).toHaveLength(1);
		clock.set('2026-06-08T08:00:30Z');
		await scheduler.dispatcher.tick();
		expect((await state()).state).toBe('queued');
		clock.set('2026-06-08T08:01:30Z');
		await scheduler.dispatcher.tick();
		const m = await state();
		expect(m.state).toBe('failed');
		const cause = kind === 'outbox' ? /Impossibile scrivere il file di uscita .*outbox\.jsonl \(EISDIR\)/ : /Il webhook di n8n ha risposto con un errore \(HTTP 500\)/;
		expect(m.reasons.at(-1)).toMatch(/^Invio non riuscito dopo 3 tentativi: /);
		expect(m.reasons.at(-1)).toMatch(cause);
		// Once failed for good, nothing claims it again.
		clock.set('2026-06-08T10:00:00Z');
		await scheduler.dispatcher.tick();
		expect((await state()).history.filter((h) => h.state === 'sending')).toHaveLength(3);

		const audit = (await api<{ entries: Entry[] }>('GET', '/v1/audit?limit=1000')).body.entries.filter((e) => e.messageId === id);
		expect(audit.map((e) => e.type)).toEqual(['message.enqueued', 'message.sending', 'message.retrying', 'message.sending', 'message.retrying', 'message.sending', 'message.failed']);
		expect(audit.at(-1)?.details).toMatchObject({ attempts: 3, retry: false, reason: m.reasons.at(-1) });

		const told = logs.filter((l) => l.messageId === id);
		expect(told.map((l) => l.msg)).toEqual(['delivery failed: tried again later', 'delivery failed: tried again later', 'delivery failed for good']);
		for (const line of told) expect(String(line.reason)).toMatch(cause);

		const metrics = await fetch(`${scheduler.url}/metrics`, { headers: { authorization: 'Bearer test-bearer-value' } }).then((r) => r.text());
		expect(metrics).toContain(`banditore_delivery_errors_total{channel="meda",transport="${kind}",outcome="failed"} 1`);
		expect(metrics).toContain(`banditore_delivery_errors_total{channel="meda",transport="${kind}",outcome="retrying"} 2`);
	});
});
