// The webhook variant (an n8n Webhook node, say) against a local HTTP server: one JSON POST per event,
// retried after a failure, never twice; and the notification settings' errors in the configuration.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { ConfigInvalid, loadConfig } from '../../scheduler/src/config';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import { Notifier } from '../../scheduler/src/notify/notifier';
import { createSenders } from '../../scheduler/src/notify/senders';
import { acknowledge, enqueue } from '../../scheduler/src/queue';
import { freshDatabase, rulesFile, tempDir, testClock, testConfig, type TestClock, type TestDatabase } from '../scheduler/helpers';

interface Hook {
	url: string;
	bodies: Array<Record<string, unknown>>;
	/** The status the next requests get. */
	status: number;
	close(): Promise<void>;
}

async function startHook(): Promise<Hook> {
	const state = { bodies: [] as Array<Record<string, unknown>>, status: 200 };
	const read = (req: IncomingMessage) =>
		new Promise<string>((resolve) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		});
	const server: Server = createServer((req, res) => {
		void read(req).then((raw) => {
			if (req.method === 'POST' && req.headers['content-type'] === 'application/json') state.bodies.push(JSON.parse(raw) as Record<string, unknown>);
			res.writeHead(state.status, { 'content-type': 'application/json' }).end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/banditore`;
	return Object.assign(state, { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
}

describe('notifications to a webhook', () => {
	let db: TestDatabase;
	let hook: Hook;
	let clock: TestClock;
	let s: Scheduler;

	beforeAll(async () => {
		const dir = tempDir();
		db = await freshDatabase('sqlite', dir);
		hook = await startHook();
		clock = testClock('2026-06-10T08:00:00Z');
		const rules = rulesFile(dir);
		const config = testConfig(db.database, { id: 'meda', name: 'Comune di Meda', rules, delivery: { kind: 'outbox', file: join(dir, 'outbox.jsonl') } }, {
			notify: { smtp: null, webhookUrl: hook.url, intervalMs: 1000 },
		});
		s = await startScheduler(config, { clock: clock.now, dispatch: false });
		await s.notifier.tick();
	});

	afterAll(async () => {
		await s?.close();
		await hook?.close();
		await db?.drop();
	});

	test('a failed delivery: one POST with the Italian text, retried after the webhook failed, never twice', async () => {
		// A message handed to n8n whose flow answers that it could not post, for good.
		const { message } = await enqueue(s.ctx, 'meda', { dedupeKey: 'uno', text: 'Avviso numero 1', category: 'avviso', priority: 60 }, 'n8n');
		await s.ctx.store.run("UPDATE messages SET state = 'sending', attempts = 1 WHERE id = ?", [message.id]);
		await acknowledge(s.ctx, message.id, { status: 'failed', reason: 'numero del canale non valido', retry: false }, 'n8n');
		hook.status = 500;
		await s.notifier.tick();
		expect(hook.bodies).toHaveLength(1);
		// Not due again yet: nothing more.
		hook.status = 200;
		await s.notifier.tick();
		expect(hook.bodies).toHaveLength(1);
		clock.set('2026-06-10T08:01:00Z');
		await s.notifier.tick();
		expect(hook.bodies).toHaveLength(2);
		const body = hook.bodies[1];
		expect(body).toMatchObject({ kind: 'failed', event: 'message.failed', channel: 'meda', subject: '[Banditore · Comune di Meda] Un messaggio non è stato inviato' });
		expect(String(body.text)).toContain('non è stato inviato dopo 1 tentativi: numero del canale non valido');
		expect(String(body.link)).toBe(`${s.url}/admin/queue?channel=meda#m-${message.id}`);
		clock.set('2026-06-10T09:00:00Z');
		await s.notifier.tick();
		expect(hook.bodies).toHaveLength(2);
	});

	test('audit rows committed out of order (PostgreSQL ids) are not skipped; a gap that stays is passed after a wait', async () => {
		const notifier = new Notifier({
			store: s.ctx.store,
			clock: clock.now,
			config: s.ctx.config,
			channels: () => s.ctx.channels.values(),
			baseUrl: () => s.ctx.publicUrl,
			senders: createSenders({ smtp: null, webhookUrl: hook.url, intervalMs: 1000 }),
			onError: (error) => {
				throw error;
			},
			gapWaitMs: 0,
		});
		const max = Number((await s.ctx.store.get<{ id: number }>('SELECT MAX(id) AS id FROM audit'))?.id);
		const failed = (id: number, reason: string) =>
			s.ctx.store.run('INSERT INTO audit (id, at, channel, type, message_id, actor, details) VALUES (?, ?, ?, ?, ?, ?, ?)', [
				id, clock.now().getTime(), 'meda', 'message.failed', null, 'n8n', JSON.stringify({ reason, retry: false, attempts: 1 }),
			]);
		const reasons = () => hook.bodies.slice(2).map((b) => String(b.text).match(/tentativi: ([^\n]*)/)?.[1]);
		// The later row is visible first: it waits for the one before it.
		await failed(max + 2, 'secondo');
		await notifier.tick();
		expect(reasons()).toEqual([]);
		await failed(max + 1, 'primo');
		await notifier.tick();
		expect(reasons()).toEqual(['primo', 'secondo']);
		// A gap that stays (a transaction rolled back): passed on the next pass after the wait.
		await failed(max + 4, 'terzo');
		await notifier.tick();
		expect(reasons()).toEqual(['primo', 'secondo']);
		await notifier.tick();
		expect(reasons()).toEqual(['primo', 'secondo', 'terzo']);
		await notifier.stop();
	});
});

