// A fake Telegram Bot API on 127.0.0.1 that follows the documented shapes (core.telegram.org/bots/api):
// POST /bot<token>/<method> with a JSON body; {ok:true, result:Message} or {ok:false, error_code,
// description, parameters:{retry_after, migrate_to_chat_id}}. It parses parse_mode HTML strictly as the
// "HTML style" section describes it (only its tags, only &lt; &gt; &amp; &quot; and numeric entities,
// every <, > and & outside a tag escaped, tags closed in order, nothing inside code or pre), and counts
// text and caption lengths in UTF-16 code units after that parsing (4096 and 1024).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { answer, close, listen, readBody } from '../whatsapp/fake-graph';

export const TOKEN = '123456789:AAH-fake_token-for-tests-only-0123456';
export const BOT = { id: 123456789, is_bot: true, first_name: 'Banditore Meda', username: 'banditore_meda_bot' };
export const CHANNEL = { id: -1001234567890, type: 'channel', title: 'Comune di Meda', username: 'comunedimeda' };
export const SUPERGROUP_ID = -1009876543210;

export interface Posted {
	method: string;
	body: Record<string, unknown>;
	/** The text or caption as citizens see it: tags removed, entities decoded. */
	shown: string;
	messageId: number;
}

export interface FakeBotApi {
	url: string;
	/** Requests that reached a method, whatever the answer. */
	requests: Array<{ method: string; path: string; body: Record<string, unknown> }>;
	/** Messages posted in the channel, in order. */
	posted: Posted[];
	/** The next requests are refused by flood control for this many seconds. */
	floodSeconds: number;
	/** Photo URLs Telegram cannot fetch. */
	brokenImages: Set<string>;
	/** Post the next message, then never answer (a timeout after Telegram acted). */
	hangAfterPosting: boolean;
	/** Answer the next request with this status and body, untouched. */
	next: { status: number; body: unknown } | null;
	close(): Promise<void>;
}

type Refusal = { status: number; description: string; parameters?: Record<string, number> };

const refuse = (status: number, description: string, parameters?: Record<string, number>): Refusal => ({ status, description, parameters });

/** Chats by what may be written as chat_id: the channel by name and id, and the other cases a bot meets. */
function chatOf(chatId: unknown): { chat: typeof CHANNEL } | Refusal {
	if (chatId === '@comunedimeda' || chatId === CHANNEL.id || chatId === String(CHANNEL.id)) return { chat: CHANNEL };
	if (chatId === '@altrocomune') return refuse(403, 'Forbidden: bot is not a member of the channel chat');
	if (chatId === '@espulso') return refuse(403, 'Forbidden: bot was kicked from the channel chat');
	if (chatId === '@senzapermessi') return refuse(400, 'Bad Request: need administrator rights in the channel chat');
	if (chatId === -4012345678 || chatId === '-4012345678') return refuse(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: SUPERGROUP_ID });
	if (typeof chatId !== 'string' && typeof chatId !== 'number') return refuse(400, 'Bad Request: chat_id is empty');
	return refuse(400, 'Bad Request: chat not found');
}

const ALLOWED = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'code', 'pre', 'blockquote', 'tg-emoji']);
const LEAF = new Set(['code', 'pre']);

