// The Banditore WhatsApp node through the real n8n engine, loaded from dist/, in its three targets.
import { createServer } from 'node:http';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INode, INodeParameters } from 'n8n-workflow';
import { makeWorkflow, runWorkflow } from '../engine/harness';
import { runWithCredentials } from './engine';
import { answer, close, graphError, listen, readBody, startFakeGraph } from './fake-graph';
import { startFakeGateway } from './gateway-fake';
import { cloudErrors, wahaErrors } from './spec';

function whatsAppNode(parameters: Record<string, unknown>, credentials: Record<string, { id: string; name: string }> = {}): INode {
	return { id: 'wa', name: 'Banditore WhatsApp', type: 'n8n-nodes-banditore.banditoreWhatsApp', typeVersion: 1, position: [0, 0], parameters: parameters as INodeParameters, credentials };
}

const LINK = 'https://www.comune.meda.mb.it/novita/avviso-1';
const newsItem = { id: LINK, title: 'Chiusura di via Roma *lavori*', summary: 'Dal 24 novembre è chiusa; più info_sul sito 🚧', link: LINK, publishedAt: null, categories: [], image: null };

/** A scheduler that records acknowledgements. */
async function startScheduler() {
	const acks: Array<{ path: string; auth: string | undefined; body: Record<string, unknown> }> = [];
	const server = createServer((req, res) => {
		readBody(req).then((raw) => {
			acks.push({ path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(raw) as Record<string, unknown> });
			answer(res, 200, { message: { id: 'm1', state: 'sent' } });
		}, () => res.destroy());
	});
	const url = await listen(server);
	return { url, acks, close: () => close(server) };
}

const schedulerCredential = { banditoreSchedulerApi: { url: 'http://127.0.0.1', token: 'sched-token' } };

