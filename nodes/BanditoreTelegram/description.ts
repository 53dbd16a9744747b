import type { INodeProperties } from 'n8n-workflow';
import { messageProperties } from '../shared/message.description';

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'send',
		options: [{ name: 'Send Message', value: 'send', action: 'Send a message to a channel or group', description: 'Post the text, with its image when there is one' }],
	},
	{
		displayName: 'Chat',
		name: 'chat',
		type: 'string',
		default: '',
		required: true,
		placeholder: '@comunedimeda',
		description: 'A public channel or group as @name (or its t.me link), a private one by its numeric ID, e.g. -1001234567890. The bot must be an administrator allowed to post.',
	},
	...messageProperties({
		fromItem: "The scheduler's text, the Policy node's, or a news item formatted with title, summary and link",
		text: 'WhatsApp markup, as for the WhatsApp channel: *bold*, _italic_, ~strikethrough~, `code`, "> " quotes. Sent as Telegram HTML, cut to 4,096 characters keeping the link and the last lines.',
		image: 'A public JPEG or PNG (at most 5 MB): a photo with the text as caption up to 1,024 characters, above a longer text as its large preview. Empty for text only.',
	}),
];
