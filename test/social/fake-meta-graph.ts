// A fake Graph API on 127.0.0.1 in Meta's documented shapes: GET /{version}/{page-id}/posts and
// /{version}/{ig-user-id}/media with cursor paging ({"data","paging":{"cursors","next"}}, `next`
// carrying the access token as Meta's does), GET /{version}/me, errors as {"error":{…,"fbtrace_id"}}
// and usage headers scripted per request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GraphAnswer {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

export interface FakeAccount {
	kind: 'facebook' | 'instagram';
	/** Posts or media, newest first, as the edge returns them. */
	data: Array<Record<string, unknown>>;
	/** This token may not read it: error 10 (Facebook) or 200 (Instagram). */
	forbidden?: boolean;
}

export interface SeenRequest {
	path: string;
	query: URLSearchParams;
	authorization: string | undefined;
}

export interface FakeMetaGraph {
	url: string;
	version: string;
	token: string;
	accounts: Map<string, FakeAccount>;
	requests: SeenRequest[];
	/** An answer for the nth request (1-based) instead of the normal one. */
	script?: (request: SeenRequest, n: number) => GraphAnswer | undefined;
	/** Usage headers added to the nth answer. */
	usage?: (n: number) => Record<string, string> | undefined;
	close(): Promise<void>;
}

export function graphError(code: number, message: string, status = 400, subcode?: number): GraphAnswer {
	const type = code === 190 || code === 10 || code === 100 ? 'OAuthException' : 'GraphMethodException';
	return { status, body: { error: { message, type, code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: 'AbCdEfGhIjK' } } };
}

export async function startFakeMetaGraph(options: { version?: string; token?: string } = {}): Promise<FakeMetaGraph> {
	const version = options.version ?? 'v23.0';
	const fake: Omit<FakeMetaGraph, 'url' | 'close'> = { version, token: options.token ?? 'EAAB-page-token', accounts: new Map(), requests: [] };
	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const seen = { path: url.pathname, query: url.searchParams, authorization: req.headers.authorization };
		fake.requests.push(seen);
		const n = fake.requests.length;
		const extra = (fake as FakeMetaGraph).usage?.(n) ?? {};
		const answer = (fake as FakeMetaGraph).script?.(seen, n) ?? route(fake, req, url, address(server));
		send(res, answer.status, answer.body, { ...extra, ...answer.headers });
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = address(server);
	return Object.assign(fake, { url: base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }) as FakeMetaGraph;
}

function route(fake: Omit<FakeMetaGraph, 'url' | 'close'>, req: IncomingMessage, url: URL, base: string): GraphAnswer {
	// Meta accepts the token as a bearer header or as access_token in the query.
	const token = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? url.searchParams.get('access_token');
	if (!token) return graphError(2500, 'An active access token must be used to query information about the current user.');
	if (token !== fake.token) return graphError(190, 'Error validating access token: Session has expired on Sunday, 06-Dec-26 10:00:00 PST.', 400, 463);
	const parts = url.pathname.split('/').filter(Boolean);
	if (parts[0] !== fake.version) return graphError(2635, `(#2635) You are calling a deprecated version of the Graph API.`);
	if (parts[1] === 'me' && parts.length === 2) return { status: 200, body: { id: '104000000000001', name: 'Comune di Meda' } };
	const account = fake.accounts.get(parts[1]);
	const edge = parts[2];
	if (!account || parts.length !== 3 || edge !== (account.kind === 'facebook' ? 'posts' : 'media')) {
		return graphError(100, `Unsupported get request. Object with ID '${parts[1]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 400, 33);
	}
	if (account.forbidden) {
		return account.kind === 'facebook'
			? graphError(10, '(#10) This endpoint requires the \'pages_read_engagement\' permission or the \'Page Public Content Access\' feature.', 403)
			: graphError(200, '(#200) Requires instagram_basic permission to manage the object', 403);
	}
	// Meta answers fewer than asked when the fields are heavy (attachments): here at most 25 a page.
	const limit = Math.min(Number(url.searchParams.get('limit') ?? 25), 25);
	const start = url.searchParams.get('after') ? Number(Buffer.from(url.searchParams.get('after')!, 'base64').toString()) : 0;
	const page = account.data.slice(start, start + limit);
	const cursor = (index: number) => Buffer.from(String(index)).toString('base64');
	const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(start + page.length) } };
	if (start + page.length < account.data.length) {
		const next = new URL(`${base}${url.pathname}`);
		next.searchParams.set('access_token', token);
		next.searchParams.set('fields', url.searchParams.get('fields') ?? '');
		next.searchParams.set('limit', url.searchParams.get('limit') ?? '25');
		next.searchParams.set('after', cursor(start + page.length));
		paging.next = next.href;
	}
	return { status: 200, body: { data: page, paging } };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
	res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers }).end(typeof body === 'string' ? body : JSON.stringify(body));
}

function address(server: Server): string {
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A Page post as the posts edge returns it with our fields. */
export function facebookPost(id: string, message: string | null, created: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		id: `104000000000001_${id}`,
		...(message !== null ? { message } : {}),
		created_time: created,
		permalink_url: `https://www.facebook.com/104000000000001/posts/${id}`,
		from: { name: 'Comune di Meda', id: '104000000000001' },
		...extra,
	};
}

/** A link share's attachment: Facebook's shimmed url and the unshimmed one. */
export function linkAttachment(link: string, title: string, image?: string): Record<string, unknown> {
	return {
		data: [
			{
				media_type: 'link',
				type: 'share',
				url: `https://l.facebook.com/l.php?u=${encodeURIComponent(link)}&h=AT0abc`,
				unshimmed_url: link,
				title,
				description: 'Comune di Meda',
				...(image ? { media: { image: { height: 630, src: image, width: 1200 } } } : {}),
			},
		],
	};
}

export function instagramMedia(id: string, caption: string | null, timestamp: string, type = 'IMAGE'): Record<string, unknown> {
	return {
		id,
		...(caption !== null ? { caption } : {}),
		timestamp,
		permalink: `https://www.instagram.com/p/C${id}/`,
		media_type: type,
		media_url: `https://scontent.cdninstagram.com/v/${id}.${type === 'VIDEO' ? 'mp4' : 'jpg'}`,
		...(type === 'VIDEO' ? { thumbnail_url: `https://scontent.cdninstagram.com/v/${id}-thumb.jpg` } : {}),
		username: 'comunedimeda',
	};
}
