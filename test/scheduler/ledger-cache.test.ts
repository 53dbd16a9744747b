// The ledger cache (ledger.ts, migration 0005): a decision reuses the counts of the last one only
// while the channel's ledger version is unchanged. These tests change the ledger behind a process's
// back (another process, a rolled-back transaction) and check the next decision sees the change.
import { decideInTx } from '../../scheduler/src/ledger';
import type { Scheduler } from '../../scheduler/src/index';
import { reserve, release } from '../../scheduler/src/slots';
import { enqueue } from '../../scheduler/src/queue';
import { databasePerTest, decisionOf, type Kind } from './helpers';

const AT = new Date('2026-05-12T09:00:00Z');

describe.each<Kind>(['sqlite', 'postgres'])('ledger cache on %s', (kind) => {
	const shared = databasePerTest(kind);
	/** Two scheduler processes' worth of state (store, cache) on one database, limit 1 a week. */
	const twoSchedulers = () => shared.two({ perWeek: 1 }, () => AT);

	const version = async (s: Scheduler) => String((await s.ctx.store.get<{ v: unknown }>('SELECT ledger_version AS v FROM channels WHERE id = ?', ['meda']))?.v);

	test('the version moves with claims and releases, not with enqueues or refusals', async () => {
		if (shared.skipped()) return;
		const [a] = await twoSchedulers();
		const v0 = await version(a);
		await enqueue(a.ctx, 'meda', { dedupeKey: 'solo-in-coda', text: 'In coda' }, 'test');
		expect(await version(a)).toBe(v0);
		const slot = await reserve(a.ctx, 'meda', { dedupeKey: 'primo', text: 'Primo' }, 'test');
		const v1 = await version(a);
		expect(v1).not.toBe(v0);
		expect(await decisionOf(reserve(a.ctx, 'meda', { dedupeKey: 'secondo', text: 'Secondo' }, 'test'))).toBe('quota_exhausted');
		expect(await version(a)).toBe(v1);
		await release(a.ctx, slot.id, 'test');
		expect(await version(a)).not.toBe(v1);
	});

	test('a release by another process frees the room for this one, whose last decision was a refusal', async () => {
		if (shared.skipped()) return;
		const [a, b] = await twoSchedulers();
		const slot = await reserve(a.ctx, 'meda', { dedupeKey: 'primo', text: 'Primo' }, 'test');
		expect(await decisionOf(reserve(b.ctx, 'meda', { dedupeKey: 'secondo', text: 'Secondo' }, 'test'))).toBe('quota_exhausted');
		await release(a.ctx, slot.id, 'test');
		expect(await decisionOf(reserve(b.ctx, 'meda', { dedupeKey: 'secondo', text: 'Secondo' }, 'test'))).toBe('granted');
		// And the other way round: a's cache saw room, b has taken it.
		expect(await decisionOf(reserve(a.ctx, 'meda', { dedupeKey: 'terzo', text: 'Terzo' }, 'test'))).toBe('quota_exhausted');
	});

	test('counts read inside a transaction that rolled back are never reused', async () => {
		if (shared.skipped()) return;
		const [a] = await twoSchedulers();
		const quota = a.ctx.channels.get('meda')!.rules.quota;
		const claim = (q: Parameters<Parameters<typeof a.ctx.store.tx>[0]>[0], id: string) =>
			q.run(
				`INSERT INTO messages (id, channel, dedupe_key, state, text, priority, emergency, earliest_at, created_at, updated_at, reasons, attempts, claimed_at, counted)
				VALUES (?, 'meda', ?, 'sending', 'x', 50, 0, ?, ?, ?, '[]', 1, ?, 1)`,
				[id, id, AT.getTime(), AT.getTime(), AT.getTime(), AT.getTime()],
			);
		await expect(
			a.ctx.store.tx(async (q) => {
				await claim(q, 'annullato');
				// Read (and cached) with the rolled-back claim in it: no room.
				expect(await decideInTx(q, 'meda', quota, AT, false, a.ctx.ledger)).toMatchObject({ allow: false, code: 'quota_exhausted' });
				throw new Error('rollback');
			}, { lockChannel: 'meda' }),
		).rejects.toThrow('rollback');
		await a.ctx.store.tx(async (q) => {
			expect(await decideInTx(q, 'meda', quota, AT, false, a.ctx.ledger)).toEqual({ allow: true, counts: true });
		}, { lockChannel: 'meda' });
	});
});
