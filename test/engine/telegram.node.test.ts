// The Banditore Telegram node through the real n8n engine, loaded from dist/, against a fake Bot API
// on 127.0.0.1 and a scheduler that records acknowledgements.
import { createServer } from 'node:http';
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';
import { toTelegramHtml } from '../../core/telegram';
import { TelegramBotApi } from '../../credentials/TelegramBotApi.credentials';
import { answer, close, listen, readBody } from '../whatsapp/fake-graph';
import { CHANNEL, startFakeBotApi, TOKEN, type FakeBotApi } from '../telegram/fake-bot-api';
import { makeWorkflow, runWorkflow, type CredentialValues } from './harness';

const LINK = 'https://www.comune.meda.mb.it/novita/chiusura_via_roma';

function telegramNode(parameters: IDataObject, withScheduler = false): INode {
	return {
		id: 'tg',
		name: 'Telegram',
		type: 'n8n-nodes-banditore.banditoreTelegram',
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INodeParameters,
		credentials: { telegramBotApi: { id: 'tg-1', name: 'Bot' }, ...(withScheduler ? { banditoreSchedulerApi: { id: 's-1', name: 'Scheduler' } } : {}) },
	};
}

async function startScheduler() {
	const acks: Array<{ path: string; body: Record<string, unknown> }> = [];
	const server = createServer((req, res) => {
		readBody(req).then((raw) => {
			acks.push({ path: req.url ?? '', body: JSON.parse(raw) as Record<string, unknown> });
			answer(res, 200, { message: { id: 'm1', state: 'sent' } });
		}, () => res.destroy());
	});
	const url = await listen(server);
	return { url, acks, close: () => close(server) };
}

