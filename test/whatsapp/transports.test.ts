// Transports against local servers: the Cloud API with its error codes, and both gateways with read-back.
import { readFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classify, STOPPING, WhatsAppApiError } from '../../core/whatsapp/errors';
import { createHttpClient, NetworkError } from '../../core/whatsapp/http';
import { checkPhoneNumber, cloudBody, sendCloud, type CloudConfig } from '../../core/whatsapp/transports/cloud';
import { evolutionGateway } from '../../core/whatsapp/transports/evolution';
import { postAndConfirm, type Gateway } from '../../core/whatsapp/transports/gateway';
import { writeOutbox } from '../../core/whatsapp/transports/outbox';
import { wahaGateway } from '../../core/whatsapp/transports/waha';
import { graphError, startFakeGraph, type FakeGraph } from './fake-graph';
import { startFakeGateway, type FakeGateway } from './gateway-fake';
import { cloudErrors, evolutionErrors, wahaErrors } from './spec';

const http = createHttpClient();
afterAll(() => http.close());
const noWait = { sleep: async () => undefined, delayMs: 0 };

describe('error classification by code', () => {
	it.each([
		[130429, 'throttle'],
		[131056, 'pairThrottle'],
		[4, 'accountThrottle'],
		[80007, 'accountThrottle'],
		[131048, 'stop'],
		[368, 'stop'],
		[131031, 'stop'],
		[131042, 'stop'],
		[131026, 'unreachable'],
		[131050, 'optOut'],
		[131047, 'config'],
		[132000, 'config'],
		[132001, 'config'],
		[132015, 'config'],
		[190, 'auth'],
		[131000, 'transient'],
		[131049, 'recipient'],
	])('%i is %s', (code, kind) => {
		expect(classify(code)).toBe(kind);
	});

});

describe('Cloud API transport', () => {
	let graph: FakeGraph;
	let config: CloudConfig;
	let next: { status: number; body: unknown } | undefined;
	beforeAll(async () => {
		graph = await startFakeGraph({ script: () => next });
		config = { baseUrl: graph.url, version: 'v23.0', phoneNumberId: '1234567890', accessToken: 'token', http };
	});
	afterAll(() => graph.close());
	beforeEach(() => (next = undefined));

	it('sends a valid template and returns the wamid', async () => {
		const body = cloudBody('393331234567', { kind: 'template', name: 'notizia', language: 'it', body: ['Titolo'] }, 'b:k');
		expect(await sendCloud(config, body)).toEqual({ id: expect.stringMatching(/^wamid\./), status: 'accepted' });
		expect(cloudErrors(graph.bodies.at(-1))).toEqual([]);
	});

	it('error 190 says the token expired and what to do', async () => {
		next = graphError(190, 'Error validating access token: Session has expired', 401);
		const error = (await sendCloud(config, cloudBody('39', { kind: 'text', text: 'x' })).catch((e: unknown) => e)) as WhatsAppApiError;
		expect(error).toBeInstanceOf(WhatsAppApiError);
		expect(error.errorClass).toBe('auth');
		expect(error.message).toMatch(/error 190/);
		expect(error.hint).toMatch(/permanent System User token/);
	});

	it('classifies a throttle answered with HTTP 200-less 400 and a template error', async () => {
		next = graphError(130429, 'Rate limit hit', 400);
		expect(((await sendCloud(config, {}).catch((e: unknown) => e)) as WhatsAppApiError).errorClass).toBe('throttle');
		next = graphError(132001, 'Template name does not exist in the translation', 404);
		const error = (await sendCloud(config, {}).catch((e: unknown) => e)) as WhatsAppApiError;
		expect(error.errorClass).toBe('config');
		expect(error.hint).toMatch(/name and language/);
	});

	it('ignores the HTTP status: the same code is the same class whatever the status, 200 included', async () => {
		const classes: string[] = [];
		for (const status of [200, 400, 500]) {
			next = graphError(131048, 'Spam rate limit hit', status);
			const error = await sendCloud(config, {}).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(WhatsAppApiError);
			classes.push((error as WhatsAppApiError).errorClass);
		}
		expect(classes).toEqual(['stop', 'stop', 'stop']);
		expect(STOPPING.has('stop')).toBe(true);
	});

	it('the credential test reads the phone number', async () => {
		expect(await checkPhoneNumber(config)).toEqual({ displayPhoneNumber: '+39 0362 000000', verifiedName: 'Comune di Esempio' });
	});

	it('a refused connection is a network error that was surely not delivered', async () => {
		const error = (await sendCloud({ ...config, baseUrl: 'http://127.0.0.1:9' }, {}).catch((e: unknown) => e)) as NetworkError;
		expect(error).toBeInstanceOf(NetworkError);
		expect(error.maybeDelivered).toBe(false);
	});

	it('a timeout after the request was written is in doubt', async () => {
		const slow = await startFakeGraph({ latencyMs: 500 });
		const error = (await sendCloud({ ...config, baseUrl: slow.url, timeoutMs: 50 }, {}).catch((e: unknown) => e)) as NetworkError;
		await slow.close();
		expect(error).toBeInstanceOf(NetworkError);
		expect(error.maybeDelivered).toBe(true);
		expect(error.code).toBe('timeout');
	});
});

