// A fake WAHA or Evolution API: records what it is sent, and shows posts in the chat read-back
// unless told to swallow them (the false success gateways are known for).
import { createServer, type Server } from 'node:http';
import { answer, close, listen, readBody } from './fake-graph';

export interface FakeGateway {
	url: string;
	posts: Array<{ path: string; headers: Record<string, unknown>; body: Record<string, unknown> }>;
	/** Accept posts but never show them in the chat. */
	swallow: boolean;
	status: number;
	close(): Promise<void>;
}

export async function startFakeGateway(kind: 'waha' | 'evolution'): Promise<FakeGateway> {
	const chat: Array<{ id: string; text: string; at: number }> = [];
	let sequence = 0;
	const state = { posts: [] as FakeGateway['posts'], swallow: false, status: 201 };
	const server: Server = createServer((req, res) => {
		readBody(req).then((raw) => {
			const path = (req.url ?? '').split('?')[0];
			const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
			const key = kind === 'waha' ? req.headers['x-api-key'] : req.headers.apikey;
			if (key !== 'secret-key') return answer(res, 401, { message: 'Unauthorized' });
			if (req.method === 'POST' && /\/(sendText|sendImage|sendMedia)/.test(path)) {
				state.posts.push({ path, headers: req.headers, body });
				if (state.status >= 300) return answer(res, state.status, { message: 'Session is not WORKING' });
				const id = `3EB0${++sequence}`;
				const text = String(body.text ?? body.caption ?? '');
				if (!state.swallow) chat.push({ id, text, at: sequence });
				if (kind === 'waha') return answer(res, 201, { id: `true_${String(body.chatId)}_${id}`, body: text, fromMe: true });
				return answer(res, 201, { key: { remoteJid: body.number, fromMe: true, id }, status: 'PENDING' });
			}
			if (kind === 'waha' && req.method === 'GET' && /\/chats\/.+\/messages$/.test(path)) {
				return answer(res, 200, chat.slice().reverse().map((m) => ({ id: `true_chat_${m.id}`, body: m.text, fromMe: true, timestamp: m.at })));
			}
			if (kind === 'waha' && req.method === 'GET' && path.endsWith('/channels')) {
				return answer(res, 200, [
					{ id: '120363012345678901@newsletter', name: 'Comune di Meda', role: 'OWNER', invite: 'x', verified: false, subscribersCount: 900 },
					{ id: '120363000000000000@newsletter', name: 'Altro', role: 'SUBSCRIBER', invite: 'y', verified: false, subscribersCount: 5 },
				]);
			}
			if (kind === 'evolution' && req.method === 'POST' && path.startsWith('/chat/findMessages/')) {
				const records = chat.map((m) => ({ key: { id: m.id, fromMe: true, remoteJid: 'x' }, message: { conversation: m.text }, messageTimestamp: m.at }));
				return answer(res, 200, { messages: { total: records.length, pages: 1, currentPage: 1, records } });
			}
			answer(res, 404, { message: `no route ${req.method} ${path}` });
		}, () => res.destroy());
	});
	const url = await listen(server);
	return Object.assign(state, { url, close: () => close(server) });
}
