// One policy, enforced where it matters (#12): the channel's rules held by the scheduler are the only
// truth. The API serves them (GET /v1/channels/{channel}/rules, with an ETag) and lets an
// administrator override what they stop; Banditore Policy, with "From Scheduler (Channel Rules)",
// decides with them through the real n8n engine, and changes its verdict in the next execution after
// the office changes them; when it cannot have valid rules, nothing passes.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import { DateTime } from 'luxon';
import { parse, stringify } from 'yaml';
import { saveRules } from '../../scheduler/src/channels';
import { call, messages, sharedDatabase, startHarness, TOKEN, type Harness, type Msg } from '../scheduler/helpers';
import { makeWorkflow, packageNodeTypes, runWorkflow, type CredentialValues, type RunResult } from './harness';

const POLICY = 'Banditore Policy';
const ENQUEUE = 'Banditore Scheduler';
const ACCEPTED = 0;
const REJECTED = 1;
const HELD = 2;
const SITE = 'https://www.comune.meda.mb.it';

interface RulesBody {
	channel: string;
	version: number;
	digest: string;
	source: string;
}

/** A news item as Banditore Feed outputs it, published an hour ago. */
function news(id: string, title: string, path: string, categories: string[] = []): INodeExecutionData {
	const at = new Date(Date.now() - 3_600_000).toISOString();
	return {
		json: {
			id,
			title,
			summary: '',
			link: `${SITE}${path}`,
			publishedAt: at,
			updatedAt: at,
			categories,
			image: null,
			source: { name: 'Città di Meda - Novità', url: `${SITE}/feed`, kind: 'rss' },
		},
	};
}

const ordinanza = news('ordinanza', 'Ordinanza: chiusura del parco di via Roma per potatura', '/ordinanze/parco', ['Ordinanze']);
const vota = news('vota', 'Vota la lista civica per il futuro di Meda', '/novita/appello');
const biblioteca = news('biblioteca', 'Nuovi arrivi nella biblioteca civica', '/novita/arrivi-biblioteca', ['Notizie']);
// The concert names its day, two days ahead: an event without one counts as held on its publication
// day, and "an hour ago" is yesterday in Rome just after midnight (CI failed at 00:20 once).
const concertDay = DateTime.now().setZone('Europe/Rome').plus({ days: 2 }).setLocale('it').toFormat('d LLLL');
const concerto = news('concerto', `Concerto in piazza il ${concertDay}`, '/eventi/concerto', ['Eventi']);
const MORNING = [ordinanza, vota, biblioteca, concerto];

/** Records what the node asks the scheduler and what it answers, passing everything through. */
interface Seen {
	method: string;
	url: string;
	ifNoneMatch: string | null;
	status: number;
}

