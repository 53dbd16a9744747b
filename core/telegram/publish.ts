// One message to a Telegram chat: composed (core/telegram/post.ts), sent, and, when Telegram cannot
// fetch the image of a photo post, sent again as text only: refused, the photo was not posted, and a
// citizen is better served by the news without its image than by no news.
import { TelegramApiError } from './errors';
import type { SentMessage, TelegramClient } from './client';
import { telegramPost, textOnly, type TelegramPost } from './post';

export interface Published {
	sent: SentMessage;
	post: TelegramPost;
	/** The image could not be fetched: posted as text only. */
	imageDropped: boolean;
}

export async function publish(client: TelegramClient, chat: string, text: string, image: string | null): Promise<Published> {
	const post = telegramPost(text, image);
	try {
		return { sent: await client.send(chat, post), post, imageDropped: false };
	} catch (error) {
		if (!(error instanceof TelegramApiError && error.fault === 'badImage' && post.method === 'sendPhoto')) throw error;
		const fallback = textOnly(text);
		return { sent: await client.send(chat, fallback), post: fallback, imageDropped: true };
	}
}

/** The id a posted message is recorded by: the chat's numeric id and the message's, "-100…:42". */
export function telegramMessageId(sent: Pick<SentMessage, 'chatId' | 'messageId'>): string {
	return `${sent.chatId}:${sent.messageId}`;
}
