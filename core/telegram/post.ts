// What goes to Telegram for one message: a photo with the text as its caption when the text fits
// the caption, otherwise one text message with the image as its large link preview above the text.
//
// Why one message and not the photo followed by the text: two requests can be cut apart by a crash
// (a photo without its news, a retry posting the photo twice), and Telegram has no way to read a
// channel back to find out. A citizen sees the whole news with the image above it; only the caption
// limit (1024) differs from the text limit (4096). Bot API: sendPhoto caption "0-1024 characters
// after entities parsing", sendMessage text "1-4096", LinkPreviewOptions url/prefer_large_media/show_above_text.
import { fitTelegramHtml, telegramLength, toTelegramHtml } from './format';

export const TELEGRAM_LIMITS = {
	/** sendMessage text, UTF-16 code units after entity parsing. */
	text: 4096,
	/** sendPhoto caption, the same units. */
	caption: 1024,
} as const;

export interface LinkPreview {
	url: string;
	prefer_large_media: true;
	show_above_text: true;
}

export type TelegramPost =
	| { method: 'sendPhoto'; photo: string; caption: string }
	| { method: 'sendMessage'; text: string; linkPreview: LinkPreview | null };

/** The post for a WhatsApp-formatted `text` and an optional image URL, within Telegram's limits. */
export function telegramPost(text: string, image: string | null): TelegramPost {
	const photo = image?.trim() || null;
	if (photo) {
		const caption = toTelegramHtml(text.replace(/\r\n?/g, '\n').trim());
		if (telegramLength(caption) <= TELEGRAM_LIMITS.caption) return { method: 'sendPhoto', photo, caption };
	}
	return { method: 'sendMessage', text: fitTelegramHtml(text, TELEGRAM_LIMITS.text), linkPreview: photo ? imagePreview(photo) : null };
}

/** The news as text only, for when Telegram cannot fetch its image. */
export function textOnly(text: string): TelegramPost {
	return { method: 'sendMessage', text: fitTelegramHtml(text, TELEGRAM_LIMITS.text), linkPreview: null };
}

function imagePreview(url: string): LinkPreview {
	return { url, prefer_large_media: true, show_above_text: true };
}