function recordingProxy(target: string): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
	const seen: Seen[] = [];
	const upstream = new URL(target);
	const server: Server = createServer((req, res) => {
		const forward = httpRequest(
			{ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
			(answer) => {
				seen.push({ method: req.method ?? '', url: req.url ?? '', ifNoneMatch: (req.headers['if-none-match'] as string) ?? null, status: answer.statusCode ?? 0 });
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		forward.on('error', () => res.writeHead(502).end());
		req.pipe(forward);
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve({
				url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
				seen,
				close: () => new Promise<void>((done) => server.close(() => done())),
			}),
		),
	);
}

function policyNode(parameters: IDataObject = {}, settings: Partial<INode> = {}): INode {
	return {
		id: 'policy',
		name: POLICY,
		type: 'n8n-nodes-banditore.banditorePolicy',
		typeVersion: 1,
		position: [0, 0],
		parameters: { rulesSource: 'scheduler', channel: 'meda', options: {}, ...parameters },
		credentials: { banditoreSchedulerApi: { id: 'cred-1', name: 'Banditore scheduler' } },
		...settings,
	};
}

function enqueueNode(): INode {
	return {
		id: 'enqueue',
		name: ENQUEUE,
		type: 'n8n-nodes-banditore.banditoreScheduler',
		typeVersion: 1,
		position: [300, 0],
		parameters: { resource: 'message', operation: 'enqueue', channel: 'meda', source: 'item', options: {} },
		credentials: { banditoreSchedulerApi: { id: 'cred-1', name: 'Banditore scheduler' } },
	};
}

async function judge(credentials: CredentialValues, input: INodeExecutionData[] = MORNING, policy: INode = policyNode()): Promise<RunResult> {
	const workflow = await makeWorkflow({ nodes: [policy], connections: {} });
	return runWorkflow(workflow, { credentials, input });
}

const ids = (result: RunResult, output: number) => result.output(POLICY, output).map((item) => item.id);
const reasonsOf = (result: RunResult, output: number, id: string) =>
	((result.output(POLICY, output).find((item) => item.id === id)?.decision as IDataObject | undefined)?.reasons ?? []) as string[];

describe('GET /v1/channels/{channel}/rules: the rules the scheduler holds', () => {
	let h: Harness;
	afterEach(async () => h?.close());

	it('answers the current version, its digest and its YAML, with an ETag that If-None-Match turns into a 304', async () => {
		h = await startHarness('sqlite', { at: new Date().toISOString() });
		const first = await fetch(`${h.scheduler.url}/v1/channels/meda/rules`, { headers: { authorization: `Bearer ${TOKEN}` } });
		expect(first.status).toBe(200);
		const body = (await first.json()) as RulesBody;
		expect(body).toEqual({ channel: 'meda', version: 1, digest: h.scheduler.ctx.channels.get('meda')!.rules.digest, source: expect.stringContaining('comune: Città di Meda') });
		const etag = first.headers.get('etag')!;
		expect(etag).toBe(`"1-${body.digest}"`);
		expect(first.headers.get('cache-control')).toBe('no-cache');

		const again = await fetch(`${h.scheduler.url}/v1/channels/meda/rules`, { headers: { authorization: `Bearer ${TOKEN}`, 'if-none-match': `W/"0-old", ${etag}` } });
		expect(again.status).toBe(304);
		expect(await again.text()).toBe('');

		const data = parse(body.source);
		data.blocked[0].words = ['parco'];
		expect(await saveRules(h.scheduler.ctx, 'meda', stringify(data), 'redazione', 1)).toEqual({ ok: true, changed: true, version: 2 });
		const changed = await fetch(`${h.scheduler.url}/v1/channels/meda/rules`, { headers: { authorization: `Bearer ${TOKEN}`, 'if-none-match': etag } });
		expect(changed.status).toBe(200);
		expect(((await changed.json()) as RulesBody).version).toBe(2);

		expect((await h.api('GET', '/v1/channels/nessuno/rules')).status).toBe(404);
		expect((await call(h.scheduler.url, 'GET', '/v1/channels/meda/rules', undefined, 'wrong')).status).toBe(401);
		const openapi = (await h.api<{ paths: Record<string, IDataObject> }>('GET', '/openapi.json')).body;
		expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/v1/channels/{channel}/rules', '/v1/messages/{id}/override']));
	});

	it('answers a version saved by another process sharing the database at once', async () => {
		const shared = sharedDatabase('sqlite');
		try {
			const { config } = await shared.open();
			const clock = () => new Date();
			const reader = await shared.start(config, clock);
			const office = await shared.start(config, clock);
			const before = (await call<RulesBody>(reader.url, 'GET', '/v1/channels/meda/rules')).body;
			const data = parse(before.source);
			data.blocked[0].words = ['parco'];
			expect(await saveRules(office.ctx, 'meda', stringify(data), 'redazione', before.version)).toMatchObject({ ok: true, version: before.version + 1 });
			const after = (await call<RulesBody>(reader.url, 'GET', '/v1/channels/meda/rules')).body;
			expect(after.version).toBe(before.version + 1);
			expect(after.source).toContain('parco');
		} finally {
			await shared.closeAll();
		}
	});
});

describe('POST /v1/messages/{id}/override', () => {
	let h: Harness;
	afterEach(async () => h?.close());

	it('sends back to the queue what the rules rejected, with a justification, audited', async () => {
		h = await startHarness('sqlite', { at: new Date().toISOString() });
		const enqueued = await h.api<{ message: Msg }>('POST', '/v1/channels/meda/messages', { item: vota.json });
		expect(enqueued.body.message.state).toBe('rejected');
		const id = enqueued.body.message.id;

		const wrongType = await h.api<IDataObject>('POST', `/v1/messages/${id}/override`, { justification: 42 });
		expect(wrongType.status).toBe(400);
		expect(wrongType.body).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('justification') });
		expect((await h.api('POST', `/v1/messages/${id}/override`, { justification: 'x'.repeat(1001) })).status).toBe(400);
		expect((await h.api('POST', `/v1/messages/${id}/override`, { justification: 'ok', other: true })).status).toBe(400);
		for (const body of [undefined, {}, { justification: '   ' }]) {
			const missing = await h.api<IDataObject>('POST', `/v1/messages/${id}/override`, body);
			expect([JSON.stringify(body), missing.status, missing.body.error, missing.body.message]).toEqual([JSON.stringify(body), 422, 'justification_required', expect.any(String)]);
		}
		expect((await messages(h))[0].state).toBe('rejected');

		const justification = 'Comunicato della Prefettura: va pubblicato testualmente';
		const done = await h.api<{ message: Msg }>('POST', `/v1/messages/${id}/override`, { justification });
		expect(done.status).toBe(200);
		expect(done.body.message.state).toBe('queued');
		const { entries } = (await h.api<{ entries: Array<{ messageId: string; actor: string; details: IDataObject }> }>('GET', '/v1/audit?type=message.override')).body;
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({ messageId: id, actor: 'api' });
		expect(JSON.stringify(entries[0].details)).toContain(justification);

		expect((await h.api('POST', '/v1/messages/nessuno/override', { justification })).status).toBe(404);
	});
});

