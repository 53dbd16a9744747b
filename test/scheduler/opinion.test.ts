// The second opinion of a language model, on a real SQLite file and the real PostgreSQL, against a
// real local fake of an OpenAI-compatible server (node:http on 127.0.0.1): it only escalates what the
// rules accept, only items, never emergencies; no answer keeps the rules' verdict with an audit row;
// the office's approval releases what it held, and the send-time check does not hold it again.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigInvalid, loadConfig } from '../../scheduler/src/config';
import { t } from '../../core/messages';
import { messages, outboxIds, skipPostgres, startHarness, type Harness, type Kind, type Msg } from './helpers';

// Monday 15 June 2026, 10:00 in Rome: no period of the built-in calendar binds Meda then.
const MONDAY = '2026-06-15T08:00:00.000Z';
const MODEL = 'llama3.1:8b-instruct';
const POLITICAL = "Un anno di buon governo: il sindaco rivendica i successi dell'amministrazione";

const item = (slug: string, title: string, extra: Record<string, unknown> = {}) => ({
	id: `https://www.comune.meda.mb.it/novita/${slug}`,
	title,
	summary: 'Tutti i dettagli sul sito del Comune.',
	link: `https://www.comune.meda.mb.it/novita/${slug}?ref=feed`,
	publishedAt: '2026-06-15T07:00:00.000Z',
	updatedAt: null,
	categories: ['Avvisi'],
	image: 'https://www.comune.meda.mb.it/foto.jpg',
	source: { name: 'Comune di Meda', url: 'https://www.comune.meda.mb.it/feed/', kind: 'rss' },
	...extra,
});

type Mode = 'judge' | 'error' | 'garbage' | 'sleep';
interface Call {
	authorization: string | undefined;
	body: Record<string, unknown>;
	/** What the user message carried: only title, summary and host may be there. */
	sent: Record<string, unknown>;
}

/** A fake OpenAI-compatible chat-completions server: flags what speaks of «buon governo», checks the request's shape. */
class FakeModel {
	mode: Mode = 'judge';
	readonly calls: Call[] = [];
	readonly invalid: string[] = [];
	private server: Server | null = null;
	url = '';

	async start(): Promise<void> {
		this.server = createServer((req, res) => void this.handle(req, res));
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
	}

	async close(): Promise<void> {
		this.server?.closeAllConnections();
		await new Promise((resolve) => this.server?.close(resolve));
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		let raw = '';
		for await (const chunk of req) raw += chunk;
		const problem = (why: string) => {
			this.invalid.push(why);
			res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: why } }));
		};
		if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return problem(`unexpected ${req.method} ${req.url}`);
		let body: Record<string, unknown>;
		try {
			body = JSON.parse(raw);
		} catch {
			return problem('the body is not JSON');
		}
		const messages = body.messages as Array<{ role: string; content: string }>;
		if (body.model !== MODEL) return problem(`model ${String(body.model)}`);
		if (!Array.isArray(messages) || messages.length !== 2 || messages[0].role !== 'system' || messages[1].role !== 'user') return problem('messages: system + user');
		if (body.temperature !== 0 || typeof body.max_tokens !== 'number') return problem('temperature 0 and max_tokens');
		const extra = Object.keys(body).filter((k) => !['model', 'messages', 'temperature', 'max_tokens', 'stream', 'response_format'].includes(k));
		if (extra.length) return problem(`unexpected fields ${extra.join(', ')}`);
		let sent: Record<string, unknown>;
		try {
			sent = JSON.parse(messages[1].content);
		} catch {
			return problem('the user message is not the item as JSON');
		}
		if (Object.keys(sent).sort().join() !== 'host,summary,title') return problem(`the user message has ${Object.keys(sent).join(', ')}`);
		if (sent.host !== 'www.comune.meda.mb.it') return problem(`host ${String(sent.host)}`);
		this.calls.push({ authorization: req.headers.authorization, body, sent });
		if (this.mode === 'error') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('model crashed');
		if (this.mode === 'garbage') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Mi dispiace, non posso aiutarti.' } }] }));
		if (this.mode === 'sleep') await new Promise((resolve) => setTimeout(resolve, 3000));
		const flag = String(sent.title).includes('buon governo');
		const content = flag
			? '```json\n{"flag": true, "category": "politico", "reason": "Autopromozione dell\'amministrazione, non informazione di servizio"}\n```'
			: '{"flag": false, "category": "altro", "reason": ""}';
		if (res.destroyed) return;
		res.writeHead(200, { 'content-type': 'application/json' }).end(
			JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', model: MODEL, choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }),
		);
	}
}

type Full = Msg & { text: string };
type AuditRow = { type: string; messageId: string | null; details: Record<string, unknown> };