describe.each(['waha', 'evolution'] as const)('%s gateway', (kind) => {
	let fake: FakeGateway;
	let gateway: Gateway;
	beforeAll(async () => {
		fake = await startFakeGateway(kind);
		const config = { kind, baseUrl: fake.url, apiKey: 'secret-key', session: 'comune', http };
		gateway = kind === 'waha' ? wahaGateway(config) : evolutionGateway(config);
	});
	afterAll(() => fake.close());
	beforeEach(() => {
		fake.swallow = false;
		fake.status = 201;
	});

	const channel = '120363012345678901@newsletter';
	const text = '🚧 *Chiusura di via Roma*\nÈ già chiusa.\nhttps://www.comune.example.it/a';

	it('posts text to a channel, with the API key, and confirms it by reading the chat back', async () => {
		const posted = await postAndConfirm(gateway, channel, { text }, noWait);
		expect(posted.id).toMatch(/3EB0/);
		const sent = fake.posts.at(-1)!;
		expect(sent.path).toBe(kind === 'waha' ? '/api/sendText' : '/message/sendText/comune');
		if (kind === 'waha') expect(wahaErrors('/api/sendText', sent.body)).toEqual([]);
		else expect(evolutionErrors('/message/sendText/{instance}', sent.body)).toEqual([]);
	});

	it('posts an image with caption to a community announcement group', async () => {
		await postAndConfirm(gateway, '120363098765432109@g.us', { text, image: { url: 'https://www.comune.example.it/foto.jpg' } }, noWait);
		const sent = fake.posts.at(-1)!;
		if (kind === 'waha') expect(wahaErrors('/api/sendImage', sent.body)).toEqual([]);
		else expect(evolutionErrors('/message/sendMedia/{instance}', sent.body)).toEqual([]);
	});

	it('reports a failure when the gateway says OK but the post never appears', async () => {
		fake.swallow = true;
		const error = (await postAndConfirm(gateway, channel, { text: 'Post fantasma' }, noWait).catch((e: unknown) => e)) as Error & { code: string; hint: string };
		expect(error.code).toBe('not_confirmed');
		expect(error.message).toMatch(/not in 120363012345678901@newsletter after 4 read-backs/);
		expect(error.hint).toMatch(/report success for channel posts that never appear/);
	});

	it('turns HTTP errors into a message and what to do', async () => {
		fake.status = 422;
		const error = (await gateway.send(channel, { text }).catch((e: unknown) => e)) as Error & { hint: string };
		expect(error.message).toMatch(/HTTP 422/);
		expect(error.hint).toMatch(/not connected/);
	});
});

it('WAHA lists the channels the account owns or administers', async () => {
	const fake = await startFakeGateway('waha');
	const chats = await wahaGateway({ kind: 'waha', baseUrl: fake.url, apiKey: 'secret-key', session: 'default', http }).chats();
	await fake.close();
	expect(chats).toEqual([{ id: '120363012345678901@newsletter', name: 'Comune di Meda', role: 'OWNER' }]);
});

it('the outbox appends what would be sent as JSON lines', async () => {
	const path = join(await mkdtemp(join(tmpdir(), 'outbox-')), 'sub', 'outbox.jsonl');
	await writeOutbox(path, { at: '2026-01-01T00:00:00.000Z', target: 'x@newsletter', text: 'Città 🎉', image: null, length: 7, limit: 4096 });
	await writeOutbox(path, { at: '2026-01-01T00:00:01.000Z', target: 'x@newsletter', text: 'Due', image: null, length: 3, limit: 4096 });
	const lines = (await readFile(path, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
	expect(lines.map((line) => line.text)).toEqual(['Città 🎉', 'Due']);
});
