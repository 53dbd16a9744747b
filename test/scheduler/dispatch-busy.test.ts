// A dispatcher pass visits only the channels with something to do (issue #17): in a province of many
// channels nearly all are idle, and visiting each one (two transactions under its lock) made a pass
// over 1,000 idle channels take longer than the pass interval. On SQLite and PostgreSQL: the pass
// locks only the channels with a message waiting or held, and still sends theirs and judges them again.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import type { TxOptions } from '../../scheduler/src/store';
import { call, freshDatabase, outboxIds, rulesFile, skipPostgres, tempDir, testClock, testConfig, type Kind, type TestDatabase } from './helpers';

const CHANNELS = 40;

describe.each<Kind>(['sqlite', 'postgres'])('dispatcher pass on %s', (kind) => {
	let db: TestDatabase;
	let scheduler: Scheduler;
	let dir: string;
	let skip = false;
	const clock = testClock('2026-06-10T08:00:00Z');
	const locked: string[] = [];

	beforeAll(async () => {
		skip = await skipPostgres(kind);
		if (skip) return;
		dir = tempDir();
		db = await freshDatabase(kind, dir);
		const rules = rulesFile(dir);
		// Channel c11 is in an election period: what it is given by hand waits for the office.
		const election = rulesFile(dir);
		const data = parse(readFileSync(election, 'utf8'));
		data.election.periods = [{ name: 'Elezioni comunali', start: '2026-06-01', end: '2026-06-30 23:00' }];
		writeFileSync(election, stringify(data));
		const channels = Array.from({ length: CHANNELS }, (_, i) => ({ id: `c${i}`, name: `Canale ${i}`, rules: i === 11 ? election : rules, delivery: { kind: 'outbox' as const, file: join(dir, `c${i}.jsonl`) } }));
		scheduler = await startScheduler({ ...testConfig(db.database, channels[0]), channels }, { clock: clock.now, dispatch: false });
		const store = scheduler.ctx.store;
		const tx = store.tx.bind(store);
		store.tx = ((fn: Parameters<typeof tx>[0], options?: TxOptions) => {
			if (options?.lockChannel) locked.push(options.lockChannel);
			return tx(fn, options);
		}) as typeof store.tx;
	});
	afterAll(async () => {
		if (skip) return;
		await scheduler.close();
		await db.drop();
	});

	test('idle channels are not locked; busy ones get their messages sent', async () => {
		if (skip) return;
		await scheduler.dispatcher.tick();
		expect(locked).toEqual([]);

		for (const channel of ['c7', 'c23']) {
			expect((await call(scheduler.url, 'POST', `/v1/channels/${channel}/messages`, { dedupeKey: `avviso-${channel}`, text: 'Chiusura della biblioteca per lavori' })).status).toBe(201);
		}
		locked.length = 0;
		await scheduler.dispatcher.tick();
		expect(new Set(locked)).toEqual(new Set(['c7', 'c23']));
		expect(outboxIds(join(dir, 'c7.jsonl'))).toHaveLength(1);
		expect(outboxIds(join(dir, 'c23.jsonl'))).toHaveLength(1);

		// Sent: nothing is waiting any more, and the next pass locks nothing.
		locked.length = 0;
		await scheduler.dispatcher.tick();
		expect(locked).toEqual([]);
	});

	test('a held message keeps its channel in the pass, to be judged again', async () => {
		if (skip) return;
		const held = await call<{ message: { state: string } }>(scheduler.url, 'POST', '/v1/channels/c11/messages', { dedupeKey: 'grazie', text: 'Il sindaco ringrazia i volontari' });
		expect(held.body.message.state).toBe('held');
		locked.length = 0;
		await scheduler.dispatcher.tick();
		expect(locked).toContain('c11');
		expect(locked.filter((c) => c !== 'c11')).toEqual([]);
	});
});
