// /v1 routes for subscribers: counts, the sign-up link and its QR code, GDPR requests (the number in
// the POST body, never in the URL, so it never reaches an access log), the purge and the re-encryption.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Context } from '../context';
import { visibleChannel } from '../comuni';
import { ApiError } from '../errors';
import { erasePerson, exportPerson, purge, reencrypt, signupLink, signupQr, startSubscribers, subscriberCounts } from '../subscribers';
import * as s from './schemas';

type Params = { channel: string };
type PersonBody = { number: string; channel?: string };

const reply = (schema: object) => ({ ...s.errors, 503: s.errorSchema, 200: schema });
const obj = (properties: Record<string, object>) => ({ type: 'object', properties });
const counts = { type: 'object', additionalProperties: { type: 'integer' } };
const personBody = {
	type: 'object',
	required: ['number'],
	additionalProperties: false,
	properties: { number: { type: 'string', minLength: 1, maxLength: 40 }, channel: { type: 'string', maxLength: 100 } },
};

/** A comune's token names the channel (api/scope.ts checked it is the comune's); the installation's may leave it out (every channel). */
function personChannel(request: FastifyRequest<{ Body: PersonBody }>): string | undefined {
	if (request.apiScope.kind !== 'installation' && !request.body.channel) {
		throw new ApiError(400, 'invalid_request', "a comune's token must name the channel", 'Add "channel" to the body: one of your comune\'s channels.');
	}
	return request.body.channel;
}

export function subscriberRoutes(ctx: Context) {
	return async (app: FastifyInstance): Promise<void> => {
		const stop = await startSubscribers(ctx, (error) => app.log.error({ err: error }, 'subscribers purge failed'));
		app.addHook('onClose', async () => stop());

		const link = (channel: string) => {
			const found = signupLink(ctx, channel);
			if (!found) throw new ApiError(404, 'not_found', `channel "${channel}" has no subscribers`, 'Only channels with "delivery: { kind: subscribers }" have a sign-up link.');
			return found;
		};

		app.get(
			'/subscribers',
			{ schema: { tags: ['subscribers'], response: reply(obj({ channels: { type: 'array', items: obj({ channel: { type: 'string' }, confirmed: { type: 'integer' }, pending: { type: 'integer' } }) } })) } },
			async (request) => ({ channels: (await subscriberCounts(ctx)).filter((c) => visibleChannel(ctx, request.apiScope, c.channel)) }),
		);
		app.get<{ Params: Params }>(
			'/channels/:channel/signup',
			{ schema: { tags: ['subscribers'], params: s.channelParam, response: reply(obj({ url: { type: 'string' }, keyword: { type: 'string' } })) } },
			async (request) => link(request.params.channel),
		);
		app.get<{ Params: Params & { format: string } }>(
			'/channels/:channel/signup/qr.:format',
			{ schema: { tags: ['subscribers'], params: { type: 'object', properties: { channel: { type: 'string' }, format: { type: 'string', enum: ['svg', 'png'] } }, required: ['channel', 'format'] } } },
			async (request, res) => {
				const format = request.params.format as 'svg' | 'png';
				const body = await signupQr(link(request.params.channel).url, format);
				return res.type(format === 'svg' ? 'image/svg+xml' : 'image/png').send(body);
			},
		);
		app.post<{ Body: PersonBody }>(
			'/subscribers/export',
			{ schema: { tags: ['subscribers'], body: personBody, response: reply({ type: 'object', additionalProperties: true }) } },
			async (request) => exportPerson(ctx, request.body.number, personChannel(request)),
		);
		app.post<{ Body: PersonBody }>(
			'/subscribers/delete',
			{ schema: { tags: ['subscribers'], body: personBody, response: reply(obj({ deleted: counts })) } },
			async (request) => ({ deleted: await erasePerson(ctx, request.body.number, personChannel(request)) }),
		);
		const installation = { installationOnly: true };
		app.post('/subscribers/purge', { config: installation, schema: { tags: ['subscribers'], body: s.emptyBody, response: reply(obj({ deleted: counts })) } }, async () => ({ deleted: await purge(ctx) }));
		app.post('/subscribers/reencrypt', { config: installation, schema: { tags: ['subscribers'], body: s.emptyBody, response: reply(obj({ reencrypted: { type: 'integer' }, key: { type: 'string' } })) } }, async () => reencrypt(ctx));
	};
}
