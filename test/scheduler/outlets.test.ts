// One message, several outlets (#16): a channel that delivers to a WhatsApp Channel (a fake WAHA) and
// to a Telegram channel (a fake Bot API) sends each message to both, counts it once, records each
// outlet's result, and when one outlet is down the other still gets each message once while the
// failed one is retried. On a real SQLite file and on PostgreSQL.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigInvalid, loadConfig } from '../../scheduler/src/config';
import type { DeliverySettings } from '../../scheduler/src/delivery/kinds';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import { ADMIN, Client, visible } from '../admin/helpers';
import { startFakeBotApi, TOKEN as BOT_TOKEN, type FakeBotApi } from '../telegram/fake-bot-api';
import { startFakeGateway, type FakeGateway } from '../whatsapp/gateway-fake';
import { call, freshDatabase, manual, rulesFile, skipPostgres, tempDir, testClock, testConfig, type Kind, type TestClock, type TestDatabase } from './helpers';

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
	let bot: FakeBotApi;

	beforeAll(async () => {
		skip = await skipPostgres(kind);
	});
	beforeEach(async () => {
		fake = await startFakeGateway('waha');
		bot = await startFakeBotApi();
	});
	afterEach(async () => {
		await s?.close();
		s = null;
		await fake.close();
		await bot.close();
		await db?.drop();
		db = null;
	});

	async function start(): Promise<Scheduler> {
		const dir = tempDir();
		db = await freshDatabase(kind, dir);
		clock = testClock(T0);
		const delivery: DeliverySettings[] = [
			{ kind: 'waha', baseUrl: fake.url, chatId: CHANNEL, apiKey: 'secret-key', session: 'default', confirmAttempts: 2, confirmDelayMs: 0 },
			{ kind: 'telegram', token: BOT_TOKEN, chat: '@comunedimeda', apiUrl: bot.url },
		];
		const config = testConfig(db.database, { id: 'meda', name: 'Comune di Meda', rules: rulesFile(dir), delivery }, {
			dispatch: { intervalMs: 1000, leaseSeconds: 60, slotMinutes: 10, maxAttempts: 3, backoffSeconds: 30 },
			admin: { user: ADMIN.user, password: ADMIN.password, sessionHours: 8 },
		});
		s = await startScheduler(config, { clock: clock.now, dispatch: false });
		return s;
	}
	const api = <T>(method: string, path: string, body?: unknown) => call<T>((s as Scheduler).url, method, path, body);
	const enqueue = async (i: number) => (await api<{ message: Msg }>('POST', '/v1/channels/meda/messages', manual(i))).body.message.id;
	const get = async (id: string) => (await api<{ message: Msg }>('GET', `/v1/messages/${id}`)).body.message;
	const used = async () => (await api<{ used: number }>('GET', '/v1/channels/meda/quota')).body.used;
	const tick = () => (s as Scheduler).dispatcher.tick();
	/** The messages the Telegram channel shows, by their footer-less first line ("Avviso numero N"). */
	const telegramIds = () => bot.posted.map((p) => p.shown.split('\n')[0]);
	const later = (minutes: number) => clock.set(new Date(clock.now().getTime() + minutes * 60_000).toISOString());

	/** What the WhatsApp Channel shows, read back from the gateway as the scheduler reads it, oldest first. */
	const channelShows = async () => {
		const response = await fetch(`${fake.url}/api/default/chats/${CHANNEL}/messages?limit=100`, { headers: { 'x-api-key': 'secret-key' } });
		return ((await response.json()) as Array<{ body: string }>).map((m) => m.body.split('\n')[0]).reverse();
	};
	const outletStates = (m: Msg) => m.outlets.map((o) => [o.outlet, o.state]);

	test('ten messages a week reach both outlets, each once, and count ten', async () => {
		if (skip) return;
		await start();
		const ids: string[] = [];
		for (let i = 1; i <= 12; i++) ids.push(await enqueue(i));
		await tick();
		await tick();
		expect(await channelShows()).toHaveLength(10);
		expect(telegramIds().sort()).toEqual((await channelShows()).sort());
		expect(new Set(telegramIds()).size).toBe(10);
		expect(await used()).toBe(10);
		const sent = (await Promise.all(ids.map(get))).filter((m) => m.state === 'sent');
		expect(sent).toHaveLength(10);
		for (const m of sent) {
			expect(outletStates(m)).toEqual([['telegram', 'sent'], ['waha', 'sent']]);
			expect(m.outlets.find((o) => o.outlet === 'telegram')?.providerMessageId).toMatch(/^-1001234567890:\d+$/);
			expect(m.providerMessageId).toMatch(/waha:true_/);
			expect(m.providerMessageId).toMatch(/telegram:-1001234567890:\d+/);
		}
		const channels = (await api<{ channels: Array<{ id: string; delivery: string }> }>('GET', '/v1/channels')).body.channels;
		expect(channels).toEqual([expect.objectContaining({ id: 'meda', delivery: 'waha+telegram' })]);
	});

	test.each(['telegram', 'waha'] as const)('%s down: the other outlet gets each message once, the failed one is retried and shown, counted once', async (down) => {
		if (skip) return;
		await start();
		const breakIt = (broken: boolean) => (down === 'telegram' ? (bot.floodSeconds = broken ? 30 : 0) : (fake.status = broken ? 429 : 201));
		breakIt(true);
		const first = await enqueue(1);
		const second = await enqueue(2);
		await tick();
		const up = async () => (down === 'telegram' ? channelShows() : telegramIds());
		expect((await up()).sort()).toEqual(['Avviso numero 1', 'Avviso numero 2']);
		expect(await used()).toBe(2);
		for (const id of [first, second]) {
			const m = await get(id);
			expect(m.state).toBe('sent');
			const failed = m.outlets.find((o) => o.outlet === down) as Outlet;
			expect(failed).toMatchObject({ state: 'retrying', attempts: 1 });
			expect(failed.reason).toBeTruthy();
			expect(failed.retryAt).toBe(new Date(clock.now().getTime() + 30_000).toISOString());
		}
		// The office sees, in the message's history, which outlet has it and which will be tried again.
		const office = new Client(() => (s as Scheduler).url);
		await office.login();
		const page = visible((await office.get(`/admin/audit?message=${first}`)).text);
		const name = down === 'telegram' ? 'Canale Telegram' : 'Canale WhatsApp (WAHA)';
		expect(page).toContain(`${name} : da ritentare (nuovo tentativo`);
		expect(page).toContain(`${down === 'telegram' ? 'Canale WhatsApp (WAHA)' : 'Canale Telegram'} : arrivato`);
		expect(page).not.toMatch(/outlet\.|retrying/);
		// Before the backoff nothing is tried again; after it the outlet is back and only it is asked.
		await tick();
		expect(await up()).toHaveLength(2);
		breakIt(false);
		later(1);
		await tick();
		expect((await channelShows()).sort()).toEqual(['Avviso numero 1', 'Avviso numero 2']);
		expect(telegramIds().sort()).toEqual(['Avviso numero 1', 'Avviso numero 2']);
		for (const id of [first, second]) expect(outletStates(await get(id))).toEqual([['telegram', 'sent'], ['waha', 'sent']]);
		expect(await used()).toBe(2);
		// The office reads each outlet's outcome in the audit log.
		const audit = await (s as Scheduler).ctx.store.all<{ type: string }>("SELECT type FROM audit WHERE type LIKE 'outlet.%' ORDER BY id");
		expect(audit.map((a) => a.type)).toEqual(expect.arrayContaining(['outlet.retrying', 'outlet.sent']));
		later(60);
		await tick();
		expect(telegramIds()).toHaveLength(2);
	});

	test('an outlet that keeps failing ends as failed after maxAttempts, shown, while the message stays sent and counted', async () => {
		if (skip) return;
		await start();
		bot.floodSeconds = 30;
		const id = await enqueue(1);
		await tick();
		for (let i = 0; i < 5; i++) {
			later(60);
			await tick();
		}
		const m = await get(id);
		expect(m.state).toBe('sent');
		const telegram = m.outlets.find((o) => o.outlet === 'telegram') as Outlet;
		expect(telegram).toMatchObject({ state: 'failed', attempts: 3 });
		expect(telegram.reason).toMatch(/dopo 3 tentativi/);
		expect(await channelShows()).toEqual(['Avviso numero 1']);
		expect(bot.posted).toHaveLength(0);
		expect(await used()).toBe(1);
	});

	test('both outlets down: the message is neither sent nor counted, and reaches both once they are back', async () => {
		if (skip) return;
		await start();
		fake.status = 429;
		bot.floodSeconds = 30;
		const id = await enqueue(1);
		await tick();
		expect((await get(id)).state).toBe('queued');
		expect(await used()).toBe(0);
		fake.status = 201;
		bot.floodSeconds = 0;
		later(1);
		await tick();
		const m = await get(id);
		expect(m.state).toBe('sent');
		expect(outletStates(m)).toEqual([['telegram', 'sent'], ['waha', 'sent']]);
		expect(telegramIds()).toEqual(['Avviso numero 1']);
		expect(await channelShows()).toEqual(['Avviso numero 1']);
		expect(await used()).toBe(1);
	});

	test('Telegram posts and never answers (a crash of the answer): WhatsApp has it, Telegram is never posted twice and waits for a person', async () => {
		if (skip) return;
		await start();
		bot.hangAfterPosting = true;
		const id = await enqueue(1);
		await tick();
		expect((await get(id)).state).toBe('sent');
		expect(bot.posted).toHaveLength(1);
		// After the lease, Telegram is asked what it knows: its Bot API cannot read a channel back, so a person decides.
		later(2);
		await tick();
		later(60);
		await tick();
		const telegram = (await get(id)).outlets.find((o) => o.outlet === 'telegram') as Outlet;
		expect(telegram.state).toBe('unknown');
		expect(bot.posted).toHaveLength(1);
		expect(await channelShows()).toEqual(['Avviso numero 1']);
		expect(await used()).toBe(1);
	});
});

