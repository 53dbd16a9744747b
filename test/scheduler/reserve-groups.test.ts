// Reservations of one channel that arrive together are decided together, under one hold of its lock
// (issue #17), each seeing the counts as the one before left them. On SQLite and PostgreSQL the
// outcome of every reservation in a concurrent burst is the one it gets when the same reservations
// are made one at a time, in the same order, on a database in the same state: new texts, waiting
// messages, emergencies (exempt or not), a message released before, and one whose send had an
// unknown outcome (already counted, so the counts are read again after it).
import { join } from 'node:path';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import { quotaStatus } from '../../scheduler/src/ledger';
import { enqueue } from '../../scheduler/src/queue';
import { release, reserve } from '../../scheduler/src/slots';
import type { TxOptions } from '../../scheduler/src/store';
import { freshDatabase, rulesFile, skipPostgres, tempDir, testClock, testConfig, type Kind, type QuotaPatch, type TestDatabase } from './helpers';

type Ask = { key: string; emergency?: boolean };

/** A burst in a fixed order: 16 new texts, 8 waiting messages, 6 emergencies, the released one, the failed one. */
function burst(): Ask[] {
	const asks: Ask[] = [];
	for (let i = 0; i < 32; i++) {
		// Early in the burst, while there is room: each changes the counts as a new one would not.
		if (i === 1) asks.push({ key: 'esito-ignoto' });
		else if (i === 3) asks.push({ key: 'rilasciato' });
		else if (i % 5 === 2) asks.push({ key: `allerta-${i}`, emergency: true });
		else if (i % 4 === 1) asks.push({ key: `in-coda-${i}` });
		else asks.push({ key: `testo-${i}` });
	}
	return asks;
}

async function scheduler(kind: Kind, quota: QuotaPatch): Promise<{ s: Scheduler; db: TestDatabase; locks: string[] }> {
	const dir = tempDir();
	const db = await freshDatabase(kind, dir);
	const clock = testClock('2026-06-10T08:00:00Z');
	const s = await startScheduler(testConfig(db.database, { id: 'meda', name: 'Meda', rules: rulesFile(dir, quota), delivery: { kind: 'outbox', file: join(dir, 'outbox.jsonl') } }), { clock: clock.now, dispatch: false });
	// The same state on every database: waiting messages, one reserved then released, one whose send had an unknown outcome.
	for (const ask of burst().filter((a) => a.key.startsWith('in-coda'))) await enqueue(s.ctx, 'meda', { dedupeKey: ask.key, text: `Avviso ${ask.key}` }, 'test');
	await enqueue(s.ctx, 'meda', { dedupeKey: 'rilasciato', text: 'Avviso rilasciato' }, 'test');
	await release(s.ctx, (await reserve(s.ctx, 'meda', { dedupeKey: 'rilasciato' }, 'test')).id, 'test');
	await reserve(s.ctx, 'meda', { dedupeKey: 'esito-ignoto', text: 'Avviso con esito ignoto' }, 'test');
	await s.ctx.store.run("UPDATE messages SET state = 'failed', lease_until = NULL WHERE dedupe_key = 'esito-ignoto'");
	const locks: string[] = [];
	const store = s.ctx.store;
	const tx = store.tx.bind(store);
	store.tx = ((fn: Parameters<typeof tx>[0], options?: TxOptions) => {
		if (options?.lockChannel) locks.push(options.lockChannel);
		return tx(fn, options);
	}) as typeof store.tx;
	return { s, db, locks };
}

const ask = (s: Scheduler, a: Ask): Promise<string> =>
	reserve(s.ctx, 'meda', { dedupeKey: a.key, ...(a.key.startsWith('testo') || a.key.startsWith('allerta') ? { text: `Avviso ${a.key}` } : {}), ...(a.emergency ? { emergency: true, justification: 'Allerta meteo rossa' } : {}) }, 'test').then(
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
			// They were decided in groups: far fewer holds of the lock than reservations.
			expect(together.locks.length).toBeLessThan(asks.length / 2);
			expect(alone.locks.length).toBe(asks.length);
			const rules = together.s.ctx.channels.get('meda')?.rules.quota;
			const at = together.s.ctx.clock();
			const [a, b] = [await quotaStatus(together.s.ctx.store, 'meda', rules!, at), await quotaStatus(alone.s.ctx.store, 'meda', rules!, at)];
			expect(a).toEqual(b);
			expect(a.used + a.inFlight).toBeLessThanOrEqual(quota.perWeek as number);
		} finally {
			for (const { s, db } of [together, alone]) {
				await s.close();
				await db.drop();
			}
		}
	});
});