describe.each<Kind>(['sqlite', 'postgres'])('second opinion on %s', (kind) => {
	let skip = false;
	let h: Harness | null = null;
	let fake: FakeModel;
	beforeAll(async () => {
		skip = await skipPostgres(kind);
	});
	beforeEach(async () => {
		fake = new FakeModel();
		await fake.start();
	});
	afterEach(async () => {
		await h?.close();
		h = null;
		await fake.close();
	});

	async function start(options: { apiKey?: string; timeoutMs?: number } = {}): Promise<Harness> {
		h = await startHarness(kind, { at: MONDAY, secondOpinion: { url: fake.url, model: MODEL, apiKey: options.apiKey ?? null, timeoutMs: options.timeoutMs ?? 8000 } });
		return h;
	}

	async function enqueue(body: Record<string, unknown>): Promise<Full> {
		const r = await h!.api<{ message: Full }>('POST', '/v1/channels/meda/messages', body);
		expect(r.status).toBe(201);
		return r.body.message;
	}

	async function auditOf(type: string): Promise<AuditRow[]> {
		return (await h!.api<{ entries: AuditRow[] }>('GET', `/v1/audit?channel=meda&type=${type}`)).body.entries;
	}

	test('a political item the rules accept is held with the model reason; a fine one stays queued; only title, summary and host are sent', async () => {
		if (skip) return;
		await start();
		const political = await enqueue({ item: item('bilancio-mandato', POLITICAL) });
		expect(political.state).toBe('held');
		const reason = t('scheduler.opinion.concern', { model: MODEL, reason: "Autopromozione dell'amministrazione, non informazione di servizio" });
		expect(reason).toBe(`Seconda opinione (${MODEL}): Autopromozione dell'amministrazione, non informazione di servizio`);
		expect(political.reasons).toEqual(['Categoria «Avviso»: categoria del sito «Avvisi»', reason]);
		const fine = await enqueue({ item: item('rifiuti', 'Raccolta rifiuti: nuovo calendario') });
		expect(fine.state).toBe('queued');
		expect(fine.reasons.join(' ')).not.toContain('Seconda opinione');

		expect(fake.invalid).toEqual([]);
		expect(fake.calls.map((c) => c.sent)).toEqual([
			{ title: POLITICAL, summary: 'Tutti i dettagli sul sito del Comune.', host: 'www.comune.meda.mb.it' },
			{ title: 'Raccolta rifiuti: nuovo calendario', summary: 'Tutti i dettagli sul sito del Comune.', host: 'www.comune.meda.mb.it' },
		]);
		// Nothing of the channel's configuration, the link's path or the image leaves.
		const wire = JSON.stringify(fake.calls.map((c) => c.body));
		for (const secret of ['meda/novita', 'ref=feed', 'foto.jpg', 'outbox', 'Canale informativo', 'Comune di Meda']) expect(wire).not.toContain(secret);
		expect(fake.calls[0].authorization).toBeUndefined();

		const held = (await auditOf('message.held')).find((e) => e.messageId === political.id);
		expect(held?.details).toMatchObject({ state: 'held', secondOpinion: { model: MODEL, category: 'politico', reason: "Autopromozione dell'amministrazione, non informazione di servizio" } });
		const queued = (await auditOf('message.enqueued')).find((e) => e.messageId === fine.id);
		expect(queued?.details).toMatchObject({ state: 'queued', secondOpinion: { model: MODEL, concern: false } });

		// A duplicate is answered from the database: the model is not asked again.
		expect((await h!.api<{ created: boolean }>('POST', '/v1/channels/meda/messages', { item: item('bilancio-mandato', POLITICAL) })).body.created).toBe(false);
		expect(fake.calls).toHaveLength(2);
	});

	test('what the rules reject or hold, a written message and an emergency are never sent to the model', async () => {
		if (skip) return;
		await start();
		const rejected = await enqueue({ item: item('voto', 'Vota il candidato sindaco alle elezioni: buon governo') });
		expect(rejected.state).toBe('rejected');
		const held = await enqueue({ item: item('consiglio', "Consiglio comunale: interrogazione dell'opposizione sul buon governo") });
		expect(held.state).toBe('held');
		expect(held.reasons.join(' ')).not.toContain('Seconda opinione');
		const written = await enqueue({ dedupeKey: 'a-mano', text: 'Un anno di buon governo', category: 'avviso' });
		expect(written.state).toBe('queued');
		const alert = await enqueue({ item: item('allerta', 'Allerta meteo rossa: il buon governo del territorio', { categories: ['Protezione civile'] }) });
		expect(alert).toMatchObject({ state: 'queued', emergency: true });
		const declared = await enqueue({ item: item('declared', POLITICAL), emergency: true, justification: 'Comunicazione urgente del sindaco' });
		expect(declared).toMatchObject({ state: 'queued', emergency: true });
		expect(fake.calls).toHaveLength(0);
		expect(await auditOf('opinion.unavailable')).toEqual([]);
	});

	test.each<[Mode, RegExp]>([
		['error', /^HTTP 500: model crashed$/],
		['garbage', /^no JSON object with a "flag" in the answer/],
		['sleep', /^no answer within 300 ms$/],
	])('the model answering %s: queued as the rules said, audit opinion.unavailable', async (mode, detail) => {
		if (skip) return;
		await start({ timeoutMs: 300 });
		fake.mode = mode;
		const started = Date.now();
		const message = await enqueue({ item: item(`caso-${mode}`, POLITICAL) });
		expect(Date.now() - started).toBeLessThan(2500);
		expect(message.state).toBe('queued');
		expect(message.reasons.join(' ')).not.toContain('Seconda opinione');
		expect(fake.calls).toHaveLength(1);
		const entries = await auditOf('opinion.unavailable');
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({ messageId: message.id, details: { model: MODEL, state: 'queued' } });
		expect(String(entries[0].details.detail)).toMatch(detail);
		expect(String(entries[0].details.note)).toContain(`Seconda opinione non disponibile (${MODEL})`);
		// And it goes out.
		await h!.tick();
		expect(outboxIds(h!.outbox)).toEqual([message.id]);
	});

	test('the API key is sent as a bearer when one is configured', async () => {
		if (skip) return;
		await start({ apiKey: 'sk-comune-di-meda' });
		await enqueue({ item: item('rifiuti', 'Raccolta rifiuti: nuovo calendario') });
		expect(fake.invalid).toEqual([]);
		expect(fake.calls.map((c) => c.authorization)).toEqual(['Bearer sk-comune-di-meda']);
		// The key is not in the audit log.
		expect(JSON.stringify((await h!.api('GET', '/v1/audit?channel=meda')).body)).not.toContain('sk-comune-di-meda');
	});

	test('the send-time check keeps it held; the office approves it and it goes at the next dispatch tick, without asking the model again', async () => {
		if (skip) return;
		await start();
		const political = await enqueue({ item: item('bilancio-mandato', POLITICAL) });
		expect(political.state).toBe('held');
		// The rules alone accept it: the dispatch's re-judging of held messages must not release it.
		await h!.tick();
		await h!.tick();
		const after = (await messages(h!)).find((m) => m.id === political.id) as Full;
		expect(after.state).toBe('held');
		expect(outboxIds(h!.outbox)).toEqual([]);
		expect(await auditOf('message.released')).toEqual([]);

		const approved = await h!.api<{ message: Full }>('POST', `/v1/messages/${political.id}/approve`, { note: 'informazione sul bilancio, va bene' });
		expect(approved).toMatchObject({ status: 200, body: { message: { state: 'queued' } } });
		const entry = (await auditOf('message.approved')).find((e) => e.messageId === political.id);
		expect(entry?.details.waived).toEqual([t('scheduler.opinion.concern', { model: MODEL, reason: "Autopromozione dell'amministrazione, non informazione di servizio" })]);
		await h!.tick();
		expect(outboxIds(h!.outbox)).toEqual([political.id]);
		const sent = (await messages(h!)).find((m) => m.id === political.id) as Full;
		expect(sent.state).toBe('sent');
		expect(fake.calls).toHaveLength(1);
	});
});

