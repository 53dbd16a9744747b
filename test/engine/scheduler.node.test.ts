import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import nock from 'nock';
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';
import { messages, startHarness, TOKEN, type Harness } from '../scheduler/helpers';
import { callWebhook, makeWorkflow, runWorkflow, webhookHook, type CredentialValues, type WorkflowJson } from './harness';
import { rss } from './feeds';

const SITE = 'https://www.comune.example.it';
const CREDENTIAL = { banditoreSchedulerApi: { id: 'cred-1', name: 'Banditore scheduler' } };

function node(name: string, type: string, parameters: IDataObject, extra: Partial<INode> = {}): INode {
	return {
		id: name,
		name,
		type: `n8n-nodes-banditore.${type}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INodeParameters,
		credentials: type.startsWith('banditoreScheduler') ? CREDENTIAL : undefined,
		...extra,
	};
}

function chain(...nodes: INode[]): WorkflowJson {
	const connections: WorkflowJson['connections'] = {};
	for (let i = 0; i < nodes.length - 1; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { nodes, connections };
}

describe('Banditore Scheduler through the n8n engine, against a real scheduler', () => {
	let h: Harness;
	let credentials: CredentialValues;
	afterEach(async () => h?.close());

	async function start(perWeek = 10): Promise<void> {
		h = await startHarness('sqlite', { at: new Date().toISOString(), quota: { perWeek } });
		credentials = { banditoreSchedulerApi: { url: h.scheduler.url, token: TOKEN } };
	}

	it('enqueues what Feed and Policy accept; the channel rules decide again and a second run changes nothing', async () => {
		await start();
		const today = new Date().toUTCString();
		const feed = rss([
			{ guid: 'ord-1', title: 'Ordinanza: chiusura di via Roma per lavori', link: `${SITE}/n/ord-1`, pubDate: today, category: 'Ordinanze' },
			{ guid: 'pol-1', title: 'Vota la lista civica alle elezioni', link: `${SITE}/n/pol-1`, pubDate: today },
			{ guid: 'met-1', title: 'Allerta meteo arancione per temporali', link: `${SITE}/n/met-1`, pubDate: today },
		]);
		const workflow = await makeWorkflow(
			chain(
				node('Feed', 'banditoreFeed', { sources: { source: [{ url: `${SITE}/feed` }] } }),
				node('Policy', 'banditorePolicy', { rulesSource: 'file', rulesFile: join(__dirname, '..', '..', 'rules', 'meda.yaml') }),
				node('Scheduler', 'banditoreScheduler', { resource: 'message', operation: 'enqueue', channel: 'meda', source: 'item' }),
			),
		);
		nock(SITE).get('/feed').reply(200, feed);
		const first = await runWorkflow(workflow, { credentials, startNode: 'Feed' });
		expect(first.error('Scheduler')).toBeUndefined();
		const enqueued = first.output('Scheduler');
		expect(enqueued.map((m) => [m.dedupeKey, m.created, m.state])).toEqual([
			['ord-1', true, 'queued'],
			['met-1', true, 'queued'],
		]);
		expect(String(enqueued[1].text)).toContain('Allerta meteo arancione per temporali');

		nock(SITE).get('/feed').reply(200, feed);
		const second = await runWorkflow(workflow, { credentials, startNode: 'Feed' });
		expect(second.output('Scheduler').map((m) => m.created)).toEqual([false, false]);
		expect((await messages(h)).map((m) => m.dedupeKey).sort()).toEqual(['met-1', 'ord-1']);
	});

	it('reserves slots until the weekly limit, then answers reserved: false; confirming counts the post', async () => {
		await start(2);
		const reserve = node('Reserve', 'banditoreScheduler', { resource: 'slot', operation: 'reserve', channel: 'meda', dedupeKey: '={{ $json.id }}' });
		const reserved = await runWorkflow(await makeWorkflow(chain(reserve)), {
			credentials,
			input: ['a', 'b', 'c'].map((id) => ({ json: { id } })),
		});
		const out = reserved.output('Reserve');
		expect(out.map((r) => r.reserved)).toEqual([true, true, false]);
		expect(out[2]).toEqual(expect.objectContaining({ error: 'quota_exhausted', retryAt: expect.any(String) }));

		const confirm = node('Confirm', 'banditoreScheduler', { resource: 'slot', operation: 'confirm', slotId: '={{ $json.slot.id }}', providerMessageId: 'wamid.A' });
		const confirmed = await runWorkflow(await makeWorkflow(chain(confirm)), { credentials, input: [{ json: out[0] }] });
		expect((confirmed.output('Confirm')[0].message as IDataObject).state).toBe('sent');

		const quota = node('Quota', 'banditoreScheduler', { resource: 'quota', operation: 'get', channel: 'meda' });
		const status = (await runWorkflow(await makeWorkflow(chain(quota)), { credentials })).output('Quota')[0];
		expect(status).toEqual(expect.objectContaining({ limit: 2, used: 1, inFlight: 1, remaining: 0 }));
	});

	it('refuses a written emergency without a justification, and lets a justified one past the limit', async () => {
		await start(1);
		const emergency = (justification: string) =>
			node('Allerta', 'banditoreScheduler', {
				resource: 'message',
				operation: 'enqueue',
				channel: 'meda',
				source: 'text',
				text: '🚨 Evacuazione di via Po per fuga di gas',
				emergency: true,
				justification,
				options: { dedupeKey: `allerta-${justification.length}` },
			});
		// n8n itself will not run the node with the required Justification empty…
		await expect(runWorkflow(await makeWorkflow(chain(emergency(''))), { credentials })).rejects.toThrow(/workflow has issues/i);
		// …and a blank one is refused by the scheduler.
		const refused = await runWorkflow(await makeWorkflow(chain(emergency('   '))), { credentials });
		expect(refused.error('Allerta')?.message).toMatch(/justification/i);
		expect(await messages(h)).toEqual([]);

		const accepted = await runWorkflow(await makeWorkflow(chain(emergency('Ordinanza sindacale urgente n. 12'))), { credentials });
		expect(accepted.output('Allerta')[0]).toEqual(expect.objectContaining({ created: true, emergency: true, justification: 'Ordinanza sindacale urgente n. 12' }));
	});

	it('says the scheduler cannot be reached, with its address, when nothing answers', async () => {
		await start();
		const quota = node('Quota', 'banditoreScheduler', { resource: 'quota', operation: 'get', channel: 'meda' });
		const result = await runWorkflow(await makeWorkflow(chain(quota)), { credentials: { banditoreSchedulerApi: { url: 'http://127.0.0.1:9', token: TOKEN } } });
		const error = result.error('Quota') as Error & { description?: string };
		expect(error.message).toBe('The Banditore scheduler at http://127.0.0.1:9 cannot be reached');
		expect(error.description).toMatch(/scheduler is running/);
	});

	describe('Banditore Scheduler Trigger', () => {
		let n8n: Server;
		let webhookBase: string;
		let runs: Array<Promise<unknown>>;
		let served: Awaited<ReturnType<typeof makeWorkflow>>;

		afterEach(async () => {
			await Promise.all(runs);
			n8n.closeAllConnections();
			await new Promise((resolve) => n8n.close(resolve));
		});

		/** Stands in for n8n's webhook server: runs the trigger node, answers, then runs the flow. */
		async function serveWorkflow(workflowJson: WorkflowJson, triggerName: string): Promise<void> {
			runs = [];
			const workflow = (served = await makeWorkflow(workflowJson));
			n8n = createServer(async (req, res) => {
				const request = Object.assign(req, { body: JSON.parse(await readBody(req)) as unknown });
				const answer = await callWebhook(workflow, triggerName, { credentials, httpRequest: request, httpResponse: res });
				if (!answer.workflowData) return;
				res.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"Workflow was started"}');
				runs.push(runWorkflow(workflow, { credentials, startNode: triggerName, input: answer.workflowData[0], mode: 'webhook' }));
			});
			await new Promise<void>((resolve) => n8n.listen(0, '127.0.0.1', resolve));
			webhookBase = `http://127.0.0.1:${(n8n.address() as AddressInfo).port}/webhook/`;
		}

		it('registers on activation, gets due messages with the scheduler token, and the flow acknowledges them', async () => {
			await start();
			const trigger = node('Trigger', 'banditoreSchedulerTrigger', { path: 'banditore', channels: '' }, { webhookId: 'd3f1c0de' });
			const ack = node('Ack', 'banditoreScheduler', {
				resource: 'message',
				operation: 'acknowledge',
				messageId: '={{ $json.id }}',
				status: 'sent',
				providerMessageId: '=wamid.{{ $json.dedupeKey }}',
			});
			await serveWorkflow(chain(trigger, ack), 'Trigger');

			expect(await webhookHook(served, 'Trigger', 'checkExists', { credentials, webhookBaseUrl: webhookBase })).toBe(false);
			await webhookHook(served, 'Trigger', 'create', { credentials, webhookBaseUrl: webhookBase });
			expect(await webhookHook(served, 'Trigger', 'checkExists', { credentials, webhookBaseUrl: webhookBase })).toBe(true);
			const channels = await h.api<{ channels: IDataObject[] }>('GET', '/v1/channels');
			expect(channels.body.channels[0].delivery).toBe('webhook');

			await h.api('POST', '/v1/channels/meda/messages', { dedupeKey: 'avviso-1', text: 'Chiusura della biblioteca sabato', category: 'avviso' });
			await h.tick();
			await Promise.all(runs);
			const [message] = await messages(h);
			expect(message.state).toBe('sent');
			expect((await h.api<{ message: IDataObject }>('GET', `/v1/messages/${message.id}`)).body.message.providerMessageId).toBe('wamid.avviso-1');

			await webhookHook(served, 'Trigger', 'delete', { credentials, webhookBaseUrl: webhookBase });
			expect((await h.api<{ channels: IDataObject[] }>('GET', '/v1/channels')).body.channels[0].delivery).toBe('outbox');
		});

		it('refuses a call without the scheduler token and starts nothing', async () => {
			await start();
			await serveWorkflow(chain(node('Trigger', 'banditoreSchedulerTrigger', { path: 'banditore', channels: '' }, { webhookId: 'd3f1c0de' })), 'Trigger');
			const response = await fetch(`${webhookBase}d3f1c0de/banditore`, {
				method: 'POST',
				headers: { authorization: 'Bearer someone-else', 'content-type': 'application/json' },
				body: JSON.stringify({ message: { id: 'x', channel: 'meda', text: 'Compra ora!' }, ackUrl: null }),
			});
			expect(response.status).toBe(401);
			expect(runs).toHaveLength(0);
		});
	});
});

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		let text = '';
		req.setEncoding('utf8');
		req.on('data', (chunk: string) => (text += chunk));
		req.on('end', () => resolve(text));
		req.on('error', reject);
	});
}