describe.each<Kind>(['sqlite', 'postgres'])('a channel that delivers to Telegram through the scheduler on %s', (kind) => {
	let skip = false;
	let bot: FakeBotApi;
	let db: TestDatabase | null = null;
	let s: Scheduler | null = null;
	let clock: TestClock;

	beforeAll(async () => {
		skip = await skipPostgres(kind);
	});
	beforeEach(async () => {
		bot = await startFakeBotApi();
	});
	afterEach(async () => {
		await s?.close();
		s = null;
		await bot.close();
		await db?.drop();
		db = null;
	});

	async function start(): Promise<void> {
		const dir = tempDir();
		db = await freshDatabase(kind, dir);
		clock = testClock(T0);
		const config = testConfig(
			db.database,
			{ id: 'meda', name: 'Comune di Meda', rules: rulesFile(dir), delivery: { kind: 'telegram', token: BOT_TOKEN, chat: '@comunedimeda', apiUrl: bot.url } },
			{ dispatch: { intervalMs: 1000, leaseSeconds: 60, slotMinutes: 10, maxAttempts: 3, backoffSeconds: 30 } },
		);
		s = await startScheduler(config, { clock: clock.now, dispatch: false });
	}
	const api = <T>(method: string, path: string, body?: unknown) => call<T>((s as Scheduler).url, method, path, body);
	const enqueue = async (i: number, extra: Record<string, unknown> = {}) => (await api<{ message: Msg }>('POST', '/v1/channels/meda/messages', manual(i, extra))).body.message.id;
	const get = async (id: string) => (await api<{ message: Msg & { reasons: string[]; history: Array<{ note: string | null }> } }>('GET', `/v1/messages/${id}`)).body.message;
	const tick = () => (s as Scheduler).dispatcher.tick();
	const later = (seconds: number) => clock.set(new Date(clock.now().getTime() + seconds * 1000).toISOString());

	test('text and photo are posted once in Telegram HTML, acknowledged with the chat and message ids', async () => {
		if (skip) return;
		await start();
		const text = await enqueue(1, { text: 'Avviso numero 1: *strade chiuse* <per lavori> & deviazioni' });
		const photo = await enqueue(2, { image: 'https://www.comune.meda.mb.it/foto/cantiere.jpg' });
		await tick();
		expect(bot.posted.map((p) => p.method)).toEqual(['sendMessage', 'sendPhoto']);
		expect(bot.posted[0].body).toMatchObject({ chat_id: '@comunedimeda', parse_mode: 'HTML' });
		expect(String(bot.posted[0].body.text)).toMatch(/^Avviso numero 1: <b>strade chiuse<\/b> &lt;per lavori&gt; &amp; deviazioni/);
		expect(bot.posted[0].shown).toMatch(/^Avviso numero 1: strade chiuse <per lavori> & deviazioni/);
		expect(bot.posted[1].body).toMatchObject({ photo: 'https://www.comune.meda.mb.it/foto/cantiere.jpg' });
		for (const [id, i] of [[text, 0], [photo, 1]] as const) {
			const m = await get(id);
			expect(m.state).toBe('sent');
			expect(m.providerMessageId).toBe(`-1001234567890:${bot.posted[i].messageId}`);
		}
		await tick();
		expect(bot.posted).toHaveLength(2);
	});

	test("429: not posted, tried again no sooner than Telegram's retry_after, then posted once", async () => {
		if (skip) return;
		await start();
		bot.floodSeconds = 120;
		const id = await enqueue(1);
		await tick();
		let m = await get(id);
		expect(m.state).toBe('queued');
		expect(m.history.map((h) => h.note).join(' ')).toMatch(/aspettare 120 secondi/);
		bot.floodSeconds = 0;
		later(60);
		await tick();
		expect(bot.posted).toHaveLength(0);
		later(61);
		await tick();
		m = await get(id);
		expect(m.state).toBe('sent');
		expect(bot.posted).toHaveLength(1);
	});

	test('the bot removed from the channel: failed at once with the Italian reason that says what to do, not counted', async () => {
		if (skip) return;
		await start();
		bot.next = { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot is not a member of the channel chat' } };
		const id = await enqueue(1);
		await tick();
		const m = await get(id);
		expect(m.state).toBe('failed');
		expect(m.reasons.join(' ')).toMatch(/aggiungerlo agli amministratori/);
		expect((await api<{ used: number }>('GET', '/v1/channels/meda/quota')).body.used).toBe(0);
	});

	test('a crash mid-send (posted, no answer): after the lease it is an unknown outcome, counted, never posted twice', async () => {
		if (skip) return;
		await start();
		bot.hangAfterPosting = true;
		const id = await enqueue(1);
		await tick();
		expect(bot.posted).toHaveLength(1);
		later(61);
		await tick();
		const m = await get(id);
		expect(m.state).toBe('failed');
		expect(m.reasons.join(' ')).toMatch(/sconosciuto|incert/i);
		expect((await api<{ used: number }>('GET', '/v1/channels/meda/quota')).body.used).toBe(1);
		later(3600);
		await tick();
		expect(bot.posted).toHaveLength(1);
	});
});

describe('a delivery list in the config file', () => {
	const dir = tempDir();
	const load = (deliveryYaml: string, env: Record<string, string> = { WAHA_API_KEY: 'k', TELEGRAM_BOT_TOKEN: BOT_TOKEN }) => {
		const file = join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
		writeFileSync(file, `channels:\n  - id: meda\n    rules: rules.yaml\n    delivery:\n${deliveryYaml.replace(/^/gm, '      ')}\n`);
		return () => loadConfig({ BANDITORE_API_TOKEN: 'token', BANDITORE_CONFIG: file, ...env }, dir);
	};
	const waha = `- { kind: waha, baseUrl: "http://waha:3000", chatId: "${CHANNEL}" }`;

	test('is read outlet by outlet, each with its own settings resolved', () => {
		const config = load(`${waha}\n- { kind: telegram, chat: "@comunedimeda" }`)();
		expect(config.channels[0].delivery).toEqual([
			expect.objectContaining({ kind: 'waha', apiKey: 'k', chatId: CHANNEL }),
			expect.objectContaining({ kind: 'telegram', token: BOT_TOKEN, chat: '@comunedimeda' }),
		]);
	});

	test('says what is wrong: a kind twice, an n8n flow among direct outlets, a field of one outlet, a missing token', () => {
		expect(load(`${waha}\n- { kind: waha, baseUrl: "http://waha2:3000", chatId: "${CHANNEL}" }`)).toThrow(
			new ConfigInvalid('channel "meda": the delivery list names "waha" twice; a channel delivers to each kind of outlet once.'),
		);
		expect(load(`${waha}\n- { kind: webhook, url: "http://n8n:5678/webhook/banditore" }`)).toThrow(/an n8n flow \(kind webhook\) cannot share a channel with other outlets/);
		expect(load(`${waha}\n- { kind: telegram }`)).toThrow(/delivery\.1\.chat: Required/);
		expect(load(`${waha}\n- { kind: telegram, chat: "@comunedimeda" }`, { WAHA_API_KEY: 'k' })).toThrow(/TELEGRAM_BOT_TOKEN is not set; it holds the Telegram bot token from @BotFather/);
		expect(load('[]')).toThrow(/delivery: Array must contain at least 1 element/);
	});
});
