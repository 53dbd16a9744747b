// Reservations that arrive together are decided together, under one hold of their channels' locks
// (issue #17), each seeing its channel's counts as the one before left them. On SQLite and PostgreSQL the
// outcome of every reservation in a concurrent burst is the one it gets when the same reservations
// are made one at a time, in the same order, on a database in the same state: new texts, waiting
// messages, emergencies (exempt or not), a message released before, and one whose send had an
// unknown outcome (already counted, so the counts are read again after it); the burst is interleaved
// over three channels with quotas of their own.
import { join } from 'node:path';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import { quotaStatus } from '../../scheduler/src/ledger';
import { enqueue } from '../../scheduler/src/queue';
import { release, reserve } from '../../scheduler/src/slots';
import { channelsToLock, type TxOptions } from '../../scheduler/src/store';
import { freshDatabase, rulesFile, skipPostgres, tempDir, testClock, testConfig, type Kind, type QuotaPatch, type TestDatabase } from './helpers';

type Ask = { channel: string; key: string; emergency?: boolean };

const CHANNELS = ['meda', 'magenta', 'seregno'];

/** A burst in a fixed order: 16 new texts, 8 waiting messages, 6 emergencies, the released one, the failed one. */
function burst(): Ask[] {
	const asks: Ask[] = [];
	for (let i = 0; i < 32; i++) {
		for (const channel of CHANNELS) {
			// Early in the burst, while there is room: each changes the counts as a new one would not.
			if (i === 1) asks.push({ channel, key: 'esito-ignoto' });
			else if (i === 3) asks.push({ channel, key: 'rilasciato' });
			else if (i % 5 === 2) asks.push({ channel, key: `allerta-${i}`, emergency: true });
			else if (i % 4 === 1) asks.push({ channel, key: `in-coda-${i}` });
			else asks.push({ channel, key: `testo-${i}` });
		}
	}
	return asks;
}

async function scheduler(kind: Kind, quota: QuotaPatch): Promise<{ s: Scheduler; db: TestDatabase; locks: string[] }> {
	const dir = tempDir();
	const db = await freshDatabase(kind, dir);
	const clock = testClock('2026-06-10T08:00:00Z');
	// The others' quotas are smaller: their reservations run out earlier in the burst than Meda's.
	const channel = (id: string, patch: QuotaPatch) => ({ id, name: id, rules: rulesFile(dir, patch), delivery: { kind: 'outbox' as const, file: join(dir, `${id}.jsonl`) } });
	const channels = CHANNELS.map((id, i) => channel(id, { ...quota, perWeek: (quota.perWeek as number) - i }));
	const s = await startScheduler(testConfig(db.database, channels[0], { channels }), { clock: clock.now, dispatch: false });
	// The same state on every database: waiting messages, one reserved then released, one whose send had an unknown outcome.
	for (const id of CHANNELS) {
		for (const ask of burst().filter((a) => a.channel === id && a.key.startsWith('in-coda'))) await enqueue(s.ctx, id, { dedupeKey: ask.key, text: `Avviso ${ask.key}` }, 'test');
		await enqueue(s.ctx, id, { dedupeKey: 'rilasciato', text: 'Avviso rilasciato' }, 'test');
		await release(s.ctx, (await reserve(s.ctx, id, { dedupeKey: 'rilasciato' }, 'test')).id, 'test');
		await reserve(s.ctx, id, { dedupeKey: 'esito-ignoto', text: 'Avviso con esito ignoto' }, 'test');
	}
	await s.ctx.store.run("UPDATE messages SET state = 'failed', lease_until = NULL WHERE dedupe_key = 'esito-ignoto'");
	const locks: string[] = [];
	const store = s.ctx.store;
	const tx = store.tx.bind(store);
	store.tx = ((fn: Parameters<typeof tx>[0], options?: TxOptions) => {
		const channels = channelsToLock(options ?? {});
		if (channels.length) locks.push(channels.join(','));
		return tx(fn, options);
	}) as typeof store.tx;
	return { s, db, locks };
}

const ask = (s: Scheduler, a: Ask): Promise<string> =>
	reserve(s.ctx, a.channel, { dedupeKey: a.key, ...(a.key.startsWith('testo') || a.key.startsWith('allerta') ? { text: `Avviso ${a.key}` } : {}), ...(a.emergency ? { emergency: true, justification: 'Allerta meteo rossa' } : {}) }, 'test').then(
		() => 'reserved',
		(error: { code?: string }) => error.code ?? String(error),
	);

describe.each<Kind>(['sqlite', 'postgres'])('reservations decided together on %s', (kind) => {
	let skip = false;
	beforeAll(async () => {
		skip = await skipPostgres(kind);
	});

	test.each<[string, QuotaPatch]>([
		['5 a week, emergencies exempt', { perWeek: 5, emergenciesExempt: true }],
		['12 a week, emergencies counted', { perWeek: 12, emergenciesExempt: false }],
	])('%s: a concurrent burst gets what one at a time gets', async (_, quota) => {
		if (skip) return;
		const together = await scheduler(kind, quota);
		const alone = await scheduler(kind, quota);
		try {
			const asks = burst();
			const concurrent = await Promise.all(asks.map((a) => ask(together.s, a)));
			const sequential: string[] = [];
			for (const a of asks) sequential.push(await ask(alone.s, a));
			expect(concurrent).toEqual(sequential);
			expect(sequential).toContain('reserved');
			expect(sequential).toContain('quota_exhausted');
			// They were decided in groups, of several channels together: far fewer holds of the locks than reservations.
			expect(together.locks.length).toBeLessThan(asks.length / 4);
			expect(together.locks.some((l) => l.includes(','))).toBe(true);
			expect(alone.locks.length).toBe(asks.length);
			const at = together.s.ctx.clock();
			for (const id of CHANNELS) {
				const rules = together.s.ctx.channels.get(id)?.rules.quota;
				const [a, b] = [await quotaStatus(together.s.ctx.store, id, rules!, at), await quotaStatus(alone.s.ctx.store, id, rules!, at)];
				expect(a).toEqual(b);
				expect(a.used + a.inFlight).toBeLessThanOrEqual(rules!.perWeek);
			}
		} finally {
			for (const { s, db } of [together, alone]) {
				await s.close();
				await db.drop();
			}
		}
	});
});
