// Every route of the OpenAPI document the scheduler serves gets wrong types, NUL bytes, lone
// surrogates, oversize, malformed and deeply nested bodies, and long or invalid parameters: each is
// refused with a 4xx in the documented error shape ({error, message}), never a 500, and nothing of
// it is stored, on SQLite and PostgreSQL alike.
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import { join } from 'node:path';
import { APP_SECRET, freshDatabase, rulesFile, sign, skipPostgres, tempDir, testConfig, TOKEN, VERIFY, type Kind, type TestDatabase } from './helpers';

interface Schema {
	type?: string | string[];
	nullable?: boolean;
	properties?: Record<string, Schema>;
	oneOf?: Schema[];
	anyOf?: Schema[];
	enum?: unknown[];
	items?: Schema;
}
interface Operation {
	parameters?: Array<{ in: string; name: string; schema?: Schema }>;
	requestBody?: { content: Record<string, { schema: Schema }> };
}
interface Case {
	label: string;
	method: string;
	path: string;
	body?: string | Buffer;
	type?: string;
	/** The error code expected, when the case is about one in particular. */
	code?: string;
	status?: number;
}

const NUL = 'a\u0000b';
const LONE = 'a\ud800b';

/** Every property schema of a body, its branches (oneOf, anyOf) included. */
function properties(schema: Schema): Array<[string, Schema]> {
	const own = Object.entries(schema.properties ?? {});
	return [...own, ...[...(schema.oneOf ?? []), ...(schema.anyOf ?? [])].flatMap(properties)];
}

const typesOf = (schema: Schema): string[] => (Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []);

/** A value of a type the property does not take. */
function wrongType(schema: Schema): unknown {
	const types = typesOf(schema);
	if (types.includes('string')) return { not: 'a string' };
	if (types.includes('array')) return 'not an array';
	if (types.includes('object')) return 42;
	return 'not a number or boolean';
}

/** The route's path with its parameters filled in: `value` for the one named `which`, sensible ones elsewhere. */
function fill(path: string, which?: string, value?: string): string {
	return path.replace(/\{(\w+)\}/g, (_all, name: string) => (name === which ? (value as string) : name === 'format' ? 'svg' : name === 'channel' ? 'meda' : 'nessuno'));
}

