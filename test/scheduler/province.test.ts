// A province at small scale: 50 channels on one PostgreSQL database, two real scheduler processes
// (node scheduler/dist/main.js) serving them together. Direct sends (slots) and queued messages race
// on every channel from both processes, while both dispatchers claim: the weekly limit holds exactly
// on each channel, and nothing is delivered twice.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildScheduler, call, freshDatabase, killSchedulers, outboxIds, rulesFile, skipPostgres, spawnScheduler, tempDir, until, type TestDatabase } from './helpers';

const CHANNELS = 50;
const LIMIT = 3;
/** Per channel: direct sends and queued messages, half through each process, all at once. */
const SLOTS = 4;
const QUEUED = 4;

beforeAll(buildScheduler, 120_000);

describe('50 channels, two scheduler processes, one PostgreSQL database', () => {
	let skip = false;
	let db: TestDatabase | null = null;
	beforeAll(async () => {
		skip = await skipPostgres('postgres');
	});
	afterEach(async () => {
		killSchedulers();
		await db?.drop();
		db = null;
	});

	test(`limit ${LIMIT} a week on each channel: exactly ${LIMIT} go out per channel, each once`, async () => {
		if (skip) return;
		const dir = tempDir();
		db = await freshDatabase('postgres', dir);
		const rules = rulesFile(dir, { perWeek: LIMIT });
		const ids = Array.from({ length: CHANNELS }, (_, i) => `comune-${i}`);
		const outbox = (id: string) => join(dir, `outbox-${id}.jsonl`);
		const file = join(dir, 'banditore.config.yaml');
		writeFileSync(file, `channels:\n${ids.map((id) => `  - id: ${id}\n    name: Comune ${id}\n    rules: ${rules}\n    delivery:\n      kind: outbox\n      file: ${outbox(id)}\n`).join('')}`);
		const env = { BANDITORE_CONFIG: file, BANDITORE_CLOCK: '2026-06-10T08:00:00Z', ...db.env };
		// The first creates the channels, the second finds them: both serve every channel.
		const a = await spawnScheduler(env);
		const b = await spawnScheduler(env);
		const via = (i: number) => (i % 2 ? a : b).url;

		const requests = ids.flatMap((id) => [
			...Array.from({ length: SLOTS }, (_, i) => call<{ error?: string }>(via(i), 'POST', `/v1/channels/${id}/slots`, { dedupeKey: `diretto-${i}`, text: `Avviso diretto ${i}` }).then((r) => ({ id, kind: 'slot', ...r }))),
			...Array.from({ length: QUEUED }, (_, i) => call(via(i + 1), 'POST', `/v1/channels/${id}/messages`, { dedupeKey: `coda-${i}`, text: `Avviso in coda ${i}` }).then((r) => ({ id, kind: 'queued', ...r }))),
		]);
		const results = await Promise.all(requests);
		for (const r of results) {
			if (r.kind === 'queued') expect(r.status).toBe(201);
			// A direct send is granted, or refused because the week is full: nothing else.
			else expect(r.status === 201 ? 'granted' : `${r.status} ${(r.body as { error?: string }).error}`).toMatch(/^(granted|409 quota_exhausted)$/);
		}
		const granted = new Map(ids.map((id) => [id, results.filter((r) => r.id === id && r.kind === 'slot' && r.status === 201).length]));

		// Both dispatchers claim what the slots left: every queued message ends sent or put off to next week.
		type M = { id: string; state: string; dedupeKey: string };
		const settled = await until('every queued message sent or put off to next week, on every channel', async () => {
			const lists = await Promise.all(ids.map(async (id, i) => (await call<{ messages: M[] }>(via(i), 'GET', `/v1/channels/${id}/messages?limit=100`)).body.messages));
			const done = (list: M[]) => list.filter((m) => m.dedupeKey.startsWith('coda-') && (m.state === 'sent' || m.state === 'deferred')).length === QUEUED;
			return lists.every(done) ? lists : null;
		}, 60_000);

		for (const [i, id] of ids.entries()) {
			const list = settled[i];
			const delivered = outboxIds(outbox(id));
			// Exactly the limit: the slots granted plus the queued messages dispatched, from either process.
			expect({ id, out: (granted.get(id) as number) + delivered.length }).toEqual({ id, out: LIMIT });
			expect(new Set(delivered).size).toBe(delivered.length);
			expect(list.filter((m) => m.state === 'deferred')).toHaveLength(QUEUED - delivered.length);
			const quota = await call<{ used: number; inFlight: number; remaining: number }>(via(i + 1), 'GET', `/v1/channels/${id}/quota`);
			expect(quota.body).toMatchObject({ remaining: 0 });
			expect(quota.body.used + quota.body.inFlight).toBe(LIMIT);
		}
	}, 120_000);
});
