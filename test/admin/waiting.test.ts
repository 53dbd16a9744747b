// Why a message waits and until when, on a real SQLite file and on PostgreSQL: for each reason
// (spacing after an emergency, quiet hours, the weekly limit, approval, a paused channel, an election
// period) the queue page, the API and the dashboard give the time and the reason, and the dispatcher
// honours it: a pass a minute before does not send the message, a pass at that time does.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { t } from '../../core/messages';
import { escapeHtml } from '../../scheduler/src/admin/html';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import type { WaitView } from '../../scheduler/src/waiting';
import { call, freshDatabase, outboxIds, rulesFile, skipPostgres, tempDir, testClock, testConfig, type Kind, type QuotaPatch, type TestDatabase } from '../scheduler/helpers';
import { ADMIN, Client } from './helpers';

/** Wednesday 10 June 2026, 10:00 in Meda. */
const NOW = '2026-06-10T08:00:00Z';
const MINUTE = 60_000;

/** The parts of Meda's rules file the tests change. */
interface RulesYaml {
	quota: Record<string, unknown>;
	categories: Array<{ id: string; approval?: boolean }>;
	election: { calendar: boolean; periods: Array<{ name: string; start: string; end: string }> };
}

interface Setup {
	quota?: QuotaPatch;
	/** Changes to Meda's rules beyond the quota. */
	rules?: (data: RulesYaml) => void;
	at?: string;
}

interface Env {
	scheduler: Scheduler;
	db: TestDatabase;
	outbox: string;
	set(iso: string): void;
	client: Client;
	api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
	tick(): Promise<void>;
	close(): Promise<void>;
}

async function start(kind: Kind, setup: Setup): Promise<Env> {
	const dir = tempDir();
	const db = await freshDatabase(kind, dir);
	const rules = rulesFile(dir, { minSpacingMinutes: 0, ...setup.quota });
	const data = parse(readFileSync(rules, 'utf8')) as RulesYaml;
	// No calendar: the only election period is the one a test writes.
	data.election.calendar = false;
	setup.rules?.(data);
	writeFileSync(rules, stringify(data));
	const outbox = join(dir, 'outbox.jsonl');
	const clock = testClock(setup.at ?? NOW);
	const config = testConfig(db.database, { id: 'meda', name: 'Comune di Meda', rules, delivery: { kind: 'outbox', file: outbox } }, { admin: { user: ADMIN.user, password: ADMIN.password, sessionHours: 8 } });
	const scheduler = await startScheduler(config, { clock: clock.now, dispatch: false });
	const client = new Client(() => scheduler.url);
	expect((await client.login()).status).toBe(303);
	return {
		scheduler,
		db,
		outbox,
		set: clock.set,
		client,
		api: (method, path, body) => call(scheduler.url, method, path, body),
		tick: () => scheduler.dispatcher.tick(),
		close: async () => {
			await scheduler.close();
			await db.drop();
		},
	};
}

const text = (key: string, extra: Record<string, unknown> = {}) => ({ dedupeKey: key, text: `Avviso ${key}: chiusura della strada per lavori`, category: 'avviso', priority: 60, ...extra });
const emergency = (key: string) => ({ dedupeKey: key, text: `Allerta ${key}: allagamento in via Roma`, category: 'emergenza', emergency: true, justification: 'Allagamento in corso' });

