import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import nock from 'nock';
import { DEFAULT_USER_AGENT, fetchUrl } from '../../../core/http/fetch';
import { failureOf } from '../../failure';

const SITE = 'https://www.comune.example.it';
const FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>Comune</title></channel></rss>';


describe('fetchUrl', () => {
	it('sends a clear User-Agent and asks for compressed feeds', async () => {
		const scope = nock(SITE, {
			reqheaders: {
				'user-agent': DEFAULT_USER_AGENT,
				'accept-encoding': 'gzip, deflate, br',
				accept: /application\/rss\+xml/,
			},
		})
			.get('/feed')
			.reply(200, FEED, { 'content-type': 'application/rss+xml; charset=utf-8' });
		const response = await fetchUrl(`${SITE}/feed`);
		expect(response.body.toString()).toBe(FEED);
		expect(response.contentType).toBe('application/rss+xml; charset=utf-8');
		expect(response.notModified).toBe(false);
		scope.done();
	});

	it('remembers ETag and Last-Modified and sends them back; a 304 carries no body', async () => {
		nock(SITE).get('/feed').reply(200, FEED, { etag: '"v1"', 'last-modified': 'Mon, 23 Nov 2026 08:00:00 GMT' });
		const first = await fetchUrl(`${SITE}/feed`);
		expect(first.validators).toEqual({ etag: '"v1"', lastModified: 'Mon, 23 Nov 2026 08:00:00 GMT', url: `${SITE}/feed` });

		const conditional = nock(SITE, {
			reqheaders: { 'if-none-match': '"v1"', 'if-modified-since': 'Mon, 23 Nov 2026 08:00:00 GMT' },
		})
			.get('/feed')
			.reply(304);
		const second = await fetchUrl(`${SITE}/feed`, { validators: first.validators });
		conditional.done();
		expect(second.notModified).toBe(true);
		expect(second.body.length).toBe(0);
		expect(second.validators).toEqual(first.validators);
	});

	it('forgets the old validators when a 200 brings none', async () => {
		nock(SITE).get('/feed').reply(200, FEED);
		const changed = await fetchUrl(`${SITE}/feed`, { validators: { etag: '"v1"', lastModified: 'Mon, 23 Nov 2026 08:00:00 GMT' } });
		expect(changed.validators).toEqual({});

		nock(SITE).get('/feed').reply(200, FEED, { etag: '"v2"' });
		const partly = await fetchUrl(`${SITE}/feed`, { validators: { etag: '"v1"', lastModified: 'Mon, 23 Nov 2026 08:00:00 GMT' } });
		expect(partly.validators).toEqual({ etag: '"v2"', url: `${SITE}/feed` });
	});

	it('keeps the validators a 304 confirms without repeating them', async () => {
		const validators = { etag: '"v1"', url: `${SITE}/feed` };
		nock(SITE, { reqheaders: { 'if-none-match': '"v1"' } }).get('/feed').reply(304);
		expect((await fetchUrl(`${SITE}/feed`, { validators })).validators).toEqual(validators);
	});

	it('sends validators only to the address that gave them, not where it redirects', async () => {
		const OTHER = 'https://cdn.example.net';
		nock(SITE).get('/rss').reply(301, '', { location: `${OTHER}/feed` });
		const elsewhere = nock(OTHER, { badheaders: ['if-none-match', 'if-modified-since'] })
			.get('/feed')
			.reply(200, FEED, { etag: '"cdn-1"' });
		const first = await fetchUrl(`${SITE}/rss`, { validators: { etag: '"site-1"', lastModified: 'Mon, 23 Nov 2026 08:00:00 GMT' } });
		elsewhere.done();
		expect(first.validators).toEqual({ etag: '"cdn-1"', url: `${OTHER}/feed` });

		// Next time the first address gets none, the one that gave them gets them back.
		nock(SITE, { badheaders: ['if-none-match'] }).get('/rss').reply(301, '', { location: `${OTHER}/feed` });
		const back = nock(OTHER, { reqheaders: { 'if-none-match': '"cdn-1"' } }).get('/feed').reply(304);
		const second = await fetchUrl(`${SITE}/rss`, { validators: first.validators });
		back.done();
		expect(second.notModified).toBe(true);
		expect(second.validators).toEqual(first.validators);
	});

	it.each([
		['gzip', gzipSync],
		['deflate', deflateSync],
		['deflate', deflateRawSync],
		['br', brotliCompressSync],
	])('decodes %s bodies', async (encoding, compress) => {
		const text = 'Avviso: città più pulita, perché sì. '.repeat(50);
		nock(SITE).get('/page').reply(200, compress(Buffer.from(text)), { 'content-encoding': encoding });
		const response = await fetchUrl(`${SITE}/page`);
		expect(response.body.toString('utf8')).toBe(text);
	});

	it('follows redirects and reports the final address', async () => {
		nock(SITE).get('/rss').reply(301, '', { location: '/feed/rss/news' });
		nock(SITE).get('/feed/rss/news').reply(302, '', { location: 'https://comune.example.it/feed/rss/news' });
		nock('https://comune.example.it').get('/feed/rss/news').reply(200, FEED);
		const response = await fetchUrl(`${SITE}/rss`);
		expect(response.url).toBe('https://comune.example.it/feed/rss/news');
		expect(response.body.toString()).toBe(FEED);
	});

	it('sends extra headers to the origin asked, never to another one a redirect leads to', async () => {
		const API = 'https://graph.example.com';
		nock(API, { reqheaders: { authorization: 'Bearer t0k' } }).get('/v1/a').reply(302, '', { location: '/v1/b' });
		nock(API, { reqheaders: { authorization: 'Bearer t0k' } }).get('/v1/b').reply(302, '', { location: `${SITE}/elsewhere` });
		const elsewhere = nock(SITE, { badheaders: ['authorization'] }).get('/elsewhere').reply(200, '{}', { 'x-app-usage': '{"call_count":5}' });
		const response = await fetchUrl(`${API}/v1/a`, { headers: { Authorization: 'Bearer t0k' } });
		elsewhere.done();
		expect(response.headers?.['x-app-usage']).toBe('{"call_count":5}');
	});

	it('with errorBodies, returns a 4xx answer and its body for the caller to explain', async () => {
		nock(SITE).get('/api').reply(400, '{"error":{"code":190}}');
		const response = await fetchUrl(`${SITE}/api`, { errorBodies: true });
		expect(response.status).toBe(400);
		expect(response.body.toString()).toBe('{"error":{"code":190}}');
	});

	it('stops after too many redirects', async () => {
		nock(SITE).get('/loop').times(10).reply(302, '', { location: '/loop' });
		const error = await failureOf(fetchUrl(`${SITE}/loop`, { maxRedirects: 3 }));
		expect(error.code).toBe('too_many_redirects');
		expect(error.message).toContain('more than 3 times');
	});

	it('explains HTTP errors in terms of what to do', async () => {
		nock(SITE).get('/novita').reply(404, 'not here');
		const notFound = await failureOf(fetchUrl(`${SITE}/novita`));
		expect(notFound.code).toBe('http_status');
		expect(notFound.message).toBe(`${SITE}/novita answered HTTP 404.`);
		expect(notFound.hint).toMatch(/check the address/i);

		nock(SITE).get('/novita').reply(503);
		expect((await failureOf(fetchUrl(`${SITE}/novita`))).hint).toMatch(/try again later/i);
	});

	it('refuses a body larger than the cap, declared or streamed', async () => {
		nock(SITE).get('/big').reply(200, 'x'.repeat(2048), { 'content-length': '2048' });
		const declared = await failureOf(fetchUrl(`${SITE}/big`, { maxBytes: 1024 }));
		expect(declared.code).toBe('too_big');

		// A gzip bomb: small on the wire, huge once decoded.
		nock(SITE).get('/bomb').reply(200, gzipSync(Buffer.alloc(5 * 1024 * 1024)), { 'content-encoding': 'gzip' });
		expect((await failureOf(fetchUrl(`${SITE}/bomb`, { maxBytes: 1024 * 1024 }))).code).toBe('too_big');
	});

	it('says a host cannot be reached', async () => {
		nock(SITE).get('/feed').replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND www.comune.example.it'), { code: 'ENOTFOUND' }));
		const error = await failureOf(fetchUrl(`${SITE}/feed`));
		expect(error.code).toBe('unreachable');
		expect(error.message).toContain('could not be resolved');
	});

	it('rejects what is not a web address', async () => {
		expect((await failureOf(fetchUrl('ftp://comune.example.it/feed'))).code).toBe('bad_url');
		expect((await failureOf(fetchUrl('comune.example.it'))).code).toBe('bad_url');
	});

	describe('against a real server on 127.0.0.1', () => {
		let server: Server;
		let base: string;
		beforeAll(async () => {
			server = createServer((req, res) => {
				// No headers at all: the whole-request deadline must cut it.
				if (req.url === '/silent') return;
				if (req.url === '/slow') {
					res.writeHead(200, { 'content-type': 'text/xml' });
					res.write('<rss>');
					// Never ends: the deadline must cut it.
					return;
				}
				if (req.url === '/stream') {
					res.writeHead(200, { 'content-type': 'text/html' });
					const chunk = Buffer.alloc(64 * 1024, 'a');
					let sent = 0;
					const pump = () => {
						while (sent < 40) {
							sent++;
							if (!res.write(chunk)) return void res.once('drain', pump);
						}
						res.end();
					};
					pump();
					return;
				}
				if (req.url === '/refused') return;
				res.writeHead(200);
				res.end('ok');
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		});
		afterAll(async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		});

		it('gives up at the deadline with a timeout error', async () => {
			const error = await failureOf(fetchUrl(`${base}/slow`, { timeoutMs: 300 }));
			expect(error.code).toBe('timeout');
			expect(error.message).toContain('too slow to send its content');
		});

		it('says how long it waited for a server that never answers', async () => {
			const error = await failureOf(fetchUrl(`${base}/silent`, { timeoutMs: 300 }));
			expect(error.code).toBe('timeout');
			expect(error.message).toContain('did not answer within 0.3s');
		});

		it('stops reading a streamed body once it passes the cap', async () => {
			const error = await failureOf(fetchUrl(`${base}/stream`, { maxBytes: 256 * 1024 }));
			expect(error.code).toBe('too_big');
		});

		it('reads the whole stream when it fits', async () => {
			const response = await fetchUrl(`${base}/stream`);
			expect(response.body.length).toBe(40 * 64 * 1024);
		});

		it('says the connection was refused', async () => {
			const closed = createServer();
			await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
			const port = (closed.address() as AddressInfo).port;
			await new Promise((resolve) => closed.close(resolve));
			const error = await failureOf(fetchUrl(`http://127.0.0.1:${port}/feed`));
			expect(error.code).toBe('unreachable');
			expect(error.message).toContain('refused');
		});
	});
});
