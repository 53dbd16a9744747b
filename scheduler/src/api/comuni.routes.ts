// /v1 routes of comuni (issue #17): the comuni a token sees, and, for the installation's token, each
// comune's API tokens (create: the token is in the answer once; list; revoke).
import type { FastifyInstance } from 'fastify';
import { visibleComuni } from '../comuni';
import type { Context } from '../context';
import { ApiError, notFound } from '../errors';
import { createToken, findToken, listTokens, MAX_TOKEN_NAME, revokeToken, tokenName, type ApiToken } from '../tokens';
import * as s from './schemas';

const ACTOR = 'api';
type ComuneParams = { comune: string };
const obj = (properties: Record<string, object>) => ({ type: 'object', properties });
const reply = (schema: object, extra: Record<number, object> = {}) => ({ ...s.errors, ...extra, 200: schema });
const str = { type: 'string' };
const nullable = (type: string) => ({ type, nullable: true });
const comuneSchema = obj({ id: str, name: str, istat: nullable('string'), email: nullable('string'), phone: nullable('string'), channels: { type: 'array', items: str } });
const tokenSchema = obj({ id: str, comune: str, name: str, createdAt: str, createdBy: str, lastUsedAt: nullable('string'), revokedAt: nullable('string') });
const comuneParam = { type: 'object', properties: { comune: str }, required: ['comune'] };
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const view = (token: ApiToken) => ({ ...token, createdAt: new Date(token.createdAt).toISOString(), lastUsedAt: iso(token.lastUsedAt), revokedAt: iso(token.revokedAt) });

export function comuniRoutes(ctx: Context) {
	return async (app: FastifyInstance): Promise<void> => {
		/** A configured comune, else 404. */
		const comuneOf = (id: string) => {
			const comune = visibleComuni(ctx, { kind: 'installation' }).find((c) => c.id === id);
			if (!comune) throw notFound('comune', id);
			return comune;
		};
		const installation = { installationOnly: true };

		app.get('/comuni', { schema: { tags: ['comuni'], response: reply(obj({ comuni: { type: 'array', items: comuneSchema } })) } }, async (request) => ({
			comuni: visibleComuni(ctx, request.apiScope),
		}));

		app.get<{ Params: ComuneParams }>(
			'/comuni/:comune/tokens',
			{ config: installation, schema: { tags: ['comuni'], params: comuneParam, response: reply(obj({ tokens: { type: 'array', items: tokenSchema } })) } },
			async (request) => ({ tokens: (await listTokens(ctx.store, [comuneOf(request.params.comune).id])).map(view) }),
		);

		const created = obj({ token: tokenSchema, secret: str });
		app.post<{ Params: ComuneParams; Body: { name: string } }>(
			'/comuni/:comune/tokens',
			{
				config: installation,
				schema: {
					tags: ['comuni'],
					params: comuneParam,
					body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: MAX_TOKEN_NAME } } },
					response: reply(created, { 201: created }),
				},
			},
			async (request, res) => {
				const comune = comuneOf(request.params.comune);
				const name = tokenName(request.body.name);
				if (!name) throw new ApiError(400, 'invalid_request', `the token's name must have 1 to ${MAX_TOKEN_NAME} characters besides spaces`);
				const { token, secret } = await createToken(ctx.store, comune.id, name, ACTOR, ctx.clock().getTime());
				return res.code(201).send({ token: view(token), secret });
			},
		);

		app.post<{ Params: ComuneParams & { token: string } }>(
			'/comuni/:comune/tokens/:token/revoke',
			{
				config: installation,
				schema: { tags: ['comuni'], params: { type: 'object', properties: { comune: str, token: str }, required: ['comune', 'token'] }, body: s.emptyBody, response: reply(obj({ token: tokenSchema })) },
			},
			async (request) => {
				const comune = comuneOf(request.params.comune);
				const token = await findToken(ctx.store, request.params.token);
				if (!token || token.comune !== comune.id) throw notFound('token', request.params.token);
				await revokeToken(ctx.store, token, ACTOR, ctx.clock().getTime());
				return { token: view((await findToken(ctx.store, token.id)) as ApiToken) };
			},
		);
	};
}
