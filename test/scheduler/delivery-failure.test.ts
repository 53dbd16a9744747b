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

test('a delivery interrupted at every attempt (the process dies while delivering) ends failed after maxAttempts instead of being claimed for ever', async () => {
	const dir = tempDir();
	const clock = testClock('2026-06-08T08:00:00Z');
	const config = testConfig({ kind: 'sqlite', file: join(dir, 'banditore.sqlite') }, { id: 'meda', name: 'Comune di Meda', rules: rulesFile(dir), delivery: { kind: 'outbox', file: join(dir, 'outbox.jsonl') } });
	const scheduler = await startScheduler(config, { clock: clock.now, dispatch: false });
	try {
		// What a kill mid-delivery leaves: the message in flight, nothing written, no answer recorded; the lease settles it.
		const transport = scheduler.ctx.transports.get('meda');
		if (!transport) throw new Error('no transport');
		transport.deliver = async () => {
			throw new Error('the process died here');
		};
		const { body } = await call<{ message: Msg }>(scheduler.url, 'POST', '/v1/channels/meda/messages', manual(1));
		// Each pass after a lease (300 s) finds the message not in the outbox, queues it again and claims it.
		for (const minutes of [0, 6, 12, 18]) {
			clock.set(new Date(Date.parse('2026-06-08T08:00:00Z') + minutes * 60_000).toISOString());
			await scheduler.dispatcher.tick();
		}
		const m = (await call<{ message: Msg }>(scheduler.url, 'GET', `/v1/messages/${body.message.id}`)).body.message;
		expect(m.state).toBe('failed');
		expect(m.reasons.at(-1)).toBe("Invio non riuscito: interrotto 3 volte (il servizio si è fermato durante l'invio), non risulta inviato");
		const audit = (await call<{ entries: Entry[] }>(scheduler.url, 'GET', '/v1/audit?limit=1000')).body.entries.filter((e) => e.messageId === body.message.id);
		expect(audit.map((e) => e.type)).toEqual(['message.enqueued', 'message.sending', 'message.requeued', 'message.sending', 'message.requeued', 'message.sending', 'message.failed']);
	} finally {
		await scheduler.close();
	}
});

test('a failure n8n acknowledges: retried after the backoff while attempts are left, then failed for good, each logged', async () => {
	const dir = tempDir();
	const clock = testClock('2026-06-08T08:00:00Z');
	const hook = createServer((_req, res) => res.writeHead(200).end('{}'));
	await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
	const lines: Array<Record<string, unknown>> = [];
	const stream = new PassThrough();
	stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l))));
	const delivery = { kind: 'webhook' as const, url: `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook` };
	const config = testConfig({ kind: 'sqlite', file: join(dir, 'banditore.sqlite') }, { id: 'meda', name: 'Comune di Meda', rules: rulesFile(dir), delivery }, { logLevel: 'warn' });
	const scheduler = await startScheduler(config, { clock: clock.now, dispatch: false, logStream: stream });
	try {
		const { body } = await call<{ message: Msg }>(scheduler.url, 'POST', '/v1/channels/meda/messages', manual(1));
		const id = body.message.id;
		const ack = () => call<{ message: Msg }>(scheduler.url, 'POST', `/v1/messages/${id}/ack`, { status: 'failed', reason: 'sessione WhatsApp scaduta', retry: true });
		const steps: string[] = [];
		for (const at of ['08:00:00', '08:00:30', '08:01:30']) {
			clock.set(`2026-06-08T${at}Z`);
			await scheduler.dispatcher.tick();
			steps.push((await ack()).body.message.state);
		}
		expect(steps).toEqual(['queued', 'queued', 'failed']);
		const audit = (await call<{ entries: Entry[] }>(scheduler.url, 'GET', '/v1/audit?type=message.failed')).body.entries;
		expect(audit).toMatchObject([{ messageId: id, details: { attempts: 3, retry: false, reason: 'Invio non riuscito dopo 3 tentativi: sessione WhatsApp scaduta' } }]);
		expect(lines.filter((l) => l.messageId === id).map((l) => l.msg)).toEqual(['delivery failed: tried again later', 'delivery failed: tried again later', 'delivery failed for good']);
	} finally {
		await scheduler.close();
		hook.close();
	}
});