describe.each<Kind>(['sqlite', 'postgres'])('why a message waits and until when, on %s', (kind) => {
	let env: Env | null = null;
	let skip = false;
	beforeAll(async () => {
		skip = await skipPostgres(kind);
	});
	afterEach(async () => {
		await env?.close();
		env = null;
	});

	async function open(setup: Setup): Promise<Env> {
		env = await start(kind, setup);
		return env;
	}

	async function enqueue(e: Env, body: Record<string, unknown>): Promise<string> {
		const r = await e.api<{ message: { id: string } }>('POST', '/v1/channels/meda/messages', body);
		expect([200, 201]).toContain(r.status);
		return r.body.message.id;
	}

	async function waitingOf(e: Env, id: string): Promise<WaitView | null> {
		const one = await e.api<{ message: { waiting: WaitView | null } }>('GET', `/v1/messages/${id}`);
		expect(one.status).toBe(200);
		const list = await e.api<{ messages: Array<{ id: string; waiting: WaitView | null }> }>('GET', '/v1/channels/meda/messages?state=queued,scheduled,deferred,held');
		// The list and the message's own answer say the same.
		expect(list.body.messages.find((m) => m.id === id)?.waiting).toEqual(one.body.message.waiting);
		return one.body.message.waiting;
	}

	/** The queue page's line for the message, and the dashboard's next exit, as the office reads them. */
	async function pages(e: Env, id: string): Promise<{ line: string; nextOut: string; nextOutReason: string }> {
		const queue = await e.client.get('/admin/queue?channel=meda');
		expect(queue.status).toBe(200);
		const line = new RegExp(`id="w-${id}"[^>]*>([^<]*)<`).exec(queue.text)?.[1] ?? '';
		const dashboard = await e.client.get('/admin?channel=meda');
		expect(dashboard.status).toBe(200);
		const nextOut = /id="next-out"[^>]*>([^<]*)</.exec(dashboard.text)?.[1] ?? '';
		const nextOutReason = /id="next-out-reason"[^>]*>([^<]*)</.exec(dashboard.text)?.[1] ?? '';
		return { line, nextOut, nextOutReason };
	}

	const sent = (e: Env, id: string) => outboxIds(e.outbox).includes(id);

	/** Dispatch a minute before `at` leaves it waiting; dispatch at `at` sends it. */
	async function honoured(e: Env, id: string, at: string): Promise<void> {
		e.set(new Date(Date.parse(at) - MINUTE).toISOString());
		await e.tick();
		expect(sent(e, id)).toBe(false);
		e.set(at);
		await e.tick();
		expect(sent(e, id)).toBe(true);
	}

	const reason = (key: string, params: Record<string, string | number> = {}) => t(key as never, params);

	test('spacing: an hour after an emergency, at 11:00, and dispatch keeps to it', async () => {
		if (skip) return;
		const e = await open({ quota: { minSpacingMinutes: 60 } });
		await enqueue(e, emergency('allerta-1'));
		await e.tick();
		const id = await enqueue(e, text('dopo-allerta'));
		const wait = await waitingOf(e, id);
		expect(wait).toMatchObject({ code: 'spacing', at: '2026-06-10T09:00:00.000Z', reason: reason('admin.waiting.spacing', { minutes: 60 }) });
		const shown = await pages(e, id);
		expect(shown.line).toBe(escapeHtml(t('admin.waiting.line', { date: '10/06/2026 11:00', reason: reason('admin.waiting.spacing', { minutes: 60 }) })));
		expect(shown.nextOut).toBe('10/06/2026 11:00');
		expect(shown.nextOutReason).toBe(escapeHtml(t('admin.dashboard.nextOutQueued', { reason: reason('admin.waiting.spacing', { minutes: 60 }) })));
		await honoured(e, id, '2026-06-10T09:00:00Z');
	});

	test('spacing: the second in line waits an hour after the first', async () => {
		if (skip) return;
		const e = await open({ quota: { minSpacingMinutes: 60 } });
		await enqueue(e, emergency('allerta-1'));
		await e.tick();
		const first = await enqueue(e, text('primo', { priority: 70 }));
		const second = await enqueue(e, text('secondo'));
		expect(await waitingOf(e, first)).toMatchObject({ code: 'spacing', at: '2026-06-10T09:00:00.000Z' });
		expect(await waitingOf(e, second)).toMatchObject({ code: 'spacing', at: '2026-06-10T10:00:00.000Z' });
		await honoured(e, first, '2026-06-10T09:00:00Z');
		expect(sent(e, second)).toBe(false);
		await honoured(e, second, '2026-06-10T10:00:00Z');
	});

	test('quiet hours: until 07:00 the next morning', async () => {
		if (skip) return;
		const e = await open({ quota: { quietHours: { from: '21:00', to: '07:00' } }, at: '2026-06-10T20:00:00Z' });
		const id = await enqueue(e, text('di-sera'));
		const why = reason('admin.waiting.quiet_hours', { to: '07:00' });
		expect(await waitingOf(e, id)).toMatchObject({ code: 'quiet_hours', at: '2026-06-11T05:00:00.000Z', reason: why });
		const shown = await pages(e, id);
		expect(shown.line).toBe(escapeHtml(t('admin.waiting.line', { date: '11/06/2026 07:00', reason: why })));
		expect(shown.nextOut).toBe('11/06/2026 07:00');
		expect(shown.nextOutReason).toBe(escapeHtml(t('admin.dashboard.nextOutQueued', { reason: why })));
		await honoured(e, id, '2026-06-11T05:00:00Z');
	});

	test('weekly limit: until the week resets on Monday', async () => {
		if (skip) return;
		const e = await open({ quota: { perWeek: 2 } });
		await enqueue(e, text('uno'));
		await enqueue(e, text('due'));
		await e.tick();
		const id = await enqueue(e, text('tre'));
		const why = reason('admin.waiting.quota_exhausted', { limit: 2 });
		expect(await waitingOf(e, id)).toMatchObject({ code: 'quota_exhausted', at: '2026-06-14T22:00:00.000Z', reason: why });
		const shown = await pages(e, id);
		expect(shown.line).toBe(escapeHtml(t('admin.waiting.line', { date: '15/06/2026 00:00', reason: why })));
		expect(shown.nextOut).toBe('15/06/2026 00:00');
		expect(shown.nextOutReason).toBe(escapeHtml(t('admin.dashboard.nextOutQueued', { reason: why })));
		const dashboard = await e.client.get('/admin?channel=meda');
		expect(dashboard.text).toMatch(/id="quota-remaining">0</);
		expect(dashboard.text).toContain(`${t('admin.dashboard.resetsAt')} <strong id="next-reset">15/06/2026 00:00</strong>`);
		await honoured(e, id, '2026-06-14T22:00:00Z');
	});

	test('weekly limit with quiet hours: Monday at 07:30, both reasons said', async () => {
		if (skip) return;
		const e = await open({ quota: { perWeek: 1, quietHours: { from: '21:00', to: '07:30' } } });
		await enqueue(e, text('uno'));
		await e.tick();
		const id = await enqueue(e, text('due'));
		const wait = await waitingOf(e, id);
		expect(wait).toMatchObject({ code: 'quota_exhausted', codes: ['quota_exhausted', 'quiet_hours'], at: '2026-06-15T05:30:00.000Z' });
		expect(wait?.reason).toBe(`${reason('admin.waiting.quota_exhausted', { limit: 1 })}${t('admin.waiting.then')}${reason('admin.waiting.quiet_hours', { to: '07:30' })}`);
		await honoured(e, id, '2026-06-15T05:30:00Z');
	});

	test('approval: no time until the office approves, then at once', async () => {
		if (skip) return;
		const e = await open({
			rules: (data) => {
				for (const c of data.categories) if (c.id === 'avviso') c.approval = true;
			},
		});
		const id = await enqueue(e, text('da-approvare'));
		const why = reason('admin.waiting.approval');
		expect(await waitingOf(e, id)).toMatchObject({ code: 'approval', at: null, reason: why });
		const shown = await pages(e, id);
		expect(shown.line).toBe(escapeHtml(t('admin.waiting.lineOpen', { reason: why })));
		expect(shown.nextOut).toBe(t('admin.dashboard.nextOutOpen'));
		expect(shown.nextOutReason).toBe(escapeHtml(t('admin.dashboard.nextOutQueued', { reason: why })));
		await e.tick();
		expect(sent(e, id)).toBe(false);
		expect((await e.api('POST', `/v1/messages/${id}/approve`)).status).toBe(200);
		expect(await waitingOf(e, id)).toMatchObject({ code: 'ready', at: new Date(NOW).toISOString() });
		expect((await pages(e, id)).nextOut).toBe(t('admin.dashboard.nextOutNow'));
		await e.tick();
		expect(sent(e, id)).toBe(true);
	});

	test('paused channel: no time until it is resumed, then at once', async () => {
		if (skip) return;
		const e = await open({});
		expect((await e.api('POST', '/v1/channels/meda/pause', { reason: 'verifica' })).status).toBe(200);
		const id = await enqueue(e, text('in-pausa'));
		const why = reason('admin.waiting.paused');
		expect(await waitingOf(e, id)).toMatchObject({ code: 'paused', at: null, reason: why });
		const shown = await pages(e, id);
		expect(shown.line).toBe(escapeHtml(t('admin.waiting.lineOpen', { reason: why })));
		expect(shown.nextOut).toBe(t('admin.dashboard.nextOutOpen'));
		expect(shown.nextOutReason).toBe(escapeHtml(t('admin.dashboard.nextOutQueued', { reason: why })));
		await e.tick();
		expect(sent(e, id)).toBe(false);
		expect((await e.api('POST', '/v1/channels/meda/resume')).status).toBe(200);
		expect(await waitingOf(e, id)).toMatchObject({ code: 'ready', at: new Date(NOW).toISOString() });
		await e.tick();
		expect(sent(e, id)).toBe(true);
	});

	test('election period: held until the period ends, then dispatch releases and sends it', async () => {
		if (skip) return;
		const e = await open({ rules: (data) => (data.election.periods = [{ name: 'Elezioni di prova', start: '2026-06-01', end: '2026-06-12 15:00' }]) });
		const id = await enqueue(e, { dedupeKey: 'notizia-1', text: 'Nuovi orari della biblioteca civica', category: 'notizia', priority: 10 });
		const why = reason('admin.waiting.election', { period: 'Elezioni di prova' });
		expect(await waitingOf(e, id)).toMatchObject({ code: 'election', at: '2026-06-12T13:00:00.000Z', reason: why });
		const shown = await pages(e, id);
		expect(shown.line).toBe(escapeHtml(t('admin.waiting.line', { date: '12/06/2026 15:00', reason: why })));
		expect(shown.nextOut).toBe('12/06/2026 15:00');
		expect(shown.nextOutReason).toBe(escapeHtml(t('admin.dashboard.nextOutQueued', { reason: why })));
		await honoured(e, id, '2026-06-12T13:00:00Z');
	});

	test('pacing: the day\'s share is used, the next goes at midnight', async () => {
		if (skip) return;
		// Monday 8 June, 10:00: with 10 a week, 2 by the end of Monday.
		const e = await open({ quota: { pacing: true }, at: '2026-06-08T08:00:00Z' });
		await enqueue(e, text('uno'));
		await enqueue(e, text('due'));
		await e.tick();
		const id = await enqueue(e, text('tre'));
		const why = reason('admin.waiting.pacing');
		expect(await waitingOf(e, id)).toMatchObject({ code: 'pacing', at: '2026-06-08T22:00:00.000Z', reason: why });
		expect((await pages(e, id)).line).toBe(escapeHtml(t('admin.waiting.line', { date: '09/06/2026 00:00', reason: why })));
		await honoured(e, id, '2026-06-08T22:00:00Z');
	});

	test('scheduled by the caller: at its time', async () => {
		if (skip) return;
		const e = await open({});
		const id = await enqueue(e, text('programmato', { earliestAt: '2026-06-10T16:00:00Z' }));
		expect(await waitingOf(e, id)).toMatchObject({ code: 'scheduled', at: '2026-06-10T16:00:00.000Z', reason: reason('admin.waiting.scheduled') });
		await honoured(e, id, '2026-06-10T16:00:00Z');
	});

	test('a message that expires before there is room: no exit, and dispatch expires it', async () => {
		if (skip) return;
		const e = await open({ quota: { perWeek: 1 } });
		await enqueue(e, text('uno'));
		await e.tick();
		const id = await enqueue(e, text('scade', { expiresAt: '2026-06-12T10:00:00Z' }));
		const why = reason('admin.waiting.expires', { date: '12/06/2026 12:00' });
		expect(await waitingOf(e, id)).toMatchObject({ code: 'expires', at: null, reason: why });
		expect((await pages(e, id)).line).toBe(escapeHtml(t('admin.waiting.lineNever', { reason: why })));
		await e.tick();
		expect(sent(e, id)).toBe(false);
		expect((await e.api<{ message: { state: string } }>('GET', `/v1/messages/${id}`)).body.message.state).toBe('expired');
	});

	test('the week\'s last slot: the low-priority news goes out together in a digest, as forecast', async () => {
		if (skip) return;
		const e = await open({ quota: { perWeek: 2 }, rules: (data) => (data.quota.digest = { enabled: true, maxPriority: 10 }) });
		await enqueue(e, text('uno'));
		await e.tick();
		const news = [];
		for (const i of [1, 2, 3]) news.push(await enqueue(e, { dedupeKey: `notizia-${i}`, text: `Notizia ${i}\nhttps://www.comune.meda.mb.it/novita/${i}`, category: 'notizia', priority: 10 }));
		for (const id of news) expect(await waitingOf(e, id)).toMatchObject({ code: 'ready', at: new Date(NOW).toISOString() });
		await e.tick();
		for (const id of news) expect((await e.api<{ message: { state: string; providerMessageId: string } }>('GET', `/v1/messages/${id}`)).body.message).toMatchObject({ state: 'sent', providerMessageId: expect.stringMatching(/^riepilogo:/) });
	});

	test('the OpenAPI document describes the field', async () => {
		if (skip) return;
		const e = await open({});
		const doc = await e.api<{ paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: { properties: { message: { properties: Record<string, { properties?: Record<string, unknown> }> } } } }> }> } }> }>('GET', '/openapi.json');
		const message = doc.body.paths['/v1/messages/{id}'].get.responses['200'].content['application/json'].schema.properties.message;
		expect(Object.keys(message.properties.waiting.properties ?? {})).toEqual(['code', 'codes', 'at', 'reason']);
	});

	test('an empty queue: the dashboard says when a new message could go out', async () => {
		if (skip) return;
		const e = await open({ quota: { minSpacingMinutes: 60 } });
		let dashboard = await e.client.get('/admin?channel=meda');
		expect(dashboard.text).toMatch(new RegExp(`id="next-out"[^>]*>${t('admin.dashboard.nextOutNow')}<`));
		expect(dashboard.text).toContain(escapeHtml(t('admin.dashboard.nextOutNewNow')));
		await enqueue(e, emergency('allerta-1'));
		await e.tick();
		dashboard = await e.client.get('/admin?channel=meda');
		expect(dashboard.text).toMatch(/id="next-out"[^>]*>10\/06\/2026 11:00</);
		expect(dashboard.text).toContain(escapeHtml(t('admin.dashboard.nextOutNew', { reason: reason('admin.waiting.spacing', { minutes: 60 }) })));
	});
});
