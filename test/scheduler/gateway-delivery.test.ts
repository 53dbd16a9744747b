// Direct delivery from the scheduler to a WhatsApp Channel through WAHA or Evolution API (no n8n):
// fake gateways on 127.0.0.1, request bodies checked against the providers' OpenAPI specs, on a
// real SQLite file and on PostgreSQL. Crashes: a lease that ran out while `sending`, and a real
// SIGKILL of a scheduler process.
import { writeFileSync } from 'node:fs';
import { createServer as createNetServer, connect, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createHttpClient, evolutionGateway, wahaGateway } from '../../core/whatsapp';
import { ConfigInvalid, loadConfig } from '../../scheduler/src/config';
import type { GatewayDelivery } from '../../scheduler/src/delivery/gateway';
import { gatewayTimeoutMs, postOf } from '../../scheduler/src/delivery/gateway';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import { startFakeGateway, type FakeGateway } from '../whatsapp/gateway-fake';
import { evolutionErrors, wahaErrors } from '../whatsapp/spec';
import { buildScheduler, call, killSchedulers, freshDatabase, manual, rulesFile, skipPostgres, spawnScheduler, tempDir, testClock, testConfig, TOKEN, until, type Kind, type SchedulerProcess, type TestClock, type TestDatabase } from './helpers';

const CHANNEL = '120363012345678901@newsletter';
const T0 = '2026-06-10T08:00:00Z';
const RECOVERED = "Ritrovato nel canale WhatsApp dopo un'interruzione: già pubblicato, non viene ripubblicato";
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

type Gw = 'waha' | 'evolution';
interface Msg {
	id: string;
	state: string;
	text: string;
	image: string | null;
	reasons: string[];
	attempts: number;
	providerMessageId: string | null;
	earliestAt: string;
	history: Array<{ state: string; note: string | null }>;
}

function delivery(gw: Gw, baseUrl: string, apiKey = 'secret-key'): GatewayDelivery {
	const common = { baseUrl, chatId: CHANNEL, apiKey, confirmAttempts: 2, confirmDelayMs: 0 };
	return gw === 'waha' ? { kind: 'waha', session: 'default', ...common } : { kind: 'evolution', instance: 'comune-meda', ...common };
}

/** The posts the fake received, each checked against the gateway's OpenAPI spec. */
function checkedPosts(gw: Gw, fake: FakeGateway) {
	for (const post of fake.posts) {
		const image = /sendImage|sendMedia/.test(post.path);
		const errors =
			gw === 'waha'
				? wahaErrors(image ? '/api/sendImage' : '/api/sendText', post.body)
				: evolutionErrors(image ? '/message/sendMedia/{instance}' : '/message/sendText/{instance}', post.body);
		expect(errors).toEqual([]);
	}
	return fake.posts;
}

