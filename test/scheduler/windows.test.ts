// The other ways a week is kept, through the API on a real SQLite file and the real PostgreSQL:
// a rolling window, minimum spacing, pacing through the week, and rules versions across restarts.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { call, countBy, databasePerTest, manual, messages, skipPostgres, startHarness, testClock, type Harness, type Kind } from './helpers';

describe.each<Kind>(['sqlite', 'postgres'])('weeks on %s', (kind) => {
	let skip = false;
	let h: Harness | null = null;
	beforeAll(async () => {
		skip = await skipPostgres(kind);
	});
	afterEach(async () => {
		await h?.close();
		h = null;
	});

	const enqueue = (i: number) => (h as Harness).api('POST', '/v1/channels/meda/messages', manual(i));

	test('rolling 7 days, limit 2: the third waits until the first is 7 days old, not until Monday', async () => {
		if (skip) return;
		h = await startHarness(kind, { at: '2026-09-09T08:00:00Z', quota: { perWeek: 2, week: 'rolling' } }); // a Wednesday
		await enqueue(1);
		await h.tick();
		h.set('2026-09-10T08:00:00Z');
		await enqueue(2);
		await enqueue(3);
		await h.tick();
		expect(countBy(await messages(h))).toEqual({ sent: 2, deferred: 1 });
		const quota = await h.api('GET', '/v1/channels/meda/quota');
		expect(quota.body).toMatchObject({ week: 'rolling', used: 2, remaining: 0, nextReset: '2026-09-16T08:00:00.000Z' });
		expect((await messages(h)).find((m) => m.state === 'deferred')?.earliestAt).toBe('2026-09-16T08:00:00.000Z');
		// Monday 00:00 changes nothing in a rolling window.
		h.set('2026-09-13T22:00:00Z');
		await h.tick();
		expect(countBy(await messages(h))).toEqual({ sent: 2, deferred: 1 });
		h.set('2026-09-16T07:59:59Z');
		await h.tick();
		expect(countBy(await messages(h))).toEqual({ sent: 2, deferred: 1 });
		h.set('2026-09-16T08:00:00Z');
		await h.tick();
		expect(countBy(await messages(h))).toEqual({ sent: 3 });
	});

	test('minimum spacing of 60 minutes: one now, the next an hour after it, a slot refused until then', async () => {
		if (skip) return;
		h = await startHarness(kind, { at: '2026-09-09T08:00:00Z', quota: { minSpacingMinutes: 60 } });
		await enqueue(1);
		await enqueue(2);
		await h.tick();
		expect(countBy(await messages(h))).toEqual({ sent: 1, queued: 1 });
		h.set('2026-09-09T08:30:00Z');
		await h.tick();
		expect(countBy(await messages(h))).toEqual({ sent: 1, queued: 1 });
		expect(await h.api('POST', '/v1/channels/meda/slots', { dedupeKey: 'diretto', text: 'Diretto' })).toMatchObject({ status: 409, body: { error: 'spacing', retryAt: '2026-09-09T09:00:00.000Z' } });
		h.set('2026-09-09T09:00:00Z');
		await h.tick();
		expect(countBy(await messages(h))).toEqual({ sent: 2 });
	});

	test('pacing, limit 10: 2 by Monday night, 3 by Tuesday, so the weekend still finds room', async () => {
		if (skip) return;
		h = await startHarness(kind, { at: '2026-09-07T08:00:00Z', quota: { pacing: true } }); // Monday 10:00 CEST
		for (let i = 0; i < 12; i++) await enqueue(i);
		await h.tick();
		expect(countBy(await messages(h))).toEqual({ sent: 2, queued: 10 });
		expect(await h.api('POST', '/v1/channels/meda/slots', { dedupeKey: 'diretto', text: 'Diretto' })).toMatchObject({ status: 409, body: { error: 'pacing', retryAt: '2026-09-07T22:00:00.000Z' } });
		h.set('2026-09-07T22:00:00Z'); // Tuesday 00:00
		await h.tick();
		expect(countBy(await messages(h))).toEqual({ sent: 3, queued: 9 });
		h.set('2026-09-13T21:00:00Z'); // Sunday 23:00: the whole limit is available
		await h.tick();
		expect(countBy(await messages(h))).toEqual({ sent: 10, deferred: 2 });
	});
});

describe.each<Kind>(['sqlite', 'postgres'])('rules versions on %s', (kind) => {
	const shared = databasePerTest(kind);

	test('a changed rules file is a new version at the next start, audited; each decision records the version it was made under', async () => {
		if (shared.skipped()) return;
		const { config, rules } = await shared.open({ perWeek: 10 });
		const clock = testClock('2026-09-09T08:00:00Z');
		const start = () => shared.start(config, clock.now);
		let s = await start();
		await call(s.url, 'POST', '/v1/channels/meda/messages', manual(1));
		// The same file again: no new version.
		await s.close();
		s = await start();
		expect((await call<{ channels: Array<{ rulesVersion: number }> }>(s.url, 'GET', '/v1/channels')).body.channels[0].rulesVersion).toBe(1);
		const data = parse(readFileSync(rules, 'utf8'));
		data.quota.perWeek = 3;
		writeFileSync(rules, stringify(data));
		await s.close();
		s = await start();
		expect((await call<{ channels: Array<{ rulesVersion: number }> }>(s.url, 'GET', '/v1/channels')).body.channels[0].rulesVersion).toBe(2);
		expect((await call<{ limit: number }>(s.url, 'GET', '/v1/channels/meda/quota')).body.limit).toBe(3);
		await call(s.url, 'POST', '/v1/channels/meda/messages', manual(2));
		const audit = (await call<{ entries: Array<{ type: string; details: Record<string, unknown> }> }>(s.url, 'GET', '/v1/audit?channel=meda')).body.entries;
		expect(audit.filter((e) => e.type === 'rules.changed').map((e) => e.details.version)).toEqual([1, 2]);
		expect(audit.filter((e) => e.type === 'message.enqueued').map((e) => [e.details.dedupeKey, e.details.rulesVersion])).toEqual([
			['avviso-1', 1],
			['avviso-2', 2],
		]);
	});
});
