// Direct delivery to a Telegram channel or group through the official Bot API, without n8n. The
// message's WhatsApp text becomes Telegram HTML (core/telegram); with an image, a photo with caption
// when the text fits 1024 units, otherwise the text with the image as large preview (core/telegram/post.ts).
//
// Crash choice (a lease that ran out while `sending`): the Bot API has no method to read a channel's
// messages back, and a bot gets no update for its own posts, so nothing can tell whether the post
// went out. Guessing by message ids (they grow by one per post) would need writes to the channel and
// breaks when anyone else posts. So `recover` answers "not known": the message keeps counting and waits
// for a person, who looks at the channel. A request Telegram answered with an error is known not
// posted, except a server error or a malformed answer to the post itself, which may come after it.
import { t, type MessageKey } from '../../../core/messages';
import { BanditoreError } from '../../../core/errors';
import { checkToken, parseChat, publish, telegramClient, telegramMessageId, TelegramApiError, TELEGRAM_API, type TelegramFault } from '../../../core/telegram';
import { createHttpClient, NetworkError, type ClosableHttpClient } from '../../../core/whatsapp/http';
import { z } from '../../../core/vendor';
import { ConfigInvalid } from '../errors';
import type { Message } from '../model';
import { deliveryKind } from './kind';
import type { DeliveryResult, Recovery, Transport } from './transport';

/** The channel's delivery as the scheduler uses it: the token read from the environment. */
export type TelegramDelivery = { kind: 'telegram'; token: string; chat: string; apiUrl?: string; tokenEnv?: string };

const DEFAULT_TOKEN_ENV = 'TELEGRAM_BOT_TOKEN';

/** The delivery as written in banditore.config.yaml (channels[].delivery); the token is never in the file. */
export const telegramDelivery = z
	.object({
		kind: z.literal('telegram'),
		chat: z.string().refine(isChat, 'a public channel or group as @name, or its numeric id, e.g. -1001234567890'),
		/** Environment variable holding the bot token from @BotFather. */
		tokenEnv: z.string().min(1).default(DEFAULT_TOKEN_ENV),
		/** Only for a test server. */
		apiUrl: z.string().url().optional(),
	})
	.strict();

/** The settings of channel `channel` with the token read from its environment variable. */
export function telegramSettings(file: z.infer<typeof telegramDelivery>, env: NodeJS.ProcessEnv, channel: string): TelegramDelivery {
	const token = (env[file.tokenEnv] ?? '').trim();
	if (!token) throw new ConfigInvalid(`channel "${channel}": ${file.tokenEnv} is not set; it holds the Telegram bot token from @BotFather. Set it in the environment: the token is never written in the config file.`);
	try {
		checkToken(token);
	} catch {
		throw new ConfigInvalid(`channel "${channel}": ${file.tokenEnv} does not hold a Telegram bot token (digits, a colon, then letters): copy it again from @BotFather (/mybots → API Token).`);
	}
	return { kind: 'telegram', token, chat: parseChat(file.chat), tokenEnv: file.tokenEnv, ...(file.apiUrl ? { apiUrl: file.apiUrl } : {}) };
}

function isChat(value: string): boolean {
	try {
		parseChat(value);
		return true;
	} catch {
		return false;
	}
}

/**
 * The timeout of each request: a delivery makes at most two (a photo Telegram cannot fetch, then the
 * text alone), and all of it must end within half the lease, or the lease could run out mid-delivery.
 */
export function telegramTimeoutMs(leaseSeconds: number): number {
	return Math.max(1000, Math.min(30_000, Math.floor((leaseSeconds * 1000) / 4)));
}

/** Refusals that say what is wrong with the channel's settings or the bot, by fault. */
const REFUSALS: Partial<Record<TelegramFault, MessageKey>> = {
	unauthorized: 'scheduler.telegram.unauthorized',
	chatNotFound: 'scheduler.telegram.chatNotFound',
	notMember: 'scheduler.telegram.notMember',
	noRights: 'scheduler.telegram.noRights',
	migrated: 'scheduler.telegram.migrated',
};

export class TelegramTransport implements Transport {
	readonly kind = 'telegram';
	private readonly http: ClosableHttpClient;

	constructor(
		readonly settings: TelegramDelivery,
		private readonly timeoutMs: number = 30_000,
	) {
		this.http = createHttpClient({ maxSockets: 2, timeoutMs });
	}

	async deliver(message: Message): Promise<DeliveryResult> {
		const { chat } = this.settings;
		try {
			const client = telegramClient({ token: this.settings.token, apiUrl: this.settings.apiUrl, http: this.http, timeoutMs: this.timeoutMs });
			const { sent } = await publish(client, chat, message.text, message.image);
			return { kind: 'sent', providerMessageId: telegramMessageId(sent) };
		} catch (error) {
			return this.failure(error);
		}
	}

	/** Telegram cannot be read back: after a crash mid-send nobody can tell, and a person decides. */
	async recover(): Promise<Recovery> {
		return { sent: false, known: false, note: t('scheduler.telegram.cannotReadBack', { chat: this.settings.chat }) };
	}

	close(): void {
		this.http.close();
	}

	private failure(error: unknown): DeliveryResult {
		const chat = this.settings.chat;
		if (error instanceof NetworkError) {
			// Written and then cut (a timeout): Telegram may have posted it.
			if (error.maybeDelivered) return { kind: 'unknown', reason: t('scheduler.telegram.noAnswer') };
			return { kind: 'notHandedOver', reason: t('scheduler.telegram.unreachable', { url: this.settings.apiUrl ?? TELEGRAM_API }), retry: true };
		}
		if (error instanceof TelegramApiError) {
			const status = error.httpStatus;
			if (error.fault === 'throttled') {
				const seconds = error.retryAfter ?? 0;
				return { kind: 'notHandedOver', reason: t('scheduler.telegram.throttled', { seconds }), retry: true, ...(error.retryAfter !== null ? { retryAfterSeconds: seconds } : {}) };
			}
			// A server error, or something else answering, may come after the post went out.
			if (error.fault === 'unavailable') return { kind: 'unknown', reason: t('scheduler.telegram.uncertain', { status }) };
			const key = REFUSALS[error.fault];
			const env = this.settings.tokenEnv ?? DEFAULT_TOKEN_ENV;
			const reason = key ? t(key, { chat, status, env, newId: error.migrateToChatId ?? '' }) : t('scheduler.telegram.refused', { status, description: error.description });
			return { kind: 'notHandedOver', reason, retry: false };
		}
		// Our own checks (a token or chat of the wrong shape) fail before any request: nothing was sent.
		if (error instanceof BanditoreError && /^telegram\.(token|chat)$/.test(error.code)) return { kind: 'notHandedOver', reason: t('scheduler.telegram.badSettings', { chat, env: this.settings.tokenEnv ?? DEFAULT_TOKEN_ENV }), retry: false };
		// Anything else (an answer with ok but no message id): it may be in the channel.
		return { kind: 'unknown', reason: `Telegram: ${(error as Error).message}` };
	}
}

export const telegramKind = deliveryKind({
	kind: 'telegram',
	schema: telegramDelivery,
	direct: true,
	resolve: (written, at): TelegramDelivery => telegramSettings(written, at.env, at.channel),
	transport: (settings: TelegramDelivery, options) => new TelegramTransport(settings, telegramTimeoutMs(options.leaseSeconds)),
});
