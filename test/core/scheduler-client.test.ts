// core/scheduler's client against a real scheduler on 127.0.0.1: the operations the nodes and the CLI
// use, an API error with its hint, and an address where nothing answers.
import { createSchedulerClient, fetchTransport, SchedulerApiError, SchedulerUnreachableError, type SchedulerClient } from '../../core/scheduler';
import { startHarness, TOKEN, type Harness } from '../scheduler/helpers';

const client = (baseUrl: string, token = TOKEN, extra: Partial<Parameters<typeof createSchedulerClient>[0]> = {}): SchedulerClient =>
	createSchedulerClient({ baseUrl, transport: fetchTransport({ baseUrl, token, timeoutMs: 5_000 }), ...extra });

describe('the scheduler API client, against a real scheduler', () => {
	let h: Harness;
	let api: SchedulerClient;
	beforeAll(async () => {
		// Wednesday 25 November 2026, 10:00 in Rome; two sends a week.
		h = await startHarness('sqlite', { at: '2026-11-25T09:00:00Z', quota: { perWeek: 2 } });
		api = client(h.scheduler.url);
	});
	afterAll(async () => h.close());

	it('lists channels, enqueues once per dedupe key, reads and cancels messages', async () => {
		expect((await api.channels()).map((c) => [c.id, c.paused])).toEqual([['meda', false]]);
		const first = await api.enqueue('meda', { dedupeKey: 'avviso-1', text: 'Avviso numero 1', category: 'avviso' });
		expect(first).toEqual({ created: true, duplicate: null, message: expect.objectContaining({ channel: 'meda', dedupeKey: 'avviso-1', state: 'queued' }) });
		expect((await api.enqueue('meda', { dedupeKey: 'avviso-1', text: 'Avviso numero 1', category: 'avviso' })).created).toBe(false);
		expect((await api.message(first.message.id)).id).toBe(first.message.id);
		expect((await api.messages('meda', { state: ['queued'] })).map((m) => m.id)).toEqual([first.message.id]);
		expect((await api.cancel(first.message.id)).state).toBe('cancelled');
		expect(await api.messages('meda', { state: ['queued'], limit: 10 })).toEqual([]);
	});

	it('reserves slots until the weekly limit, answers a refusal as reserved: false, confirms and releases', async () => {
		const a = await api.reserveSlot('meda', { dedupeKey: 'slot-a' });
		const b = await api.reserveSlot('meda', { dedupeKey: 'slot-b' });
		expect([a.reserved, b.reserved]).toEqual([true, true]);
		const refused = await api.reserveSlot('meda', { dedupeKey: 'slot-c' });
		expect(refused).toEqual(expect.objectContaining({ reserved: false, error: 'quota_exhausted', retryAt: expect.any(String) }));
		if (!a.reserved || !b.reserved) throw new Error('unreachable');
		const confirmed = await api.confirmSlot(a.slot.id, 'wamid.A');
		expect(confirmed.message.state).toBe('sent');
		expect((await api.releaseSlot(b.slot.id)).slot.id).toBe(b.slot.id);
		expect(await api.quota('meda')).toEqual(expect.objectContaining({ channel: 'meda', limit: 2, used: 1, inFlight: 0, remaining: 1 }));
	});

	it('reads the channel rules with their ETag, and a 304 when the tag still holds', async () => {
		const first = await api.channelRules('meda');
		if (first.notModified) throw new Error('a first read cannot be a 304');
		expect(first.status).toBe(200);
		expect(first.rules).toEqual(expect.objectContaining({ channel: 'meda', version: 1, source: expect.any(String) }));
		expect(first.etag).toMatch(/^"1-/);
		expect(await api.channelRules('meda', first.etag)).toEqual({ notModified: true, status: 304, etag: first.etag });
	});

	it('registers, lists and unregisters a webhook', async () => {
		const hook = await api.registerWebhook('http://127.0.0.1:5678/webhook/abc/banditore', ['meda']);
		expect(hook).toEqual(expect.objectContaining({ url: 'http://127.0.0.1:5678/webhook/abc/banditore', channels: ['meda'] }));
		expect((await api.webhooks()).map((w) => w.id)).toEqual([hook.id]);
		await api.unregisterWebhook(hook.id);
		expect(await api.webhooks()).toEqual([]);
	});

	it('looks up recorded WhatsApp statuses: none for an unknown broadcast', async () => {
		expect(await api.lookupStatuses('nessuno', ['k1'])).toEqual(new Map());
	});

	it("turns the API's { error, message, hint } into one error with status, code, message and hint", async () => {
		const error = await api.signupLink('meda').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(SchedulerApiError);
		expect(error).toMatchObject({ status: 404, code: 'not_found', message: 'channel "meda" has no subscribers', hint: 'Only channels with "delivery: { kind: subscribers }" have a sign-up link.' });
		const denied = await client(h.scheduler.url, 'nope').quota('meda').catch((e: unknown) => e);
		expect(denied).toBeInstanceOf(SchedulerApiError);
		expect(denied).toMatchObject({ status: 401, code: 'unauthorized' });
	});

	it('lets the caller present its errors in its own terms', async () => {
		const presented = client(h.scheduler.url, TOKEN, { presentError: (e) => new Error(`[${e.code}] ${e.message}`) });
		await expect(presented.quota('nessuno')).rejects.toThrow(/^\[not_found\] .*nessuno/);
	});
});

describe('the scheduler API client, with nothing listening', () => {
	it('says in one sentence that the scheduler cannot be reached, with its address and what to do', async () => {
		const down = client('http://127.0.0.1:9', TOKEN, { unreachableHint: 'Start it with "banditore scheduler".' });
		const error = await down.channels().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(SchedulerUnreachableError);
		expect(error).toMatchObject({ code: 'unreachable', baseUrl: 'http://127.0.0.1:9', message: 'The scheduler at http://127.0.0.1:9 cannot be reached.', hint: 'Start it with "banditore scheduler".' });
		expect((error as SchedulerUnreachableError).reason).toBeTruthy();
	});

	it('names the address it tried when that is an ackUrl given by the scheduler', async () => {
		const error = await client('http://127.0.0.1:8787').ack('m1', { status: 'sent' }, 'http://127.0.0.1:9/v1/messages/m1/ack').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(SchedulerUnreachableError);
		expect((error as Error).message).toBe('The scheduler at http://127.0.0.1:9 cannot be reached.');
	});
});