describe('Banditore WhatsApp through the n8n engine', () => {
	it('outbox: writes exactly what would be sent, to the output and to a file', async () => {
		const file = join(await mkdtemp(join(tmpdir(), 'wa-outbox-')), 'outbox.jsonl');
		const workflow = await makeWorkflow({ nodes: [whatsAppNode({ target: 'outbox', imageUrl: '', options: { outboxFile: file } })], connections: {} });
		const result = await runWithCredentials(workflow, {}, [{ json: newsItem }]);
		expect(result.error()).toBeUndefined();
		const [out] = result.output();
		expect(out).toMatchObject({ status: 'dry-run', text: `*Chiusura di via Roma ∗lavori∗*\n\nDal 24 novembre è chiusa; più info＿sul sito 🚧\n\n${LINK}`, limit: 4096 });
		expect(JSON.parse((await readFile(file, 'utf8')).trim())).toMatchObject({ text: out.text, image: null });
	});

	it('outbox: after a Policy node, posts the text its rules composed, with the comune\'s footer and contact', async () => {
		const file = join(await mkdtemp(join(tmpdir(), 'wa-policy-')), 'outbox.jsonl');
		const footer = 'Canale del Comune di Meda, non si può rispondere. Info: urp@comune.meda.mb.it';
		const rulesYaml = `comune: Città di Meda\ncategories:\n  - { id: avviso, label: Avviso, emoji: "📢", match: { words: [chiusura] } }\nmessage:\n  footer: "${footer}"\n`;
		const policy: INode = { id: 'p', name: 'Banditore Policy', type: 'n8n-nodes-banditore.banditorePolicy', typeVersion: 1, position: [0, 0], parameters: { rulesSource: 'yaml', rulesYaml } };
		const workflow = await makeWorkflow({
			nodes: [policy, whatsAppNode({ target: 'outbox', imageUrl: '', options: { outboxFile: file } })],
			connections: { 'Banditore Policy': { main: [[{ node: 'Banditore WhatsApp', type: 'main', index: 0 }], [], []] } },
		});
		const result = await runWorkflow(workflow, { startNode: 'Banditore Policy', input: [{ json: { ...newsItem, source: { name: 'Comune', url: LINK, kind: 'rss' } } }] });
		expect([result.error('Banditore Policy'), result.error('Banditore WhatsApp')]).toEqual([undefined, undefined]);
		const posted = JSON.parse((await readFile(file, 'utf8')).trim()) as { text: string };
		expect(posted.text.startsWith('📢 *Chiusura di via Roma ∗lavori∗*')).toBe(true);
		expect(posted.text.endsWith(`\n\n${footer}`)).toBe(true);
	});

	it('outbox: a due message from the scheduler is acknowledged as sent, so the week\'s ledger shows it', async () => {
		const file = join(await mkdtemp(join(tmpdir(), 'wa-outbox-')), 'outbox.jsonl');
		const scheduler = await startScheduler();
		try {
			const workflow = await makeWorkflow({
				nodes: [whatsAppNode({ target: 'outbox', imageUrl: '', options: { outboxFile: file } }, { banditoreSchedulerApi: { id: '2', name: 'S' } })],
				connections: {},
			});
			const message = { id: 'm9', channel: 'meda', text: `Avviso\n\n${LINK}`, image: null, ackUrl: `${scheduler.url}/v1/messages/m9/ack` };
			const result = await runWithCredentials(workflow, schedulerCredential, [{ json: message }]);
			expect(result.output()[0]).toMatchObject({ status: 'dry-run', ack: 'acknowledged' });
			expect(scheduler.acks).toEqual([{ path: '/v1/messages/m9/ack', auth: 'Bearer sched-token', body: { status: 'sent', providerMessageId: 'outbox:m9' } }]);
		} finally {
			await scheduler.close();
		}
	});

	it('channel: posts through WAHA, confirms by read-back, and acknowledges to the scheduler', async () => {
		const waha = await startFakeGateway('waha');
		const scheduler = await startScheduler();
		try {
			const workflow = await makeWorkflow({
				nodes: [whatsAppNode({ target: 'channel', chatId: '120363012345678901@newsletter', options: { confirmDelayMs: 0 } }, { whatsAppGatewayApi: { id: '1', name: 'WAHA' }, banditoreSchedulerApi: { id: '2', name: 'S' } })],
				connections: {},
			});
			const message = { id: 'm1', channel: 'meda', text: `🚧 *Chiusura di via Roma*\n\n${LINK}`, image: null, ackUrl: `${scheduler.url}/v1/messages/m1/ack` };
			const result = await runWithCredentials(workflow, { whatsAppGatewayApi: { kind: 'waha', baseUrl: waha.url, apiKey: 'secret-key', session: 'default' }, ...schedulerCredential }, [{ json: message }]);
			expect(result.error()).toBeUndefined();
			expect(result.output()[0]).toMatchObject({ status: 'sent', providerMessageId: expect.stringContaining('3EB0'), confirmedBy: 'id', ack: 'acknowledged' });
			expect(wahaErrors('/api/sendText', waha.posts[0].body)).toEqual([]);
			expect(waha.posts[0].body).toMatchObject({ text: message.text, linkPreview: true });
			expect(scheduler.acks).toEqual([{ path: '/v1/messages/m1/ack', auth: 'Bearer sched-token', body: { status: 'sent', providerMessageId: expect.stringContaining('3EB0') } }]);

			// A post the gateway accepts but never shows: a failure, acknowledged as not to retry blindly.
			waha.swallow = true;
			const failed = await runWithCredentials(workflow, { whatsAppGatewayApi: { kind: 'waha', baseUrl: waha.url, apiKey: 'secret-key', session: 'default' }, ...schedulerCredential }, [{ json: message }]);
			expect(failed.error()?.message).toMatch(/not in 120363012345678901@newsletter/);
			expect(failed.error()?.description).toMatch(/never appear/);
			expect(scheduler.acks[1].body).toMatchObject({ status: 'failed', retry: false });
		} finally {
			await waha.close();
			await scheduler.close();
		}
	});

	it('subscribers: sends the template to each subscriber once, never outputs numbers, continues after a re-run', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'wa-subs-'));
		const recipientsFile = join(dir, 'iscritti.csv');
		await writeFile(recipientsFile, '# chiave,numero\nsub-1,+39 333 1111111\nsub-2,393332222222\n393333333333\n');
		const graph = await startFakeGraph({ latencyMs: 1 });
		try {
			const node = whatsAppNode(
				{ target: 'subscribers', recipientsFile, templateName: 'notizia_comune', imageUrl: '', options: { sendLogFolder: dir, rate: 100 } },
				{ whatsAppCloudApi: { id: '1', name: 'Cloud' } },
			);
			const workflow = await makeWorkflow({ nodes: [node], connections: {} });
			const credentials = { whatsAppCloudApi: { accessToken: 't', phoneNumberId: '1234567890', baseUrl: graph.url, version: 'v23.0' } };
			const result = await runWithCredentials(workflow, credentials, [{ json: { id: 'm7', text: `Allerta meteo\n\n${LINK}` } }]);
			expect(result.error()).toBeUndefined();
			const [out] = result.output();
			expect(out).toMatchObject({ status: 'sent', broadcastId: 'm7', report: { total: 3, sent: 3 } });
			// Not the numbers, in any spelling: only recipient keys may leave the engine.
			for (const digits of ['3331111111', '3332222222', '3333333333']) expect(JSON.stringify(out).replace(/\s/g, '')).not.toContain(digits);
			expect(graph.bodies).toHaveLength(3);
			for (const body of graph.bodies) expect(cloudErrors(body)).toEqual([]);
			expect(graph.bodies[0]).toMatchObject({ to: '393331111111', template: { name: 'notizia_comune', components: [{ type: 'body', parameters: [{ type: 'text', text: `Allerta meteo · ${LINK}` }] }] } });

			const again = await runWithCredentials(workflow, credentials, [{ json: { id: 'm7', text: `Allerta meteo\n\n${LINK}` } }]);
			expect(again.output()[0]).toMatchObject({ report: { alreadyDone: 3, sent: 0 } });
			expect(graph.bodies).toHaveLength(3);
		} finally {
			await graph.close();
		}
	});

	it('subscribers: reports the lines it refused by number only, and refuses a file with no valid recipient', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'wa-subs-'));
		const recipientsFile = join(dir, 'iscritti.csv');
		await writeFile(recipientsFile, 'chiave,numero\nsub-1,+39 333 1111111\nsub-2,39 33\n\n# pausa\nsub-3,tre tre tre\n393334444444\n');
		const graph = await startFakeGraph({ latencyMs: 1 });
		try {
			const parameters = { target: 'subscribers', recipientsFile, templateName: 'notizia_comune', imageUrl: '', options: { sendLogFolder: dir, rate: 100 } };
			const workflow = await makeWorkflow({ nodes: [whatsAppNode(parameters, { whatsAppCloudApi: { id: '1', name: 'Cloud' } })], connections: {} });
			const credentials = { whatsAppCloudApi: { accessToken: 't', phoneNumberId: '1234567890', baseUrl: graph.url, version: 'v23.0' } };
			const result = await runWithCredentials(workflow, credentials, [{ json: { id: 'm8', text: `Allerta meteo\n\n${LINK}` } }]);
			expect(result.error()).toBeUndefined();
			const [out] = result.output();
			// The header line is not a recipient; the blank and the comment are not lines to refuse.
			expect(out).toMatchObject({ status: 'sent', report: { total: 2, sent: 2 }, warnings: ['Skipped 2 lines of the recipients file that are not a phone number: lines 3, 6.'] });
			expect(JSON.stringify(out)).not.toContain('3933');
			expect(graph.bodies.map((body) => body.to).sort()).toEqual(['393331111111', '393334444444']);

			await writeFile(recipientsFile, 'sub-1,333\n\nsub-2,n/a\n');
			const none = await runWithCredentials(workflow, credentials, [{ json: { id: 'm9', text: 'Avviso' } }]);
			expect(none.error()?.message).toBe(`The recipients file ${recipientsFile} has no valid phone number`);
			expect(none.error()?.description).toBe('2 lines are not a phone number: lines 1, 3. Write one subscriber a line, "key,number" or just the number, with the country code (39 for Italy).');
			expect(graph.bodies).toHaveLength(2);
		} finally {
			await graph.close();
		}
	});

	it('subscribers: error 190 stops with what to do', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'wa-subs-'));
		await writeFile(join(dir, 'r.csv'), '393331111111\n');
		const graph = await startFakeGraph({ script: () => graphError(190, 'Error validating access token: Session has expired', 401) });
		try {
			const node = whatsAppNode({ target: 'subscribers', recipientsFile: join(dir, 'r.csv'), templateName: 'notizia', imageUrl: '', options: { sendLogFolder: dir } }, { whatsAppCloudApi: { id: '1', name: 'Cloud' } });
			const result = await runWithCredentials(await makeWorkflow({ nodes: [node], connections: {} }), { whatsAppCloudApi: { accessToken: 't', phoneNumberId: '1', baseUrl: graph.url, version: 'v23.0' } }, [{ json: newsItem }]);
			const error = result.error()!;
			// The engine keeps errors as plain data in the run.
			expect(error.name).toBe('NodeApiError');
			expect(error.httpCode).toBe('401');
			expect(error.message).toMatch(/Broadcast stopped: WhatsApp Cloud API error 190/);
			expect(error.description).toMatch(/permanent System User token/);
		} finally {
			await graph.close();
		}
	});
});