describe('notifications set up later', () => {
	test('events from before the webhook (or SMTP) was configured are not announced afterwards', async () => {
		const dir = tempDir();
		const db = await freshDatabase('sqlite', dir);
		const hook = await startHook();
		const clock = testClock('2026-06-10T08:00:00Z');
		const channel = { id: 'meda', name: 'Comune di Meda', rules: rulesFile(dir), delivery: { kind: 'outbox' as const, file: join(dir, 'outbox.jsonl') } };
		const off = testConfig(db.database, channel);
		let s = await startScheduler(off, { clock: clock.now, dispatch: false });
		try {
			const { message } = await enqueue(s.ctx, 'meda', { dedupeKey: 'uno', text: 'Avviso numero 1', category: 'avviso', priority: 60 }, 'n8n');
			await s.ctx.store.run("UPDATE messages SET state = 'sending', attempts = 1 WHERE id = ?", [message.id]);
			await acknowledge(s.ctx, message.id, { status: 'failed', reason: 'prima', retry: false }, 'n8n');
			await s.notifier.tick();
			await s.close();
			s = await startScheduler({ ...off, notify: { smtp: null, webhookUrl: hook.url, intervalMs: 1000 } }, { clock: clock.now, dispatch: false });
			await s.notifier.tick();
			expect(hook.bodies).toEqual([]);
			const second = await enqueue(s.ctx, 'meda', { dedupeKey: 'due', text: 'Avviso numero 2', category: 'avviso', priority: 60 }, 'n8n');
			await s.ctx.store.run("UPDATE messages SET state = 'sending', attempts = 1 WHERE id = ?", [second.message.id]);
			await acknowledge(s.ctx, second.message.id, { status: 'failed', reason: 'dopo', retry: false }, 'n8n');
			await s.notifier.tick();
			expect(hook.bodies.map((b) => String(b.text).includes('tentativi: dopo'))).toEqual([true]);
		} finally {
			await s.close();
			await hook.close();
			await db.drop();
		}
	});
});

describe('notification settings', () => {
	const base = { BANDITORE_API_TOKEN: 'x'.repeat(32) };
	const load = (env: Record<string, string>) => loadConfig({ ...base, ...env }, tempDir());

	test('off unless an SMTP server or a webhook is set; the port follows secure', () => {
		expect(load({}).notify).toEqual({ smtp: null, webhookUrl: null, intervalMs: 30_000 });
		const config = load({ BANDITORE_SMTP_HOST: 'smtp.comune.example.it', BANDITORE_SMTP_FROM: 'Banditore <banditore@comune.example.it>', BANDITORE_SMTP_SECURE: 'true', BANDITORE_SMTP_USER: 'banditore', BANDITORE_SMTP_PASS: 'segreta' });
		expect(config.notify?.smtp).toEqual({ host: 'smtp.comune.example.it', port: 465, secure: true, user: 'banditore', pass: 'segreta', from: 'Banditore <banditore@comune.example.it>' });
		expect(load({ BANDITORE_SMTP_HOST: 'smtp.comune.example.it', BANDITORE_SMTP_FROM: 'banditore@comune.example.it' }).notify?.smtp?.port).toBe(587);
	});

	test.each([
		[{ BANDITORE_SMTP_HOST: 'smtp.comune.example.it' }, /BANDITORE_SMTP_FROM/],
		[{ BANDITORE_SMTP_HOST: 'smtp.comune.example.it', BANDITORE_SMTP_FROM: 'banditore' }, /must be an e-mail address/],
		[{ BANDITORE_SMTP_HOST: 'smtp.comune.example.it', BANDITORE_SMTP_FROM: 'a@b.it', BANDITORE_SMTP_SECURE: 'yes' }, /BANDITORE_SMTP_SECURE must be true .* or false/],
		[{ BANDITORE_SMTP_HOST: 'smtp.comune.example.it', BANDITORE_SMTP_FROM: 'a@b.it', BANDITORE_SMTP_PORT: '70000' }, /BANDITORE_SMTP_PORT must be a port number/],
		[{ BANDITORE_SMTP_HOST: 'smtp.comune.example.it', BANDITORE_SMTP_FROM: 'a@b.it', BANDITORE_SMTP_USER: 'banditore' }, /BANDITORE_SMTP_PASS is not/],
		[{ BANDITORE_NOTIFY_WEBHOOK: 'ftp://n8n.example.it/hook' }, /BANDITORE_NOTIFY_WEBHOOK .* must be an http/],
	])('%j is refused with a clear error', (env, message) => {
		expect(() => load(env)).toThrow(ConfigInvalid);
		expect(() => load(env)).toThrow(message);
	});

	test('the config file: notify.smtp and notify.webhookUrl, the password only from the environment', () => {
		const dir = tempDir();
		const file = join(dir, 'banditore.config.yaml');
		writeFileSync(file, 'notify:\n  smtp:\n    host: smtp.comune.example.it\n    port: 2525\n    user: banditore\n    passEnv: SMTP_SEGRETA\n    from: banditore@comune.example.it\n  webhookUrl: http://127.0.0.1:5678/webhook/avvisi\n');
		const config = loadConfig({ ...base, BANDITORE_CONFIG: file, SMTP_SEGRETA: 'segreta' }, dir);
		expect(config.notify).toEqual({
			smtp: { host: 'smtp.comune.example.it', port: 2525, secure: false, user: 'banditore', pass: 'segreta', from: 'banditore@comune.example.it' },
			webhookUrl: 'http://127.0.0.1:5678/webhook/avvisi',
			intervalMs: 30_000,
		});
		expect(() => loadConfig({ ...base, BANDITORE_CONFIG: file }, dir)).toThrow(/SMTP_SEGRETA is not/);
	});
});
