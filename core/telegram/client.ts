// The Telegram Bot API client: POST https://api.telegram.org/bot<token>/<method> with a JSON body,
// answered {ok:true, result} or {ok:false, error_code, description, parameters}. The token is in the
// path, so no address with it ever leaves this file: network errors carry a redacted one.
// It never waits on flood control: the caller gets retry_after and decides.
import { BanditoreError } from '../errors';
import { NetworkError, type HttpClient } from '../whatsapp/http';
import { botApiError } from './errors';
import type { LinkPreview, TelegramPost } from './post';

export const TELEGRAM_API = 'https://api.telegram.org';

export interface TelegramConfig {
	token: string;
	/** Only for a test server; https://api.telegram.org otherwise. */
	apiUrl?: string;
	http: HttpClient;
	timeoutMs?: number;
}

/** What the Bot API answers for a message it posted (Message: message_id, chat.id, date). */
export interface SentMessage {
	chatId: number;
	messageId: number;
	/** Unix time in seconds. */
	date: number;
}

export interface BotInfo {
	id: number;
	username: string;
	name: string;
}

export interface TelegramClient {
	getMe(): Promise<BotInfo>;
	sendMessage(chat: string, text: string, linkPreview?: LinkPreview | null): Promise<SentMessage>;
	sendPhoto(chat: string, photo: string, caption: string): Promise<SentMessage>;
	send(chat: string, post: TelegramPost): Promise<SentMessage>;
}

const TOKEN = /^\d+:[\w-]{20,}$/;
const USERNAME = /^[a-z][a-z0-9_]{3,31}$/i;

/** The bot token as @BotFather gives it ("123456789:AA…"), or a clear error without the token in it. */
export function checkToken(token: string): string {
	const clean = (token ?? '').trim();
	if (TOKEN.test(clean)) return clean;
	throw new BanditoreError(
		'telegram.token',
		clean ? 'The Telegram bot token is not shaped like a token (digits, a colon, then letters).' : 'The Telegram bot token is empty.',
		'Copy the token from @BotFather (/mybots → your bot → API Token), whole and without spaces.',
	);
}

/**
 * A chat as the Bot API takes it: "@name" for a public channel or group (a bare name or a t.me link
 * is read as one), a numeric id (-100… for channels and supergroups) for any chat.
 */
export function parseChat(input: string): string {
	const clean = (input ?? '').trim();
	if (/^-?\d+$/.test(clean)) return clean;
	const name = clean.replace(/^(https?:\/\/)?(t\.me|telegram\.me)\//i, '').replace(/^@/, '');
	if (USERNAME.test(name)) return `@${name}`;
	throw new BanditoreError(
		'telegram.chat',
		clean ? `"${clean}" is not a Telegram chat.` : 'The Telegram chat is empty.',
		'Write a public channel or group as @name (its t.me link also works), a private one by its numeric id, e.g. -1001234567890 (forward a post of it to @userinfobot, or read it in the channel\'s link in Telegram Web).',
	);
}

export function telegramClient(config: TelegramConfig): TelegramClient {
	const token = checkToken(config.token);
	const base = (config.apiUrl || TELEGRAM_API).replace(/\/+$/, '');
	const timeoutMs = config.timeoutMs ?? 30_000;

	async function call<T>(method: string, body: Record<string, unknown> | undefined, chat: string | null): Promise<T> {
		let response;
		try {
			response = await config.http({ method: body ? 'POST' : 'GET', url: `${base}/bot${token}/${method}`, body, timeoutMs });
		} catch (error) {
			if (error instanceof NetworkError) throw new NetworkError(`${base}/bot<token>/${method}`, error.maybeDelivered, error.cause);
			throw error;
		}
		const answer = response.body as { ok?: unknown; result?: unknown } | null;
		if (response.status === 200 && answer && typeof answer === 'object' && answer.ok === true && answer.result !== undefined) return answer.result as T;
		throw botApiError(response.status, response.body, chat);
	}

	async function sent(method: string, body: Record<string, unknown>, chat: string): Promise<SentMessage> {
		const result = await call<{ message_id?: unknown; chat?: { id?: unknown }; date?: unknown }>(method, body, chat);
		if (typeof result?.message_id !== 'number' || typeof result.chat?.id !== 'number') {
			throw new BanditoreError('telegram.malformed', `Telegram answered ${method} with ok but no message id.`, 'Check the channel: the message is probably there.');
		}
		return { chatId: result.chat.id, messageId: result.message_id, date: typeof result.date === 'number' ? result.date : 0 };
	}

	/** Numeric ids go as Integer, as the Bot API documents chat_id (at most 52 bits: exact in a number); names as String. */
	const chatId = (chat: string): string | number => (/^-?\d+$/.test(chat) && Number.isSafeInteger(Number(chat)) ? Number(chat) : chat);

	const client: TelegramClient = {
		async getMe() {
			const me = await call<{ id: number; username?: string; first_name?: string }>('getMe', undefined, null);
			return { id: me.id, username: me.username ?? '', name: me.first_name ?? '' };
		},
		async sendMessage(chat, text, linkPreview = null) {
			const target = parseChat(chat);
			return await sent('sendMessage', { chat_id: chatId(target), text, parse_mode: 'HTML', ...(linkPreview ? { link_preview_options: linkPreview } : {}) }, target);
		},
		async sendPhoto(chat, photo, caption) {
			const target = parseChat(chat);
			return await sent('sendPhoto', { chat_id: chatId(target), photo, ...(caption ? { caption, parse_mode: 'HTML' } : {}) }, target);
		},
		send(chat, post) {
			return post.method === 'sendPhoto' ? client.sendPhoto(chat, post.photo, post.caption) : client.sendMessage(chat, post.text, post.linkPreview);
		},
	};
	return client;
}