describe('configuration', () => {
	const dir = mkdtempSync(join(tmpdir(), 'banditore-opinion-config-'));
	const write = (opinion: string): string => {
		const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
		writeFileSync(file, `channels:\n  - id: meda\n    rules: ../rules/meda.yaml\n${opinion}`);
		return file;
	};
	const env = (file: string, extra: Record<string, string> = {}) => ({ BANDITORE_API_TOKEN: 'x', BANDITORE_CONFIG: file, ...extra });

	test('off by default; a local server needs no key; a key comes from the environment only', () => {
		expect(loadConfig(env(write('')), dir).channels[0].secondOpinion).toBeUndefined();
		expect(loadConfig(env(write('    secondOpinion: { url: "http://127.0.0.1:11434/v1", model: "llama3.1:8b" }\n')), dir).channels[0].secondOpinion).toEqual({
			url: 'http://127.0.0.1:11434/v1',
			model: 'llama3.1:8b',
			timeoutMs: 8000,
			apiKey: null,
		});
		const keyed = write('    secondOpinion: { url: "https://llm.example.it/v1", model: "m", apiKeyEnv: MEDA_LLM_KEY, timeoutMs: 5000 }\n');
		expect(loadConfig(env(keyed, { MEDA_LLM_KEY: 'sk-1' }), dir).channels[0].secondOpinion).toMatchObject({ apiKey: 'sk-1', timeoutMs: 5000 });
		expect(() => loadConfig(env(keyed), dir)).toThrow(/MEDA_LLM_KEY is not set/);
		expect(() => loadConfig(env(write('    secondOpinion: { url: "http://x/v1", model: "m", apiKey: "sk-in-file" }\n')), dir)).toThrow(ConfigInvalid);
		expect(() => loadConfig(env(write('    secondOpinion: { url: "not a url", model: "m" }\n')), dir)).toThrow(/secondOpinion\.url/);
	});
});
