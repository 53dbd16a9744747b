// Evolution API v2: POST /message/sendText/{instance} and /message/sendMedia/{instance}, header apikey.
import { joinUrl, type HttpRequest } from '../http';
import { gatewayError, imageType, type ChatInfo, type ChatMessage, type Gateway, type GatewayConfig, type GatewayPost } from './gateway';

export function evolutionTextBody(chatId: string, text: string): Record<string, unknown> {
	return { number: chatId, text, linkPreview: true };
}

export function evolutionMediaBody(chatId: string, post: GatewayPost): Record<string, unknown> {
	const image = post.image!;
	const type = imageType(image.url);
	return {
		number: chatId,
		mediatype: 'image',
		mimetype: image.mimetype ?? type.mimetype,
		caption: post.text,
		media: image.url,
		fileName: image.filename ?? type.filename,
	};
}

export function evolutionGateway(config: GatewayConfig): Gateway {
	const call = async (request: Omit<HttpRequest, 'headers'>, what: string) => {
		const response = await config.http({ ...request, headers: { apikey: config.apiKey }, timeoutMs: config.timeoutMs });
		if (response.status < 200 || response.status >= 300) throw gatewayError('Evolution API', what, response);
		return response.body;
	};
	return {
		name: 'Evolution API',
		async send(chatId, post) {
			const image = Boolean(post.image);
			const url = joinUrl(config.baseUrl, 'message', image ? 'sendMedia' : 'sendText', config.session);
			const body = image ? evolutionMediaBody(chatId, post) : evolutionTextBody(chatId, post.text);
			const answer = (await call({ method: 'POST', url, body }, 'the post')) as { key?: { id?: unknown } } | null;
			return typeof answer?.key?.id === 'string' ? answer.key.id : null;
		},
		async recent(chatId, limit) {
			const url = joinUrl(config.baseUrl, 'chat', 'findMessages', config.session);
			const answer = await call({ method: 'POST', url, body: { where: { key: { remoteJid: chatId } } } }, 'the read-back');
			// v2.1 answers an array, later versions {messages: {records: [...]}}.
			const records = (Array.isArray(answer) ? answer : ((answer as { messages?: { records?: unknown[] } } | null)?.messages?.records ?? [])) as Array<
				Record<string, unknown>
			>;
			return records
				.map((record) => toChatMessage(record))
				.sort((a, b) => b.at - a.at)
				.slice(0, limit)
				.map((message) => ({ id: message.id, text: message.text, fromMe: message.fromMe }));
		},
		async chats() {
			const url = `${joinUrl(config.baseUrl, 'group', 'fetchAllGroups', config.session)}?getParticipants=false`;
			const groups = (await call({ method: 'GET', url }, 'the group list')) as Array<Record<string, unknown>> | null;
			return (Array.isArray(groups) ? groups : [])
				.filter((group) => group.announce === true)
				.map((group): ChatInfo => ({ id: String(group.id), name: String(group.subject ?? group.id) }));
		},
	};
}

function toChatMessage(record: Record<string, unknown>): ChatMessage & { at: number } {
	const key = (record.key ?? {}) as { id?: unknown; fromMe?: unknown };
	const message = (record.message ?? {}) as {
		conversation?: string;
		extendedTextMessage?: { text?: string };
		imageMessage?: { caption?: string };
	};
	return {
		id: String(key.id ?? ''),
		text: message.conversation ?? message.extendedTextMessage?.text ?? message.imageMessage?.caption ?? '',
		fromMe: key.fromMe !== false,
		at: Number(record.messageTimestamp ?? 0),
	};
}
