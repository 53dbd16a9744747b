// An optional second opinion of a language model on a news item, through any OpenAI-compatible
// chat-completions endpoint (a local Ollama or vLLM server, or a provider the comune chooses).
// Only the public text of the item is sent: its title, its summary and the host of its link.
// The answer can only raise a concern: the caller uses it to hold what the rules accepted, never to
// let through what they stopped. Nothing here throws: a timeout, an HTTP error or an answer that
// cannot be read is `unavailable`, and the rules' verdict stands.
import type { NewsItem } from '../item';
import { t } from '../messages';

export const OPINION_CATEGORIES = ['politico', 'elettorale', 'commerciale', 'altro'] as const;
export type OpinionCategory = (typeof OPINION_CATEGORIES)[number];

export type Opinion =
	| { kind: 'concern'; reason: string; category: OpinionCategory }
	| { kind: 'fine' }
	| { kind: 'unavailable'; detail: string };

export interface OpinionSettings {
	/** Base URL of the OpenAI-compatible API, e.g. http://127.0.0.1:11434/v1 (Ollama). */
	url: string;
	model: string;
	/** Sent as `Authorization: Bearer <key>` only when set. */
	apiKey?: string | null;
	/** Whole request, answer included (default 8 s). */
	timeoutMs?: number;
}

export interface OpinionOptions {
	/** Overrides `settings.timeoutMs`. */
	timeoutMs?: number;
	/** Ask for `response_format: {type: 'json_object'}` (default true); a server that refuses it is asked once more without. */
	jsonMode?: boolean;
	/** Cap of the answer (default 200 tokens: a flag, a category and one sentence). */
	maxTokens?: number;
}

/** What is sent: the item's public text, nothing else. */
export interface OpinionRequestItem {
	title: string;
	summary: string;
	host: string;
}

/** The subset of the platform's fetch used here (global `fetch` fits it; tests inject their own). */
export type OpinionFetch = (
	url: string,
	init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; ok: boolean; text(): Promise<string> }>;

export const DEFAULT_OPINION_TIMEOUT_MS = 8000;
const DEFAULT_MAX_TOKENS = 200;
const MAX_SUMMARY = 2000;
const MAX_TITLE = 500;
const MAX_REASON = 240;
const MAX_ANSWER_BYTES = 1_000_000;

class Unavailable extends Error {}

/** Title, summary (cut) and the host of the link: the only fields that leave the scheduler. */
export function opinionItem(item: Pick<NewsItem, 'title' | 'summary' | 'link'>): OpinionRequestItem {
	let host = '';
	try {
		host = new URL(String(item.link)).host;
	} catch {
		host = '';
	}
	return { title: cut(clean(item.title), MAX_TITLE), summary: cut(clean(item.summary), MAX_SUMMARY), host };
}

/** The chat-completions request body for an item. */
export function opinionRequest(item: Pick<NewsItem, 'title' | 'summary' | 'link'>, model: string, options: { jsonMode?: boolean; maxTokens?: number } = {}): Record<string, unknown> {
	return {
		model,
		messages: [
			{ role: 'system', content: t('opinion.system') },
			{ role: 'user', content: JSON.stringify(opinionItem(item)) },
		],
		temperature: 0,
		max_tokens: options.maxTokens ?? DEFAULT_MAX_TOKENS,
		stream: false,
		...(options.jsonMode === false ? {} : { response_format: { type: 'json_object' } }),
	};
}

/** Asks the model about an item. Never throws. */
export async function askOpinion(item: Pick<NewsItem, 'title' | 'summary' | 'link'>, settings: OpinionSettings, fetchFn: OpinionFetch, options: OpinionOptions = {}): Promise<Opinion> {
	const timeoutMs = options.timeoutMs ?? settings.timeoutMs ?? DEFAULT_OPINION_TIMEOUT_MS;
	const controller = new AbortController();
	let timer: ReturnType<typeof setTimeout> | undefined;
	const deadline = new Promise<never>((_, reject) => {
		timer = setTimeout(() => {
			controller.abort();
			reject(new Unavailable(`no answer within ${timeoutMs} ms`));
		}, timeoutMs);
	});
	try {
		const endpoint = `${String(settings.url).replace(/\/+$/, '')}/chat/completions`;
		const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
		if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;
		const post = async (jsonMode: boolean) => {
			const body = JSON.stringify(opinionRequest(item, settings.model, { jsonMode, maxTokens: options.maxTokens }));
			const response = await fetchFn(endpoint, { method: 'POST', headers, body, signal: controller.signal });
			return { status: response.status, ok: response.ok, text: await response.text() };
		};
		const attempt = async (): Promise<Opinion> => {
			const jsonMode = options.jsonMode !== false;
			let answer = await post(jsonMode);
			// Some servers do not know response_format and refuse the whole request: ask again without it.
			if (jsonMode && (answer.status === 400 || answer.status === 422) && /response_format|json_object/i.test(answer.text)) answer = await post(false);
			if (!answer.ok) throw new Unavailable(`HTTP ${answer.status}${answer.text ? `: ${cut(clean(answer.text), 200)}` : ''}`);
			if (answer.text.length > MAX_ANSWER_BYTES) throw new Unavailable('the answer is too large');
			return parseCompletion(answer.text);
		};
		return await Promise.race([attempt(), deadline]);
	} catch (error) {
		if (error instanceof Unavailable) return { kind: 'unavailable', detail: error.message };
		if (controller.signal.aborted) return { kind: 'unavailable', detail: `no answer within ${timeoutMs} ms` };
		return { kind: 'unavailable', detail: `request failed: ${describe(error)}` };
	} finally {
		clearTimeout(timer);
		// The deadline's rejection may come after the answer: nobody waits for it any more.
		deadline.catch(() => undefined);
	}
}