/** A TCP door in front of a server that can be shut (connections refused) and opened again on the same port. */
async function door(target: string) {
	const to = new URL(target);
	const sockets = new Set<Socket>();
	const server: NetServer = createNetServer((socket) => {
		const upstream = connect(Number(to.port), to.hostname);
		sockets.add(socket).add(upstream);
		const end = () => {
			socket.destroy();
			upstream.destroy();
			sockets.delete(socket);
			sockets.delete(upstream);
		};
		socket.pipe(upstream).pipe(socket);
		for (const s of [socket, upstream]) s.on('error', end).on('close', end);
	});
	const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	await listen(0);
	const port = (server.address() as { port: number }).port;
	return {
		url: `http://127.0.0.1:${port}`,
		shut: async () => {
			for (const s of sockets) s.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
		open: () => listen(port),
		close: async () => {
			for (const s of sockets) s.destroy();
			if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

describe.each<Kind>(['sqlite', 'postgres'])('direct delivery to a WhatsApp Channel on %s', (kind) => {
	let skip = false;
	beforeAll(async () => {
		skip = await skipPostgres(kind);
	});

	describe.each<Gw>(['waha', 'evolution'])('through %s', (gw) => {
		let fake: FakeGateway;
		let db: TestDatabase | null = null;
		let s: Scheduler | null = null;
		let clock: TestClock;
		const cleanup: Array<() => Promise<void>> = [];

		beforeEach(async () => {
			fake = await startFakeGateway(gw);
		});
		afterEach(async () => {
			for (const done of cleanup.splice(0)) await done();
			await s?.close();
			s = null;
			await fake.close();
			await db?.drop();
			db = null;
		});

		async function start(baseUrl: string, apiKey?: string): Promise<Scheduler> {
			const dir = tempDir();
			db = await freshDatabase(kind, dir);
			clock = testClock(T0);
			const config = testConfig(
				db.database,
				{ id: 'meda', name: 'Comune di Meda', rules: rulesFile(dir), delivery: delivery(gw, baseUrl, apiKey) },
				{ dispatch: { intervalMs: 1000, leaseSeconds: 60, slotMinutes: 10, maxAttempts: 3, backoffSeconds: 30 } },
			);
			s = await startScheduler(config, { clock: clock.now, dispatch: false });
			return s;
		}
		const api = <T>(method: string, path: string, body?: unknown) => call<T>((s as Scheduler).url, method, path, body);
		const enqueue = async (i: number, extra: Record<string, unknown> = {}) => (await api<{ message: Msg }>('POST', '/v1/channels/meda/messages', manual(i, extra))).body.message.id;
		const get = async (id: string) => (await api<{ message: Msg }>('GET', `/v1/messages/${id}`)).body.message;
		const used = async () => (await api<{ used: number }>('GET', '/v1/channels/meda/quota')).body.used;
		const tick = () => (s as Scheduler).dispatcher.tick();

		/** As if a process died mid-delivery: the message claimed (`sending`, counted) with a lease of 60 s. */
		async function claimAndDie(id: string): Promise<void> {
			const now = clock.now().getTime();
			await (s as Scheduler).ctx.store.run("UPDATE messages SET state = 'sending', claimed_at = ?, counted = 1, lease_until = ?, via = ?, attempts = 1 WHERE id = ?", [now, now + 60_000, gw, id]);
		}
		/** The post the dead process had made, through the same core gateway. */
		async function postAsTheDeadProcess(id: string): Promise<void> {
			const http = createHttpClient();
			const config = { kind: gw, baseUrl: fake.url, apiKey: 'secret-key', session: gw === 'waha' ? 'default' : 'comune-meda', http };
			await (gw === 'waha' ? wahaGateway(config) : evolutionGateway(config)).send(CHANNEL, postOf(await get(id)));
			http.close();
		}

		test('a due message is posted once to the channel, acknowledged sent with the gateway id, and counted', async () => {
			if (skip) return;
			await start(fake.url);
			const text = await enqueue(1);
			const image = await enqueue(2, { image: 'https://www.comune.meda.mb.it/foto/cantiere.jpg' });
			await tick();
			const posts = checkedPosts(gw, fake);
			expect(posts.map((p) => p.path)).toEqual(
				gw === 'waha' ? ['/api/sendText', '/api/sendImage'] : ['/message/sendText/comune-meda', '/message/sendMedia/comune-meda'],
			);
			// The office's text closed by the rules' footer, the contact for problems.
			const body = (n: number) => expect.stringMatching(new RegExp(`^Avviso numero ${n}\n\nCanale informativo del Comune di Meda`));
			expect(posts[0].body).toMatchObject(gw === 'waha' ? { session: 'default', chatId: CHANNEL, text: body(1) } : { number: CHANNEL, text: body(1) });
			expect(posts[1].body).toMatchObject(gw === 'waha' ? { caption: body(2), file: { url: 'https://www.comune.meda.mb.it/foto/cantiere.jpg' } } : { caption: body(2), media: 'https://www.comune.meda.mb.it/foto/cantiere.jpg' });
			for (const [id, n] of [[text, 1], [image, 2]] as const) {
				const m = await get(id);
				expect(m.state).toBe('sent');
				expect(m.providerMessageId).toMatch(new RegExp(`3EB0${n}$`));
			}
			expect(await used()).toBe(2);
			await tick();
			expect(fake.posts).toHaveLength(2);
		});

		test('an n8n flow registered for every channel does not take a gateway channel over', async () => {
			if (skip) return;
			await start(fake.url);
			const n8nCalls: string[] = [];
			const n8n = createServer((req, res) => (n8nCalls.push(req.url ?? ''), res.end('{}')));
			await new Promise<void>((done) => n8n.listen(0, '127.0.0.1', done));
			cleanup.push(() => new Promise((done) => n8n.close(() => done())));
			const hook = await api('POST', '/v1/webhooks', { url: `http://127.0.0.1:${(n8n.address() as AddressInfo).port}/webhook/banditore` });
			expect(hook.status).toBe(201);
			const id = await enqueue(1);
			await tick();
			expect(n8nCalls).toEqual([]);
			expect(fake.posts).toHaveLength(1);
			expect((await get(id)).state).toBe('sent');
		});

		test('a gateway error 5xx answering the post keeps its place in the week; the read-back after the lease finds it absent, and it is posted once', async () => {
			if (skip) return;
			await start(fake.url);
			const id = await enqueue(1);
			fake.status = 503;
			await tick();
			let m = await get(id);
			// The gateway may have posted before failing: in flight, counted, until the lease's read-back.
			expect(m.state).toBe('sending');
			expect(await used()).toBe(0);
			expect((await api<{ inFlight: number }>('GET', '/v1/channels/meda/quota')).body.inFlight).toBe(1);
			fake.status = 201;
			clock.set(at(59));
			await tick();
			expect(fake.posts).toHaveLength(1);
			clock.set(at(60));
			await tick();
			m = await get(id);
			expect(m).toMatchObject({ state: 'sent', attempts: 2 });
			expect(m.history.map((h) => h.note).join('\n')).toMatch(/Non presente nel canale WhatsApp dopo un'interruzione/);
			expect(checkedPosts(gw, fake)).toHaveLength(2);
			expect(await used()).toBe(1);
		});

		test('a refused connection is retried with backoff, then sent when the gateway is back', async () => {
			if (skip) return;
			const gate = await door(fake.url);
			cleanup.push(gate.close);
			await gate.shut();
			await start(gate.url);
			const id = await enqueue(1);
			await tick();
			const m = await get(id);
			expect(m.state).toBe('queued');
			expect(m.history.at(-1)?.note).toContain(`${gw === 'waha' ? 'WAHA' : 'Evolution API'} non raggiungibile a ${gate.url}`);
			expect(fake.posts).toHaveLength(0);
			await gate.open();
			clock.set(at(30));
			await tick();
			expect(await get(id)).toMatchObject({ state: 'sent', attempts: 2 });
			expect(checkedPosts(gw, fake)).toHaveLength(1);
		});

		test('a wrong API key (401) fails at once with a clear Italian reason, is not retried and does not count', async () => {
			if (skip) return;
			await start(fake.url, 'wrong-key');
			const id = await enqueue(1);
			await tick();
			const m = await get(id);
			expect(m.state).toBe('failed');
			const env = gw === 'waha' ? 'WAHA_API_KEY' : 'EVOLUTION_API_KEY';
			expect(m.reasons.at(-1)).toBe(`Invio non riuscito: ${gw === 'waha' ? 'WAHA' : 'Evolution API'} ha rifiutato la chiave API (HTTP 401): correggere la variabile ${env} e riavviare lo scheduler`);
			clock.set(at(3600));
			await tick();
			expect((await get(id)).state).toBe('failed');
			expect(fake.posts).toHaveLength(0);
			expect(await used()).toBe(0);
		});

		test('a post the gateway accepts but the channel never shows fails for a person to check, still counted, not reposted', async () => {
			if (skip) return;
			await start(fake.url);
			fake.swallow = true;
			const id = await enqueue(1);
			await tick();
			const m = await get(id);
			expect(m.state).toBe('failed');
			expect(m.reasons.at(-1)).toMatch(/dopo 2 controlli non compare nel canale/);
			// It may still show up late: it keeps its place in the week until a person decides.
			expect(await used()).toBe(1);
			clock.set(at(3600));
			await tick();
			expect(fake.posts).toHaveLength(1);
		});

		test('a crash after the post: the lease runs out, the channel read back finds it → sent, never posted twice', async () => {
			if (skip) return;
			await start(fake.url);
			const id = await enqueue(1);
			await claimAndDie(id);
			await postAsTheDeadProcess(id);
			clock.set(at(59));
			await tick();
			expect((await get(id)).state).toBe('sending');
			clock.set(at(61));
			await tick();
			await tick();
			const m = await get(id);
			expect(m.state).toBe('sent');
			expect(m.providerMessageId).toMatch(/3EB01$/);
			expect(m.history.at(-1)?.note).toBe('Inviato');
			expect(checkedPosts(gw, fake)).toHaveLength(1);
			expect(await used()).toBe(1);
			const audit = await api<{ entries: Array<{ messageId: string; details: { note: string } }> }>('GET', '/v1/audit?type=message.recovered');
			expect(audit.body.entries).toMatchObject([{ messageId: id, details: { note: RECOVERED } }]);
		});

		test('a crash before the post: the read-back says it is not there → queued again and posted once', async () => {
			if (skip) return;
			await start(fake.url);
			const id = await enqueue(1);
			await claimAndDie(id);
			clock.set(at(61));
			await tick();
			const m = await get(id);
			expect(m.state).toBe('sent');
			// The claim of the dead process was written by hand (no history line), the rest by the scheduler.
			expect(m.history.map((h) => h.state)).toEqual(['queued', 'queued', 'sending', 'sent']);
			expect(m.history[1].note).toBe(`Non presente nel canale WhatsApp dopo un'interruzione (${gw === 'waha' ? 'WAHA' : 'Evolution API'} lo conferma): di nuovo in coda`);
			expect(checkedPosts(gw, fake)).toHaveLength(1);
			expect(await used()).toBe(1);
		});

		test('a crash and a read-back that fails: unknown outcome, still counted; an explicit retry finds the post instead of posting again', async () => {
			if (skip) return;
			const gate = await door(fake.url);
			cleanup.push(gate.close);
			await start(gate.url);
			const id = await enqueue(1);
			await claimAndDie(id);
			await postAsTheDeadProcess(id);
			await gate.shut();
			clock.set(at(61));
			await tick();
			const m = await get(id);
			expect(m.state).toBe('failed');
			expect(m.reasons.at(-1)).toBe('esito sconosciuto');
			expect(await used()).toBe(1);
			const audit = await api<{ entries: Array<{ details: { recovery?: string } }> }>('GET', '/v1/audit?type=message.unknown_outcome');
			expect(audit.body.entries[0].details.recovery).toMatch(/^Dopo un'interruzione non è stato possibile controllare il canale/);
			await gate.open();
			clock.set(at(3600));
			await tick();
			expect((await get(id)).state).toBe('failed');
			expect(await api('POST', `/v1/messages/${id}/retry`)).toMatchObject({ status: 200 });
			await tick();
			const after = await get(id);
			expect(after.state).toBe('sent');
			expect(after.providerMessageId).toMatch(/3EB01$/);
			expect(fake.posts).toHaveLength(1);
			expect(await used()).toBe(1);
		});
	});
});

describe('gateway delivery settings', () => {
	const dir = tempDir();
	const load = (deliveryYaml: string, env: Record<string, string> = {}) => {
		const file = join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
		writeFileSync(file, `channels:\n  - id: meda\n    rules: rules.yaml\n    delivery:\n${deliveryYaml.replace(/^/gm, '      ')}\n`);
		return () => loadConfig({ BANDITORE_API_TOKEN: TOKEN, BANDITORE_CONFIG: file, ...env }, dir);
	};

	test('a lease too short for the read-backs is refused at start: another process could post again mid-delivery', () => {
		const yaml = `kind: waha\nbaseUrl: http://waha:3000\nchatId: ${CHANNEL}\nconfirmAttempts: 4\nconfirmDelayMs: 1500`;
		expect(load(yaml, { WAHA_API_KEY: 'k', BANDITORE_LEASE_SECONDS: '20' })).toThrow(
			new ConfigInvalid(
				'channel "meda": a lease of 20 s is too short for 4 read-backs 1500 ms apart: a delivery must end within half the lease, or another process could post it again. Raise BANDITORE_LEASE_SECONDS (dispatch.leaseSeconds) or lower confirmAttempts.',
			),
		);
		expect(load(yaml, { WAHA_API_KEY: 'k', BANDITORE_LEASE_SECONDS: '60' })().dispatch.leaseSeconds).toBe(60);
		// The default lease (300 s): 150 s for the whole delivery, 15 s of it pauses, 22.5 s for each of its 6 requests.
		expect(gatewayTimeoutMs({ confirmAttempts: 4, confirmDelayMs: 1500 }, 300)).toBe(22_500);
		expect(gatewayTimeoutMs({ confirmAttempts: 1, confirmDelayMs: 0 }, 3600)).toBe(30_000);
		expect(gatewayTimeoutMs({ confirmAttempts: 4, confirmDelayMs: 1500 }, 60)).toBe(2500);
	});

	test('the API key comes from the variable the file names, never from the file', () => {
		const waha = load(`kind: waha\nbaseUrl: http://waha:3000\nchatId: ${CHANNEL}`, { WAHA_API_KEY: 'k1' })();
		expect(waha.channels[0].delivery).toMatchObject({ kind: 'waha', session: 'default', apiKey: 'k1', confirmAttempts: 4, confirmDelayMs: 1500 });
		const evo = load(`kind: evolution\nbaseUrl: http://evo:8080\ninstance: comune\nchatId: ${CHANNEL}\napiKeyEnv: MEDA_EVO_KEY`, { MEDA_EVO_KEY: 'k2' })();
		expect(evo.channels[0].delivery).toMatchObject({ kind: 'evolution', instance: 'comune', apiKey: 'k2' });
		expect(load(`kind: waha\nbaseUrl: http://waha:3000\nchatId: ${CHANNEL}\napiKey: k`, { WAHA_API_KEY: 'k1' })).toThrow(/Unrecognized key.*apiKey/);
	});

	test('clear errors: a missing key variable, a chat id that is not a channel, an Evolution instance not given', () => {
		expect(load(`kind: waha\nbaseUrl: http://waha:3000\nchatId: ${CHANNEL}`)).toThrow(
			new ConfigInvalid('channel "meda": WAHA_API_KEY is not set; it holds the WAHA API key (WHATSAPP_API_KEY of the WAHA server). Set it in the environment: the key is never written in the config file.'),
		);
		expect(load('kind: waha\nbaseUrl: http://waha:3000\nchatId: 393331234567@c.us', { WAHA_API_KEY: 'k' })).toThrow(/delivery\.chatId: the channel id as the gateway lists it, e\.g\. 120363012345678901@newsletter/);
		expect(load(`kind: evolution\nbaseUrl: http://evo:8080\nchatId: ${CHANNEL}`, { EVOLUTION_API_KEY: 'k' })).toThrow(/delivery\.instance: Required/);
	});
});

// A real process killed with SIGKILL while it waits to read the channel back after its post.

describe.each<Kind>(['sqlite', 'postgres'])('a scheduler process killed mid-delivery on %s', (kind) => {
	let skip = false;
	let fake: FakeGateway | null = null;
	let db: TestDatabase | null = null;
	beforeAll(async () => {
		skip = await skipPostgres(kind);
		buildScheduler();
	}, 120_000);
	afterEach(async () => {
		killSchedulers();
		await fake?.close();
		await db?.drop();
	});

	const startProcess = (env: Record<string, string>): Promise<SchedulerProcess> => spawnScheduler({ WAHA_API_KEY: 'secret-key', ...env });

	test('restarted, it finds the post in the channel and marks it sent: one post, counted once', async () => {
		if (skip) return;
		const dir = tempDir();
		db = await freshDatabase(kind, dir);
		const gateway = await startFakeGateway('waha');
		fake = gateway;
		const file = join(dir, 'banditore.config.yaml');
		// A long pause before the read-back: the kill lands after the post, before the confirmation.
		writeFileSync(file, `channels:\n  - id: meda\n    rules: ${rulesFile(dir)}\n    delivery:\n      kind: waha\n      baseUrl: ${gateway.url}\n      chatId: "${CHANNEL}"\n      confirmAttempts: 1\n      confirmDelayMs: 20000\n`);
		const env = { BANDITORE_CONFIG: file, BANDITORE_CLOCK: T0, ...db.env };
		const first = await startProcess(env);
		const { body } = await call<{ message: { id: string } }>(first.url, 'POST', '/v1/channels/meda/messages', manual(1));
		await until('the post to reach the gateway', () => (gateway.posts.length > 0 ? true : null));
		first.child.kill('SIGKILL');
		await new Promise((r) => first.child.once('exit', r));
		// Restarted ten minutes later, by its clock: the lease (300 s) of the killed delivery has run out.
		const second = await startProcess({ ...env, BANDITORE_CLOCK: new Date(Date.parse(T0) + 10 * 60_000).toISOString() });
		const message = await until('the message to be settled', async () => {
			const m = (await call<{ message: Msg }>(second.url, 'GET', `/v1/messages/${body.message.id}`)).body.message;
			return m.state === 'sending' ? null : m;
		});
		expect(message.state).toBe('sent');
		expect(message.providerMessageId).toMatch(/3EB01$/);
		expect(message.history.map((h) => h.state)).toEqual(['queued', 'sending', 'sent']);
		expect(checkedPosts('waha', gateway)).toHaveLength(1);
		const audit = await call<{ entries: Array<{ messageId: string; actor: string; details: { note: string } }> }>(second.url, 'GET', '/v1/audit?type=message.recovered');
		expect(audit.body.entries).toMatchObject([{ messageId: body.message.id, actor: 'dispatcher', details: { note: RECOVERED } }]);
		expect((await call<{ used: number }>(second.url, 'GET', '/v1/channels/meda/quota')).body.used).toBe(1);
	}, 60_000);
});
