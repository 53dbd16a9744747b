// The scheduler's Telegram transport, by itself, against a fake Bot API on 127.0.0.1: what it posts,
// the result it gives the dispatcher for each documented answer, and its settings.
import { toTelegramHtml } from '../../core/telegram';
import { ConfigInvalid } from '../../scheduler/src/errors';
import { TelegramTransport, telegramDelivery, telegramSettings, telegramTimeoutMs, type TelegramDelivery } from '../../scheduler/src/delivery/telegram';
import type { Transport } from '../../scheduler/src/delivery/transport';
import type { Message } from '../../scheduler/src/model';
import { CHANNEL, startFakeBotApi, SUPERGROUP_ID, TOKEN, type FakeBotApi } from '../telegram/fake-bot-api';

const LINK = 'https://www.comune.meda.mb.it/novita/chiusura_via_roma';
const TEXT = `🚧 *Chiusura di via Roma*\n\nDal 24 novembre per lavori <fognatura> & asfalto; info＿sul sito\n\n${LINK}\n\nCanale del Comune di Meda`;

function message(over: Partial<Message> = {}): Message {
	const now = '2026-06-10T08:00:00.000Z';
	return {
		id: 'msg-1',
		channel: 'meda',
		dedupeKey: 'k1',
		state: 'sending',
		text: TEXT,
		category: null,
		priority: 0,
		emergency: false,
		justification: null,
		image: null,
		earliestAt: now,
		expiresAt: null,
		createdAt: now,
		updatedAt: now,
		sentAt: null,
		providerMessageId: null,
		reasons: [],
		attempts: 1,
		item: null,
		duplicateOf: null,
		history: [],
		...over,
	};
}