function casesOf(path: string, method: string, op: Operation): Case[] {
	const m = method.toUpperCase();
	const at = (label: string) => `${m} ${path} ${label}`;
	const cases: Case[] = [];
	for (const param of (op.parameters ?? []).filter((p) => p.in === 'path')) {
		cases.push({ label: at(`param ${param.name} NUL`), method: m, path: fill(path, param.name, encodeURIComponent(NUL)), code: 'invalid_text', status: 400 });
		cases.push({ label: at(`param ${param.name} lone surrogate`), method: m, path: fill(path, param.name, '%ED%A0%80'), status: 400 });
		cases.push({ label: at(`param ${param.name} too long`), method: m, path: fill(path, param.name, 'x'.repeat(300)), code: 'uri_too_long', status: 414 });
	}
	const base = fill(path);
	for (const param of (op.parameters ?? []).filter((p) => p.in === 'query')) {
		cases.push({ label: at(`query ${param.name} NUL`), method: m, path: `${base}?${param.name}=${encodeURIComponent(NUL)}`, code: 'invalid_text', status: 400 });
		if (param.schema && !typesOf(param.schema).includes('string')) cases.push({ label: at(`query ${param.name} wrong type`), method: m, path: `${base}?${param.name}=abc`, code: 'invalid_request', status: 400 });
		if (param.schema && typesOf(param.schema).includes('string')) cases.push({ label: at(`query ${param.name} not UTF-8`), method: m, path: `${base}?${param.name}=%ED%A0%80`, code: 'invalid_text', status: 400 });
	}
	cases.push({ label: at('unknown query NUL'), method: m, path: `${base}?extra=${encodeURIComponent(NUL)}`, code: 'invalid_text', status: 400 });
	cases.push({ label: at('path too long'), method: m, path: `${base}?${'q'.repeat(20_000)}`, code: 'headers_too_large', status: 431 });
	const schema = op.requestBody?.content['application/json']?.schema;
	if (!schema) return cases;
	const json = (label: string, body: unknown, code?: string, status = 400) => cases.push({ label: at(label), method: m, path: base, body: JSON.stringify(body), code, status });
	for (const [name, property] of properties(schema)) {
		json(`body ${name} wrong type`, { [name]: wrongType(property) }, 'invalid_request');
		json(`body ${name} NUL`, { [name]: NUL }, 'invalid_text');
		json(`body ${name} lone surrogate`, { [name]: LONE }, 'invalid_text');
		json(`body ${name} NUL inside a list`, { [name]: [NUL] }, 'invalid_text');
	}
	json('body with an unknown field', { unexpected: 1, ...Object.fromEntries(properties(schema).slice(0, 1).map(([k]) => [k, 'x'])) }, undefined);
	json('body NUL in a key', { [NUL]: 'x' }, 'invalid_text');
	for (const wrong of [[], 'text', 42, true]) json(`body ${JSON.stringify(wrong)}`, wrong, 'invalid_request');
	cases.push({ label: at('malformed JSON'), method: m, path: base, body: '{"text": "senza fine', code: 'invalid_json', status: 400 });
	cases.push({ label: at('not UTF-8'), method: m, path: base, body: Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), code: 'invalid_text', status: 400 });
	cases.push({ label: at('nested 100,000 deep'), method: m, path: base, body: `${'['.repeat(100_000)}${']'.repeat(100_000)}`, status: 400 });
	cases.push({ label: at('nested objects 40 deep'), method: m, path: base, body: `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`, status: 400 });
	cases.push({ label: at('oversize'), method: m, path: base, body: JSON.stringify({ text: 'x'.repeat(1_200_000) }), code: 'too_large', status: 413 });
	cases.push({ label: at('unsupported media type'), method: m, path: base, body: '<text>ciao</text>', type: 'application/xml', code: 'unsupported_media_type', status: 415 });
	return cases;
}

async function send(base: string, c: Case, token = TOKEN): Promise<{ status: number; type: string; body: unknown }> {
	const headers: Record<string, string> = { authorization: `Bearer ${token}` };
	if (c.body !== undefined) headers['content-type'] = c.type ?? 'application/json';
	const response = await fetch(`${base}${c.path}`, { method: c.method, headers, body: c.body });
	const text = await response.text();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		// left as text: the assertion below shows it
	}
	return { status: response.status, type: response.headers.get('content-type') ?? '', body };
}