describe('Banditore Policy with "From Scheduler (Channel Rules)", against a real scheduler', () => {
	let h: Harness;
	let proxy: Awaited<ReturnType<typeof recordingProxy>>;
	let credentials: CredentialValues;
	afterEach(async () => {
		await proxy?.close();
		await h?.close();
	});

	async function start(): Promise<void> {
		h = await startHarness('sqlite', { at: new Date().toISOString() });
		proxy = await recordingProxy(h.scheduler.url);
		credentials = { banditoreSchedulerApi: { url: proxy.url, token: TOKEN } };
	}

	/** The channel's rules changed as the office does on the admin page. */
	async function change(edit: (data: IDataObject & { blocked: Array<{ id: string; words?: string[] }>; election: IDataObject }) => void): Promise<number> {
		const current = (await h.api<RulesBody>('GET', '/v1/channels/meda/rules')).body;
		const data = parse(current.source);
		edit(data);
		const saved = await saveRules(h.scheduler.ctx, 'meda', stringify(data), 'redazione', current.version);
		if (!saved.ok || !saved.changed) throw new Error(`rules not saved: ${JSON.stringify(saved)}`);
		return saved.version;
	}

	const rulesCalls = () => proxy.seen.filter((s) => s.url === '/v1/channels/meda/rules');

	it('offers the channel rules first and recommends them; the default stays the file, which saved workflows omit', async () => {
		const type = (await packageNodeTypes()).getByNameAndVersion('n8n-nodes-banditore.banditorePolicy', 1);
		const source = type.description.properties.find((p) => p.name === 'rulesSource')!;
		expect(source.default).toBe('file');
		expect(source.options!.map((o) => (o as { value: string }).value)).toEqual(['scheduler', 'parameters', 'file', 'yaml']);
		expect((source.options![0] as { description: string }).description).toMatch(/^Recommended/);
		for (const preview of source.options!.slice(1)) expect((preview as { description: string }).description).toContain('standalone preview');
		expect(type.description.credentials).toEqual([{ name: 'banditoreSchedulerApi', required: true, displayOptions: { show: { rulesSource: ['scheduler'] } } }]);
		expect(type.description.properties.find((p) => p.name === 'channel')?.typeOptions).toEqual({ loadOptionsMethod: 'getChannels' });
		expect(typeof (type as { methods?: { loadOptions?: Record<string, unknown> } }).methods?.loadOptions?.getChannels).toBe('function');
	});

	it('decides with the channel rules, as the scheduler does when the same items are enqueued', async () => {
		await start();
		const workflow = await makeWorkflow({
			nodes: [policyNode(), enqueueNode()],
			connections: {
				// As in Sito → coda: every output goes to the scheduler, which judges again.
				[POLICY]: { main: [0, 1, 2].map(() => [{ node: ENQUEUE, type: 'main' as const, index: 0 }]) },
			},
		});
		const result = await runWorkflow(workflow, { credentials, input: MORNING, startNode: POLICY });
		expect(result.error(POLICY)).toBeUndefined();
		expect(ids(result, ACCEPTED)).toEqual(['ordinanza', 'biblioteca', 'concerto']);
		expect(ids(result, REJECTED)).toEqual(['vota']);
		expect(reasonsOf(result, REJECTED, 'vota').join(' ')).toMatch(/Contenuto elettorale/);
		const verdicts = Object.fromEntries(
			[ACCEPTED, REJECTED, HELD].flatMap((output) => result.output(POLICY, output).map((item) => [item.id, ['queued', 'rejected', 'held'][output]])),
		);
		const stored = Object.fromEntries((await messages(h)).map((m) => [m.dedupeKey, m.state]));
		expect(stored).toEqual(verdicts);
	});

	it('changes its verdict in the next execution after a new blocked word, revalidating with If-None-Match', async () => {
		await start();
		const first = await judge(credentials);
		expect(ids(first, ACCEPTED)).toContain('ordinanza');
		const second = await judge(credentials);
		expect(ids(second, ACCEPTED)).toContain('ordinanza');
		// One request per execution, however many items; the second is answered 304, nothing parsed.
		expect(rulesCalls().map((c) => c.status)).toEqual([200, 304]);
		expect(rulesCalls()[0].ifNoneMatch).toBeNull();
		expect(rulesCalls()[1].ifNoneMatch).toMatch(/^"1-[0-9a-f]+"$/);

		expect(
			await change((data) => {
				data.blocked.push({ id: 'verde-pubblico', reason: 'Argomento sospeso dalla redazione', words: ['parco'] } as never);
			}),
		).toBe(2);
		const third = await judge(credentials);
		expect(ids(third, ACCEPTED)).toEqual(['biblioteca', 'concerto']);
		expect(ids(third, REJECTED)).toEqual(['ordinanza', 'vota']);
		expect(reasonsOf(third, REJECTED, 'ordinanza').join(' ')).toContain('Argomento sospeso dalla redazione');
		expect(rulesCalls().map((c) => c.status)).toEqual([200, 304, 200]);
	});

	it('holds the news and rejects the event once an election period is set, and lets them pass when it is removed', async () => {
		await start();
		expect(ids(await judge(credentials), HELD)).toEqual([]);
		const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
		await change((data) => {
			data.election.periods = [{ name: 'Comunali', start: day(-10), end: day(10) }];
		});
		const during = await judge(credentials);
		expect(ids(during, ACCEPTED)).toEqual(['ordinanza']);
		expect(ids(during, HELD)).toEqual(['biblioteca']);
		expect(ids(during, REJECTED)).toEqual(['vota', 'concerto']);

		await change((data) => {
			data.election.periods = [];
		});
		expect(ids(await judge(credentials), ACCEPTED)).toEqual(['ordinanza', 'biblioteca', 'concerto']);
	});

	it('stops every item when the scheduler cannot be reached, even when the node continues on fail', async () => {
		await start();
		const unreachable = { banditoreSchedulerApi: { url: 'http://127.0.0.1:9', token: TOKEN } };
		for (const settings of [{}, { onError: 'continueRegularOutput' as const }, { onError: 'continueErrorOutput' as const }]) {
			const result = await judge(unreachable, MORNING, policyNode({}, settings));
			expect(result.error(POLICY)?.message).toMatch(/cannot be reached/);
			for (const output of [ACCEPTED, REJECTED, HELD]) expect(result.output(POLICY, output)).toEqual([]);
		}
	});

	it('stops every item when the stored rules are not valid, and never falls back to the version it knew', async () => {
		await start();
		expect(ids(await judge(credentials), ACCEPTED)).toContain('ordinanza');
		// Another process stored a version this one cannot compile (written past the checks).
		await h.scheduler.ctx.store.tx(async (q) => {
			await q.run('INSERT INTO rules_versions (channel, version, digest, source, data, created_at, origin, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
				'meda', 2, 'broken', 'comune: Meda\nquota:\n  perWeek: -3\n', '{}', Date.now(), 'admin', 'test',
			]);
			await q.run('UPDATE channels SET rules_version = 2 WHERE id = ?', ['meda']);
		});
		for (const settings of [{}, { onError: 'continueRegularOutput' as const }]) {
			const result = await judge(credentials, MORNING, policyNode({}, settings));
			const error = result.error(POLICY) as (Error & { description?: string }) | undefined;
			expect(error?.message).toMatch(/The rules of channel "meda" in the scheduler \(version 2\) are invalid .*nothing passes/);
			expect(error?.description).toBeTruthy();
			for (const output of [ACCEPTED, REJECTED, HELD]) expect(result.output(POLICY, output)).toEqual([]);
		}
	});

	it('stops every item when the channel is unknown to the scheduler', async () => {
		await start();
		const result = await judge(credentials, MORNING, policyNode({ channel: 'nessuno' }));
		expect(result.error(POLICY)?.message).toMatch(/nessuno/);
		for (const output of [ACCEPTED, REJECTED, HELD]) expect(result.output(POLICY, output)).toEqual([]);
	});
});
