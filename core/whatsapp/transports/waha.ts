// WAHA (devlikeapro/waha): POST /api/sendText and /api/sendImage, header X-Api-Key.
import { joinUrl, type HttpRequest } from '../http';
import { gatewayError, imageType, type ChatInfo, type ChatMessage, type Gateway, type GatewayConfig, type GatewayPost } from './gateway';

export function wahaTextBody(session: string, chatId: string, text: string): Record<string, unknown> {
	return { session, chatId, text, linkPreview: true, linkPreviewHighQuality: false };
}

export function wahaImageBody(session: string, chatId: string, post: GatewayPost): Record<string, unknown> {
	const image = post.image!;
	const type = imageType(image.url);
	return {
		session,
		chatId,
		file: { mimetype: image.mimetype ?? type.mimetype, url: image.url, filename: image.filename ?? type.filename },
		caption: post.text,
	};
}

export function wahaGateway(config: GatewayConfig): Gateway {
	const call = async (request: Omit<HttpRequest, 'headers'>, what: string) => {
		const response = await config.http({ ...request, headers: { 'x-api-key': config.apiKey }, timeoutMs: config.timeoutMs });
		if (response.status < 200 || response.status >= 300) throw gatewayError('WAHA', what, response);
		return response.body;
	};
	return {
		name: 'WAHA',
		async send(chatId, post) {
			const image = Boolean(post.image);
			const body = image ? wahaImageBody(config.session, chatId, post) : wahaTextBody(config.session, chatId, post.text);
			const answer = (await call({ method: 'POST', url: joinUrl(config.baseUrl, 'api', image ? 'sendImage' : 'sendText'), body }, 'the post')) as {
				id?: unknown;
				key?: { id?: unknown };
			} | null;
			const id = answer?.id ?? answer?.key?.id;
			return typeof id === 'string' ? id : null;
		},
		async recent(chatId, limit) {
			const url = `${joinUrl(config.baseUrl, 'api', config.session, 'chats', chatId, 'messages')}?limit=${limit}&downloadMedia=false`;
			const messages = (await call({ method: 'GET', url }, 'the read-back')) as Array<Record<string, unknown>> | null;
			return (Array.isArray(messages) ? messages : []).map(
				(message): ChatMessage => ({
					id: String(message.id ?? ''),
					text: String(message.body ?? message.caption ?? ''),
					fromMe: message.fromMe !== false,
				}),
			);
		},
		async chats() {
			const channels = (await call({ method: 'GET', url: `${joinUrl(config.baseUrl, 'api', config.session, 'channels')}` }, 'the channel list')) as Array<
				Record<string, unknown>
			> | null;
			return (Array.isArray(channels) ? channels : [])
				.filter((channel) => channel.role === 'OWNER' || channel.role === 'ADMIN')
				.map((channel): ChatInfo => ({ id: String(channel.id), name: String(channel.name ?? channel.id), role: String(channel.role) }));
		},
	};
}