describe('TelegramTransport', () => {
	let api: FakeBotApi;
	let transport: TelegramTransport;
	const settings = (over: Partial<TelegramDelivery> = {}): TelegramDelivery => ({ kind: 'telegram', token: TOKEN, chat: '@comunedimeda', apiUrl: api.url, ...over });
	beforeEach(async () => {
		api = await startFakeBotApi();
		transport = new TelegramTransport(settings(), 2000);
	});
	afterEach(async () => {
		transport.close();
		await api.close();
	});

	it('is a Transport of kind telegram', () => {
		const asTransport: Transport = transport;
		expect(asTransport.kind).toBe('telegram');
	});

	it('posts the text as Telegram HTML and records "<chat id>:<message id>"', async () => {
		const result = await transport.deliver(message());
		expect(result).toEqual({ kind: 'sent', providerMessageId: `${CHANNEL.id}:101` });
		expect(api.posted).toHaveLength(1);
		expect(api.posted[0].body).toEqual({ chat_id: '@comunedimeda', text: toTelegramHtml(TEXT), parse_mode: 'HTML' });
		expect(api.posted[0].shown).toBe(`🚧 Chiusura di via Roma\n\nDal 24 novembre per lavori <fognatura> & asfalto; info＿sul sito\n\n${LINK}\n\nCanale del Comune di Meda`);
	});

	it('posts a photo with caption, and a long text whole with the image as preview', async () => {
		const image = 'https://www.comune.meda.mb.it/img/cantiere.jpg';
		expect(await transport.deliver(message({ image }))).toEqual({ kind: 'sent', providerMessageId: `${CHANNEL.id}:101` });
		const long = TEXT.replace('asfalto;', `asfalto; ${'lavori notturni e deviazioni, '.repeat(50)}`);
		expect(await transport.deliver(message({ id: 'msg-2', image, text: long }))).toEqual({ kind: 'sent', providerMessageId: `${CHANNEL.id}:102` });
		expect(api.posted.map((p) => p.method)).toEqual(['sendPhoto', 'sendMessage']);
		expect(api.posted[0].body).toMatchObject({ photo: image, caption: toTelegramHtml(TEXT), parse_mode: 'HTML' });
		expect(api.posted[1].body).toMatchObject({ text: toTelegramHtml(long), link_preview_options: { url: image, prefer_large_media: true, show_above_text: true } });
	});

	it('cuts a text over 4096 units keeping the link and the footer, and the fake accepts it', async () => {
		const long = TEXT.replace('asfalto;', `asfalto; ${'Parola 🎉 '.repeat(600)}`);
		expect((await transport.deliver(message({ text: long }))).kind).toBe('sent');
		const shown = api.posted[0].shown;
		expect(shown.length).toBeLessThanOrEqual(4096);
		expect(shown.endsWith(`…\n\n${LINK}\n\nCanale del Comune di Meda`)).toBe(true);
	});

	it('posts the news without its image when Telegram cannot fetch the image', async () => {
		const image = 'https://www.comune.meda.mb.it/img/rotta.jpg';
		api.brokenImages.add(image);
		expect(await transport.deliver(message({ image }))).toEqual({ kind: 'sent', providerMessageId: `${CHANNEL.id}:101` });
		expect(api.posted.map((p) => p.method)).toEqual(['sendMessage']);
	});

	it('gives flood control back as a retry with the wait, and posts nothing', async () => {
		api.floodSeconds = 42;
		expect(await transport.deliver(message())).toEqual({
			kind: 'notHandedOver',
			retry: true,
			retryAfterSeconds: 42,
			reason: 'Telegram chiede di aspettare 42 secondi prima di inviare ancora (limite di invii): il messaggio non è stato pubblicato',
		});
		expect(api.posted).toEqual([]);
	});

	it.each([
		['@nessuno', "Telegram non trova la chat @nessuno: controllare nella configurazione del canale il nome (@nome) o l'id numerico (-100…), e che il bot sia stato aggiunto alla chat"],
		['@altrocomune', 'Il bot non è nella chat @altrocomune o ne è stato rimosso: aggiungerlo agli amministratori con il permesso di pubblicare messaggi'],
		['@espulso', 'Il bot non è nella chat @espulso o ne è stato rimosso: aggiungerlo agli amministratori con il permesso di pubblicare messaggi'],
		['@senzapermessi', 'Il bot è nella chat @senzapermessi ma non può pubblicare: dargli il permesso «Pubblica messaggi» tra gli amministratori'],
		['-4012345678', `Il gruppo -4012345678 è diventato un supergruppo: nella configurazione del canale usare il nuovo id ${SUPERGROUP_ID}`],
	])('refuses for good, in Italian, when the chat is %s', async (chat, reason) => {
		const other = new TelegramTransport(settings({ chat }), 2000);
		try {
			expect(await other.deliver(message())).toEqual({ kind: 'notHandedOver', retry: false, reason });
		} finally {
			other.close();
		}
	});

	it('refuses for good on a wrong token, naming the variable to fix and never the token', async () => {
		const wrong = '555555555:AAwrong-token-0123456789abcdefghij';
		const other = new TelegramTransport(settings({ token: wrong, tokenEnv: 'MEDA_TELEGRAM_TOKEN' }), 2000);
		try {
			const result = await other.deliver(message());
			expect(result).toEqual({
				kind: 'notHandedOver',
				retry: false,
				reason: 'Telegram ha rifiutato il token del bot (HTTP 401): copiare di nuovo il token da @BotFather nella variabile MEDA_TELEGRAM_TOKEN e riavviare lo scheduler',
			});
			expect(JSON.stringify(result)).not.toContain('AAwrong');
		} finally {
			other.close();
		}
	});

	it('is unknown when Telegram posted and did not answer in time, and when a server error answers the post', async () => {
		const quick = new TelegramTransport(settings(), 300);
		try {
			api.hangAfterPosting = true;
			expect(await quick.deliver(message())).toEqual({ kind: 'unknown', reason: 'Telegram non ha risposto alla pubblicazione: il messaggio potrebbe essere già nel canale' });
			expect(api.posted).toHaveLength(1);
		} finally {
			quick.close();
		}
		api.next = { status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } };
		expect(await transport.deliver(message())).toEqual({ kind: 'unknown', reason: 'Telegram ha risposto con un errore (HTTP 500) alla pubblicazione: il messaggio potrebbe essere già nel canale' });
	});

	it('is known not sent, to retry, when Telegram cannot be reached', async () => {
		await api.close();
		const closed = new TelegramTransport(settings(), 2000);
		try {
			expect(await closed.deliver(message())).toEqual({ kind: 'notHandedOver', retry: true, reason: `Telegram non raggiungibile a ${api.url}` });
		} finally {
			closed.close();
			api = await startFakeBotApi();
		}
	});

	it('refuses any other Bot API refusal for good, with Telegram\'s description', async () => {
		api.next = { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message is too long' } };
		expect(await transport.deliver(message())).toEqual({ kind: 'notHandedOver', retry: false, reason: 'Telegram ha rifiutato il messaggio (HTTP 400: Bad Request: message is too long)' });
	});

	it('cannot tell after a crash: recover waits for a person, and reads nothing from Telegram', async () => {
		const recovery = await (transport as Transport).recover(message());
		expect(recovery).toEqual({
			sent: false,
			known: false,
			note: "Telegram non permette a un bot di rileggere un canale: dopo un'interruzione non si può sapere se il messaggio è stato pubblicato. Controllare la chat @comunedimeda e decidere se inviarlo di nuovo",
		});
		expect(api.requests).toEqual([]);
	});
});

