// Bot API errors, classified: {ok:false, error_code, description, parameters:{retry_after, migrate_to_chat_id}}.
// The description is Telegram's own English text ("Bad Request: chat not found"): it is matched by its
// stable phrases, the error code alone says too little (400 covers a wrong chat and a wrong image).
import { BanditoreError } from '../errors';

/**
 * - throttled: flood control (429): wait `retryAfter` seconds, then the same request is safe to send
 * - unauthorized: the token is wrong or revoked (401; 404 for a token of the wrong shape)
 * - chatNotFound: no chat by that @name or id, or the bot cannot see it (400)
 * - notMember: the bot is not in the channel or group, or was removed (403)
 * - noRights: the bot is in it but may not post (400)
 * - migrated: the group became a supergroup with a new id (400, migrate_to_chat_id)
 * - badImage: Telegram could not fetch or read the image (400)
 * - tooLong: text or caption over the limit (400): our own cutting failed
 * - badRequest: any other refusal (400, 403): the same request would fail again
 * - unavailable: Telegram's own trouble (5xx) or an answer that is not the Bot API's
 */
export type TelegramFault = 'throttled' | 'unauthorized' | 'chatNotFound' | 'notMember' | 'noRights' | 'migrated' | 'badImage' | 'tooLong' | 'badRequest' | 'unavailable';

/** Faults after which the same request may succeed later. */
export const TELEGRAM_RETRYING: ReadonlySet<TelegramFault> = new Set(['throttled', 'unavailable']);

const BY_DESCRIPTION: Array<[RegExp, TelegramFault]> = [
	[/chat not found/i, 'chatNotFound'],
	[/bot is not a member|bot was kicked|bot was blocked|chat_write_forbidden|have no rights to send a message/i, 'notMember'],
	[/need administrator rights|not enough rights/i, 'noRights'],
	[/upgraded to a supergroup/i, 'migrated'],
	[/wrong file identifier|http url|web page content|image_process_failed|photo_invalid|wrong type of the web page|failed to get/i, 'badImage'],
	[/too long/i, 'tooLong'],
];

export function classifyTelegram(status: number, description: string, hasRetryAfter: boolean, hasMigration: boolean): TelegramFault {
	if (status === 429 || hasRetryAfter) return 'throttled';
	if (status === 401 || status === 404) return 'unauthorized';
	if (hasMigration) return 'migrated';
	for (const [pattern, fault] of BY_DESCRIPTION) if (pattern.test(description)) return fault;
	if (status >= 500 || status === 0) return 'unavailable';
	return status === 403 ? 'notMember' : 'badRequest';
}

interface Details {
	retryAfter: number | null;
	migrateToChatId: number | null;
	chat: string | null;
}

const HINTS: Record<TelegramFault, (d: Details) => string> = {
	throttled: (d) => `Telegram asks to wait ${d.retryAfter ?? 'a few'} seconds before sending again (flood control); the message was not posted.`,
	unauthorized: () => 'Copy the bot token again from @BotFather (/mybots → your bot → API Token) into the Telegram Bot API credential: this one is wrong or was revoked.',
	chatNotFound: (d) => `Check the chat${d.chat ? ` ${d.chat}` : ''}: a public channel or group as @name, a private one by its numeric id (-100…), and add the bot to it as an administrator.`,
	notMember: () => 'Add the bot to the channel (or group) as an administrator with the right to post messages, then send again.',
	noRights: () => 'Give the bot the "Post Messages" right among the channel\'s administrators (in a group: let it send messages).',
	migrated: (d) => `The group became a supergroup: use its new id ${d.migrateToChatId ?? ''} as the chat.`,
	badImage: () => 'Telegram could not fetch the image: it must be a public http(s) address of a JPEG or PNG of at most 5 MB.',
	tooLong: () => 'The text is longer than Telegram allows after formatting: shorten the template or the text.',
	badRequest: () => 'Telegram refused the message: see its description; sending the same again would fail the same way.',
	unavailable: () => 'Telegram had a temporary problem, or something between us and Telegram answered instead: try again later.',
};

/** An error answered by the Bot API, with its class and what to do. Never holds the token. */
export class TelegramApiError extends BanditoreError {
	readonly fault: TelegramFault;
	readonly retryAfter: number | null;
	readonly migrateToChatId: number | null;
	readonly chat: string | null;

	constructor(
		readonly httpStatus: number,
		readonly description: string,
		details: Partial<Details> & { fault?: TelegramFault } = {},
	) {
		const d: Details = { retryAfter: details.retryAfter ?? null, migrateToChatId: details.migrateToChatId ?? null, chat: details.chat ?? null };
		const fault = details.fault ?? classifyTelegram(httpStatus, description, d.retryAfter !== null, d.migrateToChatId !== null);
		super(`telegram.${fault}`, `Telegram Bot API error ${httpStatus}: ${description}`, HINTS[fault](d));
		this.name = 'TelegramApiError';
		this.fault = fault;
		this.retryAfter = d.retryAfter;
		this.migrateToChatId = d.migrateToChatId;
		this.chat = d.chat;
	}

	get retrying(): boolean {
		return TELEGRAM_RETRYING.has(this.fault);
	}
}

interface BotApiErrorBody {
	ok?: boolean;
	error_code?: number;
	description?: string;
	parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** The error of a Bot API answer that is not {ok:true}. */
export function botApiError(status: number, body: unknown, chat: string | null = null): TelegramApiError {
	const error = body && typeof body === 'object' ? (body as BotApiErrorBody) : null;
	if (!error || error.ok !== false) {
		// A proxy's page or an empty answer: not the Bot API speaking.
		const what = typeof body === 'string' && body.trim() ? `: ${body.trim().replace(/\s+/g, ' ').slice(0, 120)}` : '';
		return new TelegramApiError(status, `not a Bot API answer${what}`, { chat, fault: 'unavailable' });
	}
	const code = typeof error.error_code === 'number' ? error.error_code : status;
	const retryAfter = typeof error.parameters?.retry_after === 'number' ? error.parameters.retry_after : null;
	const migrateToChatId = typeof error.parameters?.migrate_to_chat_id === 'number' ? error.parameters.migrate_to_chat_id : null;
	return new TelegramApiError(code, error.description ?? `HTTP ${status}`, { retryAfter, migrateToChatId, chat });
}
