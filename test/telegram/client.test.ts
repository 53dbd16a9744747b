// The Bot API client against a fake Bot API on 127.0.0.1: what it sends, what it makes of each
// documented answer, and that the token never shows in an error.
import { inspect } from 'node:util';
import { createHttpClient, NetworkError } from '../../core/whatsapp/http';
import { checkToken, parseChat, publish, telegramClient, TelegramApiError, telegramMessageId, toTelegramHtml, type TelegramClient } from '../../core/telegram';
import { BanditoreError } from '../../core/errors';
import { BOT, CHANNEL, startFakeBotApi, SUPERGROUP_ID, TOKEN, type FakeBotApi } from './fake-bot-api';

const http = createHttpClient({ maxSockets: 4 });
afterAll(() => http.close());

/** Everything an error can show: message, hint, its JSON and how a logger would print it. */
function everything(error: unknown): string {
	return [String(error), (error as BanditoreError).hint ?? '', JSON.stringify(error), inspect(error, { depth: 5 })].join('\n');
}

async function failure(promise: Promise<unknown>): Promise<Error> {
	try {
		await promise;
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected a failure');
}

describe('Telegram Bot API client', () => {
	let api: FakeBotApi;
	let client: TelegramClient;
	beforeEach(async () => {
		api = await startFakeBotApi();
		client = telegramClient({ token: TOKEN, apiUrl: api.url, http, timeoutMs: 2000 });
	});
	afterEach(async () => api.close());

	it('sends a message as HTML to @name and reads the message id, the chat id and the date', async () => {
		const sent = await client.sendMessage('@comunedimeda', '<b>Avviso</b> &amp; altro');
		expect(sent).toEqual({ chatId: CHANNEL.id, messageId: 101, date: expect.any(Number) });
		expect(api.requests).toEqual([{ method: 'sendMessage', path: `/bot${TOKEN}/sendMessage`, body: { chat_id: '@comunedimeda', text: '<b>Avviso</b> &amp; altro', parse_mode: 'HTML' } }]);
		expect(api.posted[0].shown).toBe('Avviso & altro');
		expect(telegramMessageId(sent)).toBe(`${CHANNEL.id}:101`);
	});

	it('sends a numeric chat id as an Integer, as the Bot API documents chat_id', async () => {
		await client.sendPhoto('-1001234567890', 'https://www.comune.meda.mb.it/foto.jpg', '<i>Foto</i>');
		expect(api.requests[0].body).toEqual({ chat_id: -1001234567890, photo: 'https://www.comune.meda.mb.it/foto.jpg', caption: '<i>Foto</i>', parse_mode: 'HTML' });
	});

	it('asks getMe for the bot, as the credential test does', async () => {
		expect(await client.getMe()).toEqual({ id: BOT.id, username: BOT.username, name: BOT.first_name });
		expect(api.requests[0]).toEqual({ method: 'getMe', path: `/bot${TOKEN}/getMe`, body: {} });
	});

	it('returns flood control with its retry_after and does not wait', async () => {
		api.floodSeconds = 37;
		const started = Date.now();
		const error = await failure(client.sendMessage('@comunedimeda', 'x'));
		expect(Date.now() - started).toBeLessThan(1000);
		expect(error).toBeInstanceOf(TelegramApiError);
		expect(error).toMatchObject({ fault: 'throttled', retryAfter: 37, httpStatus: 429, retrying: true });
		expect((error as TelegramApiError).hint).toMatch(/wait 37 seconds/);
		expect(api.posted).toEqual([]);
	});

	it.each([
		['@nessuno', 'chatNotFound', /@nessuno: a public channel or group as @name, a private one by its numeric id/],
		['@altrocomune', 'notMember', /Add the bot to the channel .* as an administrator with the right to post messages/],
		['@espulso', 'notMember', /Add the bot to the channel/],
		['@senzapermessi', 'noRights', /"Post Messages" right/],
		['-4012345678', 'migrated', new RegExp(`new id ${SUPERGROUP_ID}`)],
	])('says what to do when the chat %s is refused (%s)', async (chat, fault, hint) => {
		const error = (await failure(client.sendMessage(chat, 'x'))) as TelegramApiError;
		expect(error).toMatchObject({ fault, retrying: false });
		expect(error.hint).toMatch(hint);
		expect(error.message).toMatch(/^Telegram Bot API error (400|403): (Bad Request|Forbidden): /);
	});

	it('says the token is wrong, pointing at @BotFather, and never shows it', async () => {
		const wrong = '987654321:AAwrong-token-0123456789abcdefghij';
		const error = (await failure(telegramClient({ token: wrong, apiUrl: api.url, http }).getMe())) as TelegramApiError;
		expect(error).toMatchObject({ fault: 'unauthorized', httpStatus: 401, message: 'Telegram Bot API error 401: Unauthorized' });
		expect(error.hint).toMatch(/@BotFather/);
		expect(everything(error)).not.toContain(wrong);
		expect(everything(error)).not.toContain('AAwrong');
	});

	it('refuses a token or a chat of the wrong shape before any request, with what to write', async () => {
		expect(() => checkToken('')).toThrow(/empty/);
		expect(() => telegramClient({ token: 'not a token', http })).toThrow(/not shaped like a token/);
		expect(parseChat(' @ComuneDiMeda ')).toBe('@ComuneDiMeda');
		expect(parseChat('https://t.me/comunedimeda')).toBe('@comunedimeda');
		expect(parseChat('comunedimeda')).toBe('@comunedimeda');
		expect(parseChat('-1001234567890')).toBe('-1001234567890');
		for (const bad of ['', '@ab', 'Comune di Meda', '@nome-con-trattini']) {
			const error = (await failure(client.sendMessage(bad, 'x'))) as BanditoreError;
			expect(error).toMatchObject({ code: 'telegram.chat' });
			expect(error.hint).toMatch(/@name .* numeric id/);
		}
		expect(api.requests).toEqual([]);
	});

	it('treats an answer that is not the Bot API\'s (a proxy page) as a temporary problem', async () => {
		api.next = { status: 502, body: '<html><body>Bad Gateway</body></html>' };
		const error = (await failure(client.sendMessage('@comunedimeda', 'x'))) as TelegramApiError;
		expect(error).toMatchObject({ fault: 'unavailable', retrying: true, httpStatus: 502 });
		expect(error.message).toContain('not a Bot API answer');
	});

	it('times out when Telegram posts and never answers: maybe delivered, and the address in the error has no token', async () => {
		api.hangAfterPosting = true;
		const error = await failure(telegramClient({ token: TOKEN, apiUrl: api.url, http, timeoutMs: 300 }).sendMessage('@comunedimeda', 'x'));
		expect(error).toBeInstanceOf(NetworkError);
		expect((error as NetworkError).maybeDelivered).toBe(true);
		expect(api.posted).toHaveLength(1);
		expect(everything(error)).not.toContain(TOKEN);
		expect((error as NetworkError).url).toBe(`${api.url}/bot<token>/sendMessage`);
	});

	it('cannot reach a closed port: known not delivered, no token in the error', async () => {
		await api.close();
		const error = await failure(client.sendMessage('@comunedimeda', 'x'));
		expect(error).toBeInstanceOf(NetworkError);
		expect((error as NetworkError).maybeDelivered).toBe(false);
		expect(everything(error)).not.toContain(TOKEN);
		api = await startFakeBotApi();
	});

	describe('publish', () => {
		const TEXT = '🚧 *Chiusura di via Roma*\n\nDal 24 novembre, info_sul sito & <altro>\n\nhttps://www.comune.meda.mb.it/n/via_roma';

		it('posts the WhatsApp text as HTML the fake Bot API parses into what citizens read', async () => {
			const { sent, post } = await publish(client, '@comunedimeda', TEXT, null);
			expect(post.method).toBe('sendMessage');
			expect(api.requests[0].body).toEqual({ chat_id: '@comunedimeda', text: toTelegramHtml(TEXT), parse_mode: 'HTML' });
			expect(api.posted[0].shown).toBe('🚧 Chiusura di via Roma\n\nDal 24 novembre, info_sul sito & <altro>\n\nhttps://www.comune.meda.mb.it/n/via_roma');
			expect(sent.messageId).toBe(101);
		});

		it('posts a photo with caption, or the long text with the image as large preview above it', async () => {
			const image = 'https://www.comune.meda.mb.it/img/cantiere.jpg';
			await publish(client, '@comunedimeda', TEXT, image);
			const long = `${TEXT}\n\n${'Lavori in corso fino a ottobre. '.repeat(40)}`;
			await publish(client, '@comunedimeda', long, image);
			expect(api.posted.map((p) => p.method)).toEqual(['sendPhoto', 'sendMessage']);
			expect(api.posted[0].body).toMatchObject({ photo: image, caption: toTelegramHtml(TEXT) });
			expect(api.posted[1].body.link_preview_options).toEqual({ url: image, prefer_large_media: true, show_above_text: true });
			expect(api.posted[1].shown.length).toBeGreaterThan(1024);
		});

		it('posts the text alone when Telegram cannot fetch the image, and says so', async () => {
			const image = 'https://www.comune.meda.mb.it/img/rotta.jpg';
			api.brokenImages.add(image);
			const result = await publish(client, '@comunedimeda', TEXT, image);
			expect(result.imageDropped).toBe(true);
			expect(api.requests.map((r) => r.method)).toEqual(['sendPhoto', 'sendMessage']);
			expect(api.posted).toHaveLength(1);
			expect(api.posted[0].body).toEqual({ chat_id: '@comunedimeda', text: toTelegramHtml(TEXT), parse_mode: 'HTML' });
		});

		it('never sends a text or caption the fake refuses as too long', async () => {
			const huge = `*Titolo*\n\n${'Parola 🎉 '.repeat(1200)}\n\nhttps://www.comune.meda.mb.it/n/1`;
			await publish(client, '@comunedimeda', huge, null);
			await publish(client, '@comunedimeda', huge, 'https://www.comune.meda.mb.it/img/a.png');
			expect(api.posted).toHaveLength(2);
			for (const p of api.posted) expect(p.shown.length).toBeLessThanOrEqual(4096);
		});
	});
});
