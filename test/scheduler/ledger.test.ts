// The guarantee, on a real SQLite file and on the real PostgreSQL: the weekly limit holds under
// concurrency, nothing is lost or sent twice, week boundaries follow Monday 00:00 Europe/Rome.
import { createServer } from 'node:http';
import { countBy, manual, messages, outboxIds, skipPostgres, startHarness, type Harness, type Kind } from './helpers';

describe.each<Kind>(['sqlite', 'postgres'])('ledger on %s', (kind) => {
	let skip = false;
	let h: Harness | null = null;
	beforeAll(async () => {
		skip = await skipPostgres(kind);
	});
	afterEach(async () => {
		await h?.close();
		h = null;
	});

	test('50 items enqueued concurrently, limit 10: 10 sent, 40 deferred to Monday 00:00 (spring DST weekend), none lost, none twice', async () => {
		if (skip) return;
		h = await startHarness(kind, { at: '2026-03-28T09:00:00Z' });
		const hh = h;
		const results = await Promise.all(Array.from({ length: 50 }, (_, i) => hh.api('POST', '/v1/channels/meda/messages', manual(i))));
		expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
		// Enqueueing the same items again is a no-op that returns the existing messages.
		const again = await Promise.all(Array.from({ length: 50 }, (_, i) => hh.api<{ created: boolean; message: { id: string } }>('POST', '/v1/channels/meda/messages', manual(i))));
		expect(again.every((r) => r.status === 200 && r.body.created === false)).toBe(true);
		await Promise.all([h.tick(), h.tick()]);
		let list = await messages(h);
		expect(list).toHaveLength(50);
		expect(countBy(list)).toEqual({ sent: 10, deferred: 40 });
		expect(new Set(list.filter((m) => m.state === 'deferred').map((m) => m.earliestAt))).toEqual(new Set(['2026-03-29T22:00:00.000Z']));
		expect(list.find((m) => m.state === 'deferred')?.reasons.at(-1)).toMatch(/Limite di 10 messaggi della settimana raggiunto: rinviato al 30\/03\/2026 00:00/);
		let ids = outboxIds(h.outbox);
		expect(ids).toHaveLength(10);
		expect(new Set(ids).size).toBe(10);
		const quota = await h.api<Record<string, unknown>>('GET', '/v1/channels/meda/quota');
		expect(quota.body).toMatchObject({ limit: 10, used: 10, inFlight: 0, remaining: 0, windowStart: '2026-03-22T23:00:00.000Z', nextReset: '2026-03-29T22:00:00.000Z' });

		// Sunday 23:59:59 CEST: still the old week.
		h.set('2026-03-29T21:59:59Z');
		await h.tick();
		expect(outboxIds(h.outbox)).toHaveLength(10);
		// Monday 00:00 CEST: a new week, ten more.
		h.set('2026-03-29T22:00:00Z');
		await h.tick();
		list = await messages(h);
		expect(countBy(list)).toEqual({ sent: 20, deferred: 30 });
		ids = outboxIds(h.outbox);
		expect(new Set(ids).size).toBe(20);
		expect(ids).toHaveLength(20);
	});

	test('30 concurrent slot reservations, limit 10: exactly 10 granted, the rest quota_exhausted', async () => {
		if (skip) return;
		h = await startHarness(kind, { at: '2026-10-25T10:00:00Z' });
		const hh = h;
		const results = await Promise.all(
			Array.from({ length: 30 }, (_, i) => hh.api<{ slot?: { id: string }; error?: string; retryAt?: string }>('POST', '/v1/channels/meda/slots', { dedupeKey: `diretto-${i}`, text: `Diretto ${i}` })),
		);
		const granted = results.filter((r) => r.status === 201);
		expect(granted).toHaveLength(10);
		const refused = results.filter((r) => r.status === 409);
		expect(refused).toHaveLength(20);
		// Autumn DST weekend: the week ends Monday 26 October 00:00 CET.
		expect(new Set(refused.map((r) => `${r.body.error} ${r.body.retryAt}`))).toEqual(new Set(['quota_exhausted 2026-10-25T23:00:00.000Z']));
		const quota = await h.api<Record<string, number>>('GET', '/v1/channels/meda/quota');
		expect(quota.body).toMatchObject({ used: 0, inFlight: 10, remaining: 0 });
		// Confirm one, release one: the released room can be taken again, once.
		const [a, b] = granted.map((r) => r.body.slot?.id as string);
		expect((await h.api('POST', `/v1/slots/${a}/confirm`, { providerMessageId: 'wa-1' })).status).toBe(200);
		expect((await h.api('POST', `/v1/slots/${b}/release`)).status).toBe(200);
		const retry = await Promise.all([0, 1, 2].map((i) => hh.api('POST', '/v1/channels/meda/slots', { dedupeKey: `dopo-${i}` })));
		expect(retry.map((r) => r.status).sort()).toEqual([201, 409, 409]);
		expect(await h.api('GET', '/v1/channels/meda/quota')).toMatchObject({ body: { used: 1, inFlight: 9, remaining: 0 } });
		// Monday 00:00 CET (23:00 UTC): the new week has room.
		h.set('2026-10-25T23:00:00Z');
		expect((await h.api('POST', '/v1/channels/meda/slots', { dedupeKey: 'lunedi' })).status).toBe(201);
	});

	test('ISO week 53: deferred from Sunday 3 January 2027 to Monday 4 January 00:00', async () => {
		if (skip) return;
		h = await startHarness(kind, { at: '2027-01-03T20:00:00Z' });
		for (let i = 0; i < 12; i++) expect((await h.api('POST', '/v1/channels/meda/messages', manual(i))).status).toBe(201);
		await h.tick();
		const list = await messages(h);
		expect(countBy(list)).toEqual({ sent: 10, deferred: 2 });
		expect(list.find((m) => m.state === 'deferred')?.earliestAt).toBe('2027-01-03T23:00:00.000Z');
		expect((await h.api<{ windowStart: string }>('GET', '/v1/channels/meda/quota')).body.windowStart).toBe('2026-12-27T23:00:00.000Z');
		h.set('2027-01-03T23:00:00Z');
		await h.tick();
		expect(countBy(await messages(h))).toEqual({ sent: 12 });
	});

	test('emergencies pass beyond the limit with their justification in the audit log, and are refused without one', async () => {
		if (skip) return;
		h = await startHarness(kind, { at: '2026-06-10T08:00:00Z' });
		for (let i = 0; i < 10; i++) await h.api('POST', '/v1/channels/meda/messages', manual(i));
		await h.tick();
		const refused = await h.api('POST', '/v1/channels/meda/messages', manual(100, { emergency: true }));
		expect(refused).toMatchObject({ status: 422, body: { error: 'justification_required' } });
		expect(await h.api('POST', '/v1/channels/meda/slots', { dedupeKey: 'x', emergency: true, justification: '  ' })).toMatchObject({ status: 422, body: { error: 'justification_required' } });
		for (let i = 0; i < 3; i++) {
			const r = await h.api('POST', '/v1/channels/meda/messages', manual(200 + i, { emergency: true, justification: `Fuga di gas in via Roma ${i}` }));
			expect(r.status).toBe(201);
		}
		const slot = await h.api('POST', '/v1/channels/meda/slots', { dedupeKey: 'evacuazione', emergency: true, justification: 'Evacuazione scuola' });
		expect(slot.status).toBe(201);
		await h.tick();
		expect(countBy(await messages(h))).toEqual({ sent: 13, sending: 1 });
		const audit = await h.api<{ entries: Array<{ messageId: string; details: { justification: string; note: string } }> }>('GET', '/v1/audit?channel=meda&type=emergency.override');
		expect(audit.body.entries.map((e) => e.details.justification).sort()).toEqual(['Evacuazione scuola', 'Fuga di gas in via Roma 0', 'Fuga di gas in via Roma 1', 'Fuga di gas in via Roma 2']);
		expect(audit.body.entries[0].details.note).toMatch(/^Emergenza fuori dal limite settimanale\. Motivazione: /);
		expect(await h.api('GET', '/v1/channels/meda/quota')).toMatchObject({ body: { used: 10, remaining: 0, emergencies: 4 } });
	});

	test('quiet hours across midnight hold messages until 07:30; emergencies still go', async () => {
		if (skip) return;
		h = await startHarness(kind, { at: '2026-06-10T21:30:00Z', quota: { quietHours: { from: '21:00', to: '07:30' } } }); // 23:30 CEST
		await h.api('POST', '/v1/channels/meda/messages', manual(1));
		await h.api('POST', '/v1/channels/meda/messages', manual(2, { emergency: true, justification: 'Allerta rossa' }));
		await h.tick();
		expect(countBy(await messages(h))).toEqual({ queued: 1, sent: 1 });
		expect(await h.api('POST', '/v1/channels/meda/slots', { dedupeKey: 'notte' })).toMatchObject({ status: 409, body: { error: 'quiet_hours', retryAt: '2026-06-11T05:30:00.000Z' } });
		h.set('2026-06-11T05:29:00Z'); // 07:29
		await h.tick();
		expect(countBy(await messages(h))).toEqual({ queued: 1, sent: 1 });
		h.set('2026-06-11T05:30:00Z'); // 07:30
		await h.tick();
		expect(countBy(await messages(h))).toEqual({ sent: 2 });
	});

	test('a paused channel sends nothing until resumed', async () => {
		if (skip) return;
		h = await startHarness(kind, { at: '2026-06-10T08:00:00Z' });
		expect(await h.api('POST', '/v1/channels/meda/pause', { reason: 'verifica' })).toMatchObject({ status: 200, body: { channel: { id: 'meda', paused: true } } });
		for (let i = 0; i < 3; i++) await h.api('POST', '/v1/channels/meda/messages', manual(i));
		await h.api('POST', '/v1/channels/meda/messages', manual(9, { emergency: true, justification: 'Frana' }));
		await h.tick();
		expect(countBy(await messages(h))).toEqual({ queued: 4 });
		expect(outboxIds(h.outbox)).toHaveLength(0);
		expect(await h.api('POST', '/v1/channels/meda/slots', { dedupeKey: 'p' })).toMatchObject({ status: 409, body: { error: 'paused', retryAt: null } });
		await h.api('POST', '/v1/channels/meda/resume');
		await h.tick();
		expect(countBy(await messages(h))).toEqual({ sent: 4 });
	});

	test('expired items are marked expired with their reason, never dropped silently', async () => {
		if (skip) return;
		h = await startHarness(kind, { at: '2026-06-10T08:00:00Z', quota: { perWeek: 1 } });
		await h.api('POST', '/v1/channels/meda/messages', manual(1, { priority: 90 }));
		await h.api('POST', '/v1/channels/meda/messages', manual(2, { expiresAt: '2026-06-12T10:00:00Z' }));
		await h.api('POST', '/v1/channels/meda/messages', manual(3, { expiresAt: '2026-06-20T10:00:00Z' }));
		await h.tick();
		const list = await messages(h);
		expect(countBy(list)).toEqual({ sent: 1, expired: 1, deferred: 1 });
		expect(list.find((m) => m.state === 'expired')?.reasons.at(-1)).toMatch(/^Scaduto: il limite settimanale non lascia posto prima della scadenza/);
		const audit = await h.api<{ entries: unknown[] }>('GET', '/v1/audit?type=message.expired');
		expect(audit.body.entries).toHaveLength(1);
	});

	test('outbox transport after a crash between writing and marking sent: found in the file, never written twice', async () => {
		if (skip) return;
		h = await startHarness(kind, { at: '2026-06-10T08:00:00Z', leaseSeconds: 60 });
		for (let i = 0; i < 2; i++) await h.api('POST', '/v1/channels/meda/messages', manual(i));
		const store = h.scheduler.ctx.store;
		const [a, b] = await messages(h);
		// As if the process died: both claimed, only `a` written to the file.
		const lease = h.now().getTime() + 60_000;
		await store.run("UPDATE messages SET state = 'sending', claimed_at = ?, counted = 1, lease_until = ?, via = 'outbox', attempts = 1", [h.now().getTime(), lease]);
		const transport = h.scheduler.ctx.transports.get('meda');
		await transport?.deliver((await h.api<{ message: never }>('GET', `/v1/messages/${a.id}`)).body.message, '');
		h.set('2026-06-10T08:01:01Z');
		await h.tick();
		const after = await messages(h);
		expect(countBy(after)).toEqual({ sent: 2 });
		expect(outboxIds(h.outbox).sort()).toEqual([a.id, b.id].sort());
		expect(after.find((m) => m.id === b.id)?.history.map((x) => x.state)).toEqual(['queued', 'queued', 'sending', 'sent']);
	});

	test('webhook: handed over but never acknowledged becomes failed "esito sconosciuto", counts, and is resent only after an explicit retry', async () => {
		if (skip) return;
		const received: string[] = [];
		const fake = createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				received.push((JSON.parse(body) as { message: { id: string } }).message.id);
				res.writeHead(200).end('{}');
			});
		});
		await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
		const port = (fake.address() as { port: number }).port;
		try {
			h = await startHarness(kind, { at: '2026-06-10T08:00:00Z', leaseSeconds: 60, delivery: { kind: 'webhook', url: `http://127.0.0.1:${port}/hook` } });
			const { body } = await h.api<{ message: { id: string } }>('POST', '/v1/channels/meda/messages', manual(1));
			await h.tick();
			expect(received).toEqual([body.message.id]);
			expect((await h.api<{ message: { state: string } }>('GET', `/v1/messages/${body.message.id}`)).body.message.state).toBe('sending');
			h.set('2026-06-10T08:01:00Z');
			await h.tick();
			await h.tick();
			const failed = (await h.api<{ message: { state: string; reasons: string[] } }>('GET', `/v1/messages/${body.message.id}`)).body.message;
			expect(failed.state).toBe('failed');
			expect(failed.reasons.at(-1)).toBe('esito sconosciuto');
			expect(received).toHaveLength(1);
			expect(await h.api('GET', '/v1/channels/meda/quota')).toMatchObject({ body: { used: 1 } });
			await h.api('POST', `/v1/messages/${body.message.id}/retry`);
			await h.tick();
			expect(received).toEqual([body.message.id, body.message.id]);
			const ack = await h.api('POST', `/v1/messages/${body.message.id}/ack`, { status: 'sent', providerMessageId: 'wamid.1' });
			expect(ack).toMatchObject({ status: 200, body: { message: { state: 'sent', providerMessageId: 'wamid.1' } } });
			expect(await h.api('GET', '/v1/channels/meda/quota')).toMatchObject({ body: { used: 1 } });
		} finally {
			fake.close();
		}
	});
});
