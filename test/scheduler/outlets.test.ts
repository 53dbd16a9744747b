// One message, several outlets (#16): a channel that delivers to a WhatsApp Channel (a fake WAHA) and
// to a second outlet sends each message to both, counts it once, records each outlet's result, and
// when one outlet is down the other still gets each message once while the failed one is retried.
// On a real SQLite file and on PostgreSQL.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DeliverySettings } from '../../scheduler/src/delivery/kinds';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import { startFakeGateway, type FakeGateway } from '../whatsapp/gateway-fake';
import { call, freshDatabase, manual, outboxIds, rulesFile, skipPostgres, tempDir, testClock, testConfig, type Kind, type TestClock, type TestDatabase } from './helpers';

const CHANNEL = '120363012345678901@newsletter';
const T0 = '2026-06-08T08:00:00Z';

interface Outlet {
	outlet: string;
	state: string;
	providerMessageId: string | null;
	reason: string | null;
	attempts: number;
	retryAt: string | null;
}
interface Msg {
	id: string;
	state: string;
	providerMessageId: string | null;
	outlets: Outlet[];
}

describe.each<Kind>(['sqlite', 'postgres'])('a channel with two outlets on %s', (kind) => {
	let skip = false;
	let fake: FakeGateway;
	let db: TestDatabase | null = null;
	let s: Scheduler | null = null;
	let clock: TestClock;
	let file: string;

	beforeAll(async () => {
		skip = await skipPostgres(kind);
	});
	beforeEach(async () => {
		fake = await startFakeGateway('waha');
	});
	afterEach(async () => {
		await s?.close();
		s = null;
		await fake.close();
		await db?.drop();
		db = null;
	});

	async function start(): Promise<Scheduler> {
		const dir = tempDir();
		db = await freshDatabase(kind, dir);
		clock = testClock(T0);
		file = join(dir, 'outbox.jsonl');
		const delivery: DeliverySettings[] = [
			{ kind: 'waha', baseUrl: fake.url, chatId: CHANNEL, apiKey: 'secret-key', session: 'default', confirmAttempts: 2, confirmDelayMs: 0 },
			{ kind: 'outbox', file },
		];
		const config = testConfig(db.database, { id: 'meda', name: 'Comune di Meda', rules: rulesFile(dir), delivery }, { dispatch: { intervalMs: 1000, leaseSeconds: 60, slotMinutes: 10, maxAttempts: 3, backoffSeconds: 30 } });
		s = await startScheduler(config, { clock: clock.now, dispatch: false });
		return s;
	}
	const api = <T>(method: string, path: string, body?: unknown) => call<T>((s as Scheduler).url, method, path, body);
	const enqueue = async (i: number) => (await api<{ message: Msg }>('POST', '/v1/channels/meda/messages', manual(i))).body.message.id;
	const get = async (id: string) => (await api<{ message: Msg }>('GET', `/v1/messages/${id}`)).body.message;
	const used = async () => (await api<{ used: number }>('GET', '/v1/channels/meda/quota')).body.used;
	const tick = () => (s as Scheduler).dispatcher.tick();
	const later = (minutes: number) => clock.set(new Date(clock.now().getTime() + minutes * 60_000).toISOString());

	test('ten messages a week reach both outlets, each once, and count ten', async () => {
		if (skip) return;
		await start();
		const ids: string[] = [];
		for (let i = 1; i <= 12; i++) ids.push(await enqueue(i));
		await tick();
		await tick();
		expect(fake.posts).toHaveLength(10);
		expect(outboxIds(file)).toHaveLength(10);
		expect(await used()).toBe(10);
		const sent = (await Promise.all(ids.map(get))).filter((m) => m.state === 'sent');
		expect(sent).toHaveLength(10);
		for (const m of sent) {
			expect(m.outlets.map((o) => [o.outlet, o.state])).toEqual([['outbox', 'sent'], ['waha', 'sent']]);
			expect(m.providerMessageId).toMatch(/^waha:true_.+ outbox:outbox:|^outbox:outbox:.+ waha:true_/);
		}
		expect((await api<{ channels: Array<{ delivery: string }> }>('GET', '/v1/channels')).body.channels).toEqual([expect.objectContaining({ id: 'meda', delivery: 'waha+outbox' })]);
	});

	test('one outlet down: the other gets each message once, the failed one is retried and shown, nothing is counted twice', async () => {
		if (skip) return;
		await start();
		fake.status = 429;
		const first = await enqueue(1);
		const second = await enqueue(2);
		await tick();
		expect(outboxIds(file).sort()).toEqual([first, second].sort());
		expect(await used()).toBe(2);
		for (const id of [first, second]) {
			const m = await get(id);
			expect(m.state).toBe('sent');
			const waha = m.outlets.find((o) => o.outlet === 'waha') as Outlet;
			expect(waha).toMatchObject({ state: 'retrying', attempts: 1 });
			expect(waha.reason).toMatch(/WAHA/);
			expect(waha.retryAt).toBe(new Date(clock.now().getTime() + 30_000).toISOString());
		}
		// Before the backoff nothing is tried again; after it, the gateway is back and only WAHA is asked.
		await tick();
		expect(fake.posts).toHaveLength(2);
		fake.status = 201;
		later(1);
		await tick();
		expect(outboxIds(file)).toHaveLength(2);
		expect(fake.posts.filter((p) => p.path === '/api/sendText')).toHaveLength(4);
		for (const id of [first, second]) {
			const m = await get(id);
			expect(m.outlets.map((o) => [o.outlet, o.state])).toEqual([['outbox', 'sent'], ['waha', 'sent']]);
		}
		expect(await used()).toBe(2);
		// The office reads each outlet's outcome in the audit log.
		const audit = await (s as Scheduler).ctx.store.all<{ type: string }>("SELECT type FROM audit WHERE type LIKE 'outlet.%' ORDER BY id");
		expect(audit.map((a) => a.type)).toEqual(expect.arrayContaining(['outlet.retrying', 'outlet.sent']));
		await tick();
		expect(fake.posts.filter((p) => p.path === '/api/sendText')).toHaveLength(4);
	});

	test('an outlet that keeps failing ends as failed after maxAttempts, shown, while the message stays sent and counted', async () => {
		if (skip) return;
		await start();
		fake.status = 429;
		const id = await enqueue(1);
		await tick();
		for (let i = 0; i < 5; i++) {
			later(60);
			await tick();
		}
		const m = await get(id);
		expect(m.state).toBe('sent');
		const waha = m.outlets.find((o) => o.outlet === 'waha') as Outlet;
		expect(waha.state).toBe('failed');
		expect(waha.attempts).toBe(3);
		expect(waha.reason).toMatch(/dopo 3 tentativi/);
		expect(outboxIds(file)).toEqual([id]);
		expect(await used()).toBe(1);
	});

	test('both outlets down: the message is not sent nor counted, and goes to both once they are back', async () => {
		if (skip) return;
		await start();
		fake.status = 429;
		rmSync(file, { force: true });
		mkdirSync(file);
		const id = await enqueue(1);
		await tick();
		let m = await get(id);
		expect(m.state).toBe('queued');
		expect(await used()).toBe(0);
		rmSync(file, { recursive: true });
		fake.status = 201;
		later(1);
		await tick();
		m = await get(id);
		expect(m.state).toBe('sent');
		expect(m.outlets.map((o) => [o.outlet, o.state])).toEqual([['outbox', 'sent'], ['waha', 'sent']]);
		expect(outboxIds(file)).toEqual([id]);
		expect(await used()).toBe(1);
	});
});
