import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { parsedText, publish, telegramMessageId } from '../../../core/telegram';
import { itemText } from '../../BanditoreWhatsApp/actions/message';
import { telegram } from '../transport';

/** One item to the chat: the item's WhatsApp text as Telegram HTML, with its image when there is one. */
export async function sendMessage(context: IExecuteFunctions, itemIndex: number, json: IDataObject): Promise<IDataObject> {
	const chat = (context.getNodeParameter('chat', itemIndex) as string).trim();
	const image = ((context.getNodeParameter('imageUrl', itemIndex, '') as string) || '').trim() || null;
	const text = itemText(context, itemIndex, json, 'text');
	const client = await telegram(context);
	const { sent, post, imageDropped } = await publish(client, chat, text, image);
	const html = post.method === 'sendPhoto' ? post.caption : post.text;
	return {
		target: 'telegram',
		chat,
		status: 'sent',
		providerMessageId: telegramMessageId(sent),
		chatId: sent.chatId,
		messageId: sent.messageId,
		method: post.method,
		imageDropped,
		html,
		text: parsedText(html),
		image,
	};
}