describe('Banditore Telegram through the n8n engine', () => {
	let api: FakeBotApi;
	let credentials: CredentialValues;
	beforeEach(async () => {
		api = await startFakeBotApi();
		credentials = { telegramBotApi: { token: TOKEN, apiUrl: api.url } };
	});
	afterEach(async () => api.close());

	async function run(parameters: IDataObject, input: IDataObject[], extra: CredentialValues = {}, withScheduler = false) {
		const workflow = await makeWorkflow({ nodes: [telegramNode(parameters, withScheduler)], connections: {} });
		return runWorkflow(workflow, { credentials: { ...credentials, ...extra }, input: input.map((json) => ({ json })) });
	}

	it('posts a due message of the scheduler as Telegram HTML and acknowledges "<chat id>:<message id>"', async () => {
		const scheduler = await startScheduler();
		try {
			const text = `🚧 *Chiusura di via Roma*\n\nDal 24 novembre, info＿sul sito & <altro>\n\n${LINK}`;
			const message = { id: 'm1', channel: 'meda', text, image: null, ackUrl: `${scheduler.url}/v1/messages/m1/ack` };
			const result = await run({ chat: '@comunedimeda', source: 'item' }, [message], { banditoreSchedulerApi: { url: scheduler.url, token: 'sched-token' } }, true);
			expect(result.error('Telegram')).toBeUndefined();
			expect(result.output('Telegram')).toEqual([
				{
					target: 'telegram',
					chat: '@comunedimeda',
					status: 'sent',
					providerMessageId: `${CHANNEL.id}:101`,
					chatId: CHANNEL.id,
					messageId: 101,
					method: 'sendMessage',
					imageDropped: false,
					html: toTelegramHtml(text),
					text: `🚧 Chiusura di via Roma\n\nDal 24 novembre, info＿sul sito & <altro>\n\n${LINK}`,
					image: null,
					ack: 'acknowledged',
				},
			]);
			expect(api.posted[0].body).toEqual({ chat_id: '@comunedimeda', text: '🚧 <b>Chiusura di via Roma</b>\n\nDal 24 novembre, info＿sul sito &amp; &lt;altro&gt;\n\n' + LINK, parse_mode: 'HTML' });
			expect(scheduler.acks).toEqual([{ path: '/v1/messages/m1/ack', body: { status: 'sent', providerMessageId: `${CHANNEL.id}:101` } }]);
		} finally {
			await scheduler.close();
		}
	});

	it('posts a news item of a Feed node with its image as a photo with caption', async () => {
		const item = { id: LINK, title: 'Chiusura di via Roma *lavori*', summary: 'Dal 24 novembre', link: LINK, publishedAt: null, categories: [], image: 'https://www.comune.meda.mb.it/img/cantiere.jpg' };
		const result = await run({ chat: 'https://t.me/comunedimeda', source: 'item' }, [item]);
		expect(result.error('Telegram')).toBeUndefined();
		expect(result.output('Telegram')[0]).toMatchObject({ method: 'sendPhoto', image: item.image, providerMessageId: `${CHANNEL.id}:101` });
		expect(api.posted[0].body).toEqual({
			chat_id: '@comunedimeda',
			photo: item.image,
			caption: `<b>Chiusura di via Roma ∗lavori∗</b>\n\nDal 24 novembre\n\n${LINK}`,
			parse_mode: 'HTML',
		});
	});

	it('posts a text written in the node to a numeric chat id, over the caption limit as text with the image as preview', async () => {
		const text = `*Avviso*\n\n${'Lavori in corso fino a ottobre. '.repeat(40)}\n\n${LINK}`;
		const result = await run({ chat: '-1001234567890', source: 'custom', text, imageUrl: 'https://www.comune.meda.mb.it/img/a.png' }, [{}]);
		expect(result.error('Telegram')).toBeUndefined();
		expect(api.posted[0].method).toBe('sendMessage');
		expect(api.posted[0].body).toMatchObject({ chat_id: CHANNEL.id, link_preview_options: { url: 'https://www.comune.meda.mb.it/img/a.png', prefer_large_media: true, show_above_text: true } });
		expect(api.posted[0].shown.length).toBeGreaterThan(1024);
	});

	it('fails on flood control with the wait, acknowledging the scheduler that it may retry', async () => {
		const scheduler = await startScheduler();
		try {
			api.floodSeconds = 30;
			const message = { id: 'm2', text: 'Avviso', ackUrl: `${scheduler.url}/v1/messages/m2/ack` };
			const result = await run({ chat: '@comunedimeda', source: 'item' }, [message], { banditoreSchedulerApi: { url: scheduler.url, token: 'sched-token' } }, true);
			const error = result.error('Telegram') as Error & { description?: string; httpCode?: string };
			expect(error.message).toBe('Telegram Bot API error 429: Too Many Requests: retry after 30');
			expect(error.description).toMatch(/wait 30 seconds/);
			expect(error.httpCode).toBe('429');
			expect(scheduler.acks[0].body).toEqual({ status: 'failed', reason: 'Telegram Bot API error 429: Too Many Requests: retry after 30', retry: true });
			expect(api.posted).toEqual([]);
		} finally {
			await scheduler.close();
		}
	});

	it.each([
		['@altrocomune', /403: Forbidden: bot is not a member of the channel chat/, /as an administrator with the right to post messages/],
		['@nessuno', /400: Bad Request: chat not found/, /@name, a private one by its numeric id/],
	])('says what to do when %s refuses the bot', async (chat, message, description) => {
		const result = await run({ chat, source: 'item' }, [{ text: 'Avviso' }]);
		const error = result.error('Telegram') as Error & { description?: string };
		expect(error.message).toMatch(message);
		expect(error.description).toMatch(description);
	});

	it('says the token is wrong, never showing it, and continues on fail with the reason when asked', async () => {
		const wrong = '555555555:AAwrong-token-0123456789abcdefghij';
		const workflow = await makeWorkflow({ nodes: [{ ...telegramNode({ chat: '@comunedimeda', source: 'item' }), onError: 'continueRegularOutput' as const }], connections: {} });
		const result = await runWorkflow(workflow, { credentials: { telegramBotApi: { token: wrong, apiUrl: api.url } }, input: [{ json: { text: 'Avviso' } }] });
		expect(result.error('Telegram')).toBeUndefined();
		const [out] = result.output('Telegram');
		expect(out).toEqual({ status: 'failed', error: 'Telegram Bot API error 401: Unauthorized', hint: expect.stringMatching(/@BotFather/) });
		expect(JSON.stringify(result.run.data)).not.toContain('AAwrong');
	});

	it('refuses an item with no text, with what to connect', async () => {
		const result = await run({ chat: '@comunedimeda', source: 'item' }, [{ foo: 1 }]);
		expect(result.error('Telegram')?.message).toBe('The item has no text to send');
		expect(api.requests).toEqual([]);
	});
});

describe('Telegram Bot API credential', () => {
	it('tests the token with getMe at the address its test request makes', async () => {
		const api = await startFakeBotApi();
		try {
			const { request } = new TelegramBotApi().test;
			const values = { token: ` ${TOKEN} `, apiUrl: `${api.url}/` };
			// n8n evaluates the ={{ }} expressions with $credentials; here as plain JavaScript.
			const evaluate = (expression: string) => new Function('$credentials', `return ${expression.replace(/^=\{\{/, '').replace(/\}\}$/, '')}`)(values) as string;
			const url = `${evaluate(request.baseURL as string)}${evaluate(request.url as string)}`;
			expect(url).toBe(`${api.url}/bot${TOKEN}/getMe`);
			const response = await fetch(url);
			expect(await response.json()).toMatchObject({ ok: true, result: { is_bot: true, username: 'banditore_meda_bot' } });
			expect(evaluate(request.baseURL as string)).toBe(api.url);
			expect(new Function('$credentials', `return ${(request.baseURL as string).slice(3, -2)}`)({ token: TOKEN, apiUrl: '' })).toBe('https://api.telegram.org');
		} finally {
			await api.close();
		}
	});
});