/** A chat-completions response body → the opinion in its first choice. Never throws. */
export function parseCompletion(body: string): Opinion {
	let data: unknown;
	try {
		data = JSON.parse(body);
	} catch {
		return { kind: 'unavailable', detail: 'the answer is not JSON' };
	}
	const choices = (data as { choices?: unknown })?.choices;
	const message = Array.isArray(choices) ? (choices[0] as { message?: { content?: unknown } } | undefined)?.message : undefined;
	const content = contentText(message?.content);
	if (content === null) return { kind: 'unavailable', detail: 'the answer has no choices[0].message.content' };
	return parseOpinion(content);
}

/** The assistant's text → the opinion: the first JSON object in it with a `flag`. Never throws. */
export function parseOpinion(content: string): Opinion {
	// Reasoning models may think aloud first; fences and prose around the object are skipped below.
	const text = content.replace(/<think>[\s\S]*?<\/think>/gi, ' ');
	for (const candidate of jsonObjects(text)) {
		const value = candidate as Record<string, unknown>;
		const flag = booleanOf(value.flag);
		if (flag === null) continue;
		if (!flag) return { kind: 'fine' };
		const category = categoryOf(value.category);
		const reason = typeof value.reason === 'string' ? cut(clean(value.reason), MAX_REASON) : '';
		return { kind: 'concern', category, reason: reason || t('opinion.noReason') };
	}
	return { kind: 'unavailable', detail: `no JSON object with a "flag" in the answer: ${JSON.stringify(cut(clean(content), 120))}` };
}

/** Every JSON object in the text, in order: each `{` tried with its balanced `}` (strings respected). */
function* jsonObjects(text: string): Generator<unknown> {
	for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
		const end = closing(text, start);
		if (end === -1) continue;
		try {
			const value = JSON.parse(text.slice(start, end + 1)) as unknown;
			if (typeof value === 'object' && value !== null && !Array.isArray(value)) yield value;
		} catch {
			// Not JSON from this brace: try the next one.
		}
	}
}

function closing(text: string, start: number): number {
	let depth = 0;
	let inString = false;
	for (let i = start; i < text.length; i++) {
		const c = text[i];
		if (inString) {
			if (c === '\\') i++;
			else if (c === '"') inString = false;
			continue;
		}
		if (c === '"') inString = true;
		else if (c === '{') depth++;
		else if (c === '}' && --depth === 0) return i;
	}
	return -1;
}

function contentText(content: unknown): string | null {
	if (typeof content === 'string') return content;
	// Some servers answer with parts: [{type: 'text', text: '…'}].
	if (Array.isArray(content)) {
		const parts = content.map((p) => (typeof p === 'string' ? p : typeof (p as { text?: unknown })?.text === 'string' ? (p as { text: string }).text : '')).join('');
		return parts || null;
	}
	return null;
}

function booleanOf(value: unknown): boolean | null {
	if (typeof value === 'boolean') return value;
	if (typeof value === 'string') {
		const v = value.trim().toLowerCase();
		if (v === 'true' || v === 'sì' || v === 'si') return true;
		if (v === 'false' || v === 'no') return false;
	}
	return null;
}

/** The model's category, read generously (Italian or English, any case); anything else is «altro». */
export function categoryOf(value: unknown): OpinionCategory {
	const v = typeof value === 'string' ? value.toLowerCase() : '';
	if (/elettor|elector|election|propagand/.test(v)) return 'elettorale';
	if (/politic/.test(v)) return 'politico';
	if (/commerc|pubblicit|advert|promo/.test(v)) return 'commerciale';
	return 'altro';
}

function clean(value: unknown): string {
	// eslint-disable-next-line no-control-regex
	return (typeof value === 'string' ? value : '').replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

function cut(text: string, max: number): string {
	const chars = [...text];
	return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

function describe(error: unknown): string {
	if (error instanceof Error) {
		const cause = (error as Error & { cause?: unknown }).cause;
		const more = cause instanceof Error ? cause.message : typeof (cause as { code?: unknown })?.code === 'string' ? String((cause as { code: string }).code) : '';
		return more && !error.message.includes(more) ? `${error.message} (${more})` : error.message;
	}
	return String(error);
}