/** The HTML-style parser: the shown text, or why Telegram refuses it. */
export function parseHtml(html: string): { text: string } | { error: string } {
	let text = '';
	const open: string[] = [];
	let i = 0;
	while (i < html.length) {
		const c = html[i];
		if (c === '<') {
			const tag = /^<(\/?)([a-z-]+)((?:\s+[a-z-]+(?:="[^"<>]*")?)*)\s*>/i.exec(html.slice(i));
			if (!tag) return { error: `Bad Request: can't parse entities: Unexpected character at byte offset ${Buffer.byteLength(html.slice(0, i))}` };
			const [whole, closing, rawName] = tag;
			const name = rawName.toLowerCase();
			if (!ALLOWED.has(name)) return { error: `Bad Request: can't parse entities: Unsupported start tag "${name}" at byte offset ${Buffer.byteLength(html.slice(0, i))}` };
			if (closing) {
				if (open[open.length - 1] !== name) return { error: `Bad Request: can't parse entities: Unmatched end tag at byte offset ${Buffer.byteLength(html.slice(0, i))}, expected "</${open[open.length - 1] ?? ''}>", found "</${name}>"` };
				open.pop();
			} else {
				const parent = open[open.length - 1];
				if (parent && LEAF.has(parent) && !(parent === 'pre' && name === 'code')) return { error: `Bad Request: can't parse entities: ${parent} entity can't contain other entities` };
				if (name === 'blockquote' && open.includes('blockquote')) return { error: "Bad Request: can't parse entities: blockquote entities can't be nested" };
				if (LEAF.has(name) && open.some((t) => t !== 'blockquote' && !(t === 'pre' && name === 'code'))) return { error: `Bad Request: can't parse entities: ${name} entity can't be part of other entities` };
				open.push(name);
			}
			i += whole.length;
			continue;
		}
		if (c === '&') {
			const entity = /^&(lt|gt|amp|quot|#\d+|#x[\da-f]+);/i.exec(html.slice(i));
			if (!entity) return { error: `Bad Request: can't parse entities: Unsupported HTML entity at byte offset ${Buffer.byteLength(html.slice(0, i))}` };
			const name = entity[1];
			text += name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'amp' ? '&' : name === 'quot' ? '"' : String.fromCodePoint(name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
			i += entity[0].length;
			continue;
		}
		if (c === '>') return { error: `Bad Request: can't parse entities: Unexpected ">" at byte offset ${Buffer.byteLength(html.slice(0, i))}` };
		text += c;
		i++;
	}
	if (open.length) return { error: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${open[open.length - 1]}"` };
	return { text };
}

/** The text as shown: parsed when parse_mode is HTML, as sent otherwise. */
function shownText(value: unknown, parseMode: unknown): { text: string } | { error: string } {
	const raw = typeof value === 'string' ? value : '';
	if (parseMode === undefined) return { text: raw };
	if (parseMode !== 'HTML') return { error: `Bad Request: unsupported parse_mode "${String(parseMode)}"` };
	return parseHtml(raw);
}

const PREVIEW_FIELDS = new Set(['is_disabled', 'url', 'prefer_small_media', 'prefer_large_media', 'show_above_text']);

export async function startFakeBotApi(): Promise<FakeBotApi> {
	let sequence = 100;
	const state = {
		requests: [] as FakeBotApi['requests'],
		posted: [] as Posted[],
		floodSeconds: 0,
		brokenImages: new Set<string>(),
		hangAfterPosting: false,
		next: null as FakeBotApi['next'],
	};

	function handle(req: IncomingMessage, raw: string): { status: number; body: unknown } | 'hang' {
		const match = /^\/bot([^/]+)\/(\w+)$/.exec((req.url ?? '').split('?')[0]);
		if (!match) return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
		const [, token, method] = match;
		if (token !== TOKEN) return { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
		let body: Record<string, unknown> = {};
		if (raw) {
			if (!String(req.headers['content-type'] ?? '').includes('application/json')) return fail(refuse(400, 'Bad Request: unsupported content type'));
			body = JSON.parse(raw) as Record<string, unknown>;
		}
		state.requests.push({ method, path: req.url ?? '', body });
		if (state.next) {
			const next = state.next;
			state.next = null;
			return next;
		}
		if (state.floodSeconds > 0) return fail(refuse(429, `Too Many Requests: retry after ${state.floodSeconds}`, { retry_after: state.floodSeconds }));
		if (method === 'getMe') return ok(BOT);
		if (method !== 'sendMessage' && method !== 'sendPhoto') return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };

		const target = chatOf(body.chat_id);
		if ('status' in target) return fail(target);
		const isPhoto = method === 'sendPhoto';
		const shown = shownText(isPhoto ? body.caption : body.text, body.parse_mode);
		if ('error' in shown) return fail(refuse(400, shown.error));
		if (isPhoto) {
			if (typeof body.photo !== 'string' || !body.photo) return fail(refuse(400, 'Bad Request: there is no photo in the request'));
			if (!/^https?:\/\//.test(body.photo) || state.brokenImages.has(body.photo)) return fail(refuse(400, 'Bad Request: wrong type of the web page content'));
			if (shown.text.length > 1024) return fail(refuse(400, 'Bad Request: message caption is too long'));
		} else {
			if (!shown.text.trim()) return fail(refuse(400, 'Bad Request: message text is empty'));
			if (shown.text.length > 4096) return fail(refuse(400, 'Bad Request: message is too long'));
			const preview = body.link_preview_options;
			if (preview !== undefined) {
				if (!preview || typeof preview !== 'object' || Object.keys(preview).some((key) => !PREVIEW_FIELDS.has(key))) return fail(refuse(400, "Bad Request: can't parse link preview options"));
			}
		}
		const messageId = ++sequence;
		state.posted.push({ method, body, shown: shown.text, messageId });
		const message = { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: CHANNEL, sender_chat: CHANNEL, ...(isPhoto ? { photo: [{ file_id: `photo-${messageId}`, width: 800, height: 600 }], caption: shown.text } : { text: shown.text }) };
		if (state.hangAfterPosting) {
			state.hangAfterPosting = false;
			return 'hang';
		}
		return ok(message);
	}

	const server: Server = createServer((req, res) => {
		readBody(req).then((raw) => {
			const result = handle(req, raw);
			if (result === 'hang') return;
			answer(res, result.status, result.body);
		}, () => res.destroy());
	});
	const url = await listen(server);
	return Object.assign(state, { url, close: () => close(server) });
}

function ok(result: unknown) {
	return { status: 200, body: { ok: true, result } };
}

function fail(refusal: Refusal) {
	return { status: refusal.status, body: { ok: false, error_code: refusal.status, description: refusal.description, ...(refusal.parameters ? { parameters: refusal.parameters } : {}) } };
}