describe.each<Kind>(['sqlite', 'postgres'])('bad input to every route of the OpenAPI document on %s', (kind) => {
	let skip = false;
	let db: TestDatabase;
	let scheduler: Scheduler;
	let doc: { paths: Record<string, Record<string, Operation>> };

	beforeAll(async () => {
		skip = await skipPostgres(kind);
		if (skip) return;
		const dir = tempDir();
		db = await freshDatabase(kind, dir);
		const config = testConfig(db.database, { id: 'meda', name: 'Comune di Meda', rules: rulesFile(dir), delivery: { kind: 'outbox', file: join(dir, 'outbox.jsonl') } });
		scheduler = await startScheduler({ ...config, whatsapp: { appSecret: APP_SECRET, verifyToken: VERIFY } }, { clock: () => new Date('2026-06-10T08:00:00Z'), dispatch: false });
		const response = await fetch(`${scheduler.url}/openapi.json`, { headers: { authorization: `Bearer ${TOKEN}` } });
		doc = (await response.json()) as typeof doc;
	});
	afterAll(async () => {
		if (skip) return;
		await scheduler.close();
		await db.drop();
	});

	test('the document lists the routes, with the action bodies it validates', () => {
		if (skip) return;
		const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
		expect(ops.length).toBeGreaterThan(20);
		for (const op of ['POST /v1/channels/{channel}/pause', 'POST /v1/messages/{id}/approve', 'POST /v1/slots/{id}/confirm', 'POST /v1/messages/{id}/cancel']) {
			const [method, path] = op.split(' ');
			expect([op, Boolean(doc.paths[path][method.toLowerCase()].requestBody)]).toEqual([op, true]);
		}
	});

	test('each bad request gets a 4xx in the documented shape, never a 500, and nothing is stored', async () => {
		if (skip) return;
		const cases = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).flatMap(([method, op]) => casesOf(path, method, op)));
		expect(cases.length).toBeGreaterThan(300);
		const wrong: string[] = [];
		for (const c of cases) {
			const got = await send(scheduler.url, c);
			const body = got.body as { error?: unknown; message?: unknown };
			const shaped = got.type.startsWith('application/json') && typeof body?.error === 'string' && typeof body?.message === 'string';
			const ok = got.status >= 400 && got.status < 500 && shaped && (!c.status || got.status === c.status) && (!c.code || body.error === c.code);
			if (!ok) wrong.push(`${c.label}: ${got.status} ${JSON.stringify(got.body).slice(0, 160)}`);
		}
		expect(wrong).toEqual([]);
		// Nothing of it reached the store.
		const rows = await scheduler.ctx.store.get<{ n: number }>('SELECT count(*) AS n FROM messages');
		expect(Number(rows?.n)).toBe(0);
		expect((await scheduler.ctx.store.get<{ paused: number | boolean }>("SELECT paused FROM channels WHERE id = 'meda'"))?.paused).toBeFalsy();
	}, 120_000);

	test('without the token every route answers 401 in the same shape, before reading the body', async () => {
		if (skip) return;
		for (const [path, methods] of Object.entries(doc.paths)) {
			for (const method of Object.keys(methods)) {
				const withBody = method !== 'get' && method !== 'delete';
				const got = await send(scheduler.url, { label: '', method: method.toUpperCase(), path: fill(path), ...(withBody ? { body: '{"malformed' } : {}) }, 'wrong');
				expect([`${method} ${path}`, got.status, (got.body as { error: string }).error]).toEqual([`${method} ${path}`, 401, 'unauthorized']);
			}
		}
	});

	test('the webhook checks its signature before it parses the body', async () => {
		if (skip) return;
		const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
			fetch(`${scheduler.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
		for (const body of ['{"malformed', JSON.stringify({ entry: [{ changes: [{ value: { statuses: [{ id: NUL }] } }] }] }), Buffer.from([0xff, 0xfe])]) {
			const response = await post(body);
			expect([response.status, ((await response.json()) as { error: string }).error]).toEqual([401, 'bad_signature']);
		}
		const signed = (body: string) => ({ 'x-hub-signature-256': sign(body) });
		const malformed = '{"malformed';
		const nul = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: NUL, changes: [] }] });
		expect((await post(malformed, signed(malformed))).status).toBe(400);
		const refused = await post(nul, signed(nul));
		expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([400, 'invalid_text']);
	});

	test("fastify's own errors are in the documented shape: unknown route, unknown method, bad URL encoding", async () => {
		if (skip) return;
		for (const [method, path, status, code] of [
			['GET', '/v1/nowhere', 404, 'not_found'],
			['PATCH', '/v1/channels', 404, 'not_found'],
			['GET', '/v1/messages/%E0%A4%A', 400, 'invalid_request'],
		] as const) {
			const got = await send(scheduler.url, { label: '', method, path });
			expect([path, got.status, (got.body as { error: string }).error, typeof (got.body as { message: unknown }).message]).toEqual([path, status, code, 'string']);
		}
	});
});