describe('Telegram delivery settings', () => {
	it('reads the config file\'s delivery, the token from its variable', () => {
		const file = telegramDelivery.parse({ kind: 'telegram', chat: 'https://t.me/comunedimeda' });
		expect(file).toEqual({ kind: 'telegram', chat: 'https://t.me/comunedimeda', tokenEnv: 'TELEGRAM_BOT_TOKEN' });
		expect(telegramSettings(file, { TELEGRAM_BOT_TOKEN: ` ${TOKEN} ` }, 'meda')).toEqual({ kind: 'telegram', chat: '@comunedimeda', token: TOKEN, tokenEnv: 'TELEGRAM_BOT_TOKEN' });
	});

	it('refuses a chat that is neither @name nor an id, a token in the file, and unknown keys', () => {
		const chat = telegramDelivery.safeParse({ kind: 'telegram', chat: 'Comune di Meda' });
		expect(chat.success).toBe(false);
		expect(chat.error?.issues[0].message).toBe('a public channel or group as @name, or its numeric id, e.g. -1001234567890');
		expect(telegramDelivery.safeParse({ kind: 'telegram', chat: '@comunedimeda', token: TOKEN }).success).toBe(false);
	});

	it('says which variable is missing or wrong, without its value', () => {
		const file = telegramDelivery.parse({ kind: 'telegram', chat: '-1001234567890', tokenEnv: 'MEDA_TG' });
		expect(() => telegramSettings(file, {}, 'meda')).toThrow(new ConfigInvalid('channel "meda": MEDA_TG is not set; it holds the Telegram bot token from @BotFather. Set it in the environment: the token is never written in the config file.'));
		let message = '';
		try {
			telegramSettings(file, { MEDA_TG: 'secret-but-wrong' }, 'meda');
		} catch (error) {
			message = (error as Error).message;
		}
		expect(message).toMatch(/^channel "meda": MEDA_TG does not hold a Telegram bot token/);
		expect(message).not.toContain('secret-but-wrong');
	});

	it('keeps a delivery of two requests within half the lease', () => {
		expect(telegramTimeoutMs(300)).toBe(30_000);
		expect(telegramTimeoutMs(60)).toBe(15_000);
		expect(telegramTimeoutMs(2)).toBe(1000);
	});
});
