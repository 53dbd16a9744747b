import type { FastifyInstance } from 'fastify';
import { channelOf, type Context } from '../context';
import { ApiError } from '../errors';
import { quotaStatus } from '../ledger';
import { STATES, type State } from '../model';
import { acknowledge, approve, cancel, channelView, enqueue, getMessage, listMessages, reject, retry, setPaused, type Ack, type EnqueueInput } from '../outbox';
import { confirm, release, reserve, type SlotInput } from '../slots';
import { listAudit } from '../audit';
import { listWebhooks, registerWebhook, removeWebhook } from '../webhooks';
import { lookupStatuses } from '../whatsapp';
import * as s from './schemas';
import { subscriberRoutes } from './subscribers.routes';

const ACTOR = 'api';
type Params = { channel: string };
type IdParams = { id: string };
const bodyOf = <T>(body: unknown): Partial<T> => (body && typeof body === 'object' ? (body as Partial<T>) : {});
const reply = (schema: object, extra: Record<number, object> = {}) => ({ ...s.errors, ...extra, 200: schema });
const obj = (properties: Record<string, object>) => ({ type: 'object', properties });

export function routes(ctx: Context) {
	return async (app: FastifyInstance): Promise<void> => {
		await app.register(subscriberRoutes(ctx));
		app.get('/channels', { schema: { tags: ['channels'], response: reply(obj({ channels: { type: 'array', items: s.channelSchema } })) } }, async () => ({
			channels: await Promise.all([...ctx.channels.keys()].map((id) => channelView(ctx, id))),
		}));

		app.get<{ Params: Params; Querystring: { at?: string } }>(
			'/channels/:channel/quota',
			{ schema: { tags: ['quota'], params: s.channelParam, querystring: obj({ at: { type: 'string', format: 'date-time' } }), response: reply(s.quotaSchema) } },
			async (request) => {
				const channel = channelOf(ctx, request.params.channel);
				const at = request.query.at ? new Date(request.query.at) : ctx.clock();
				return quotaStatus(ctx.store, channel.id, channel.rules.quota, at);
			},
		);

		const created = obj({ created: { type: 'boolean' }, message: s.messageSchema });
		app.post<{ Params: Params; Body: EnqueueInput }>(
			'/channels/:channel/messages',
			{ schema: { tags: ['messages'], params: s.channelParam, body: s.enqueueBody, response: reply(created, { 201: created }) } },
			async (request, res) => {
				const result = await enqueue(ctx, request.params.channel, request.body, ACTOR);
				return res.code(result.created ? 201 : 200).send(result);
			},
		);

		app.get<{ Params: Params; Querystring: { state?: string; limit?: number } }>(
			'/channels/:channel/messages',
			{
				schema: {
					tags: ['messages'],
					params: s.channelParam,
					querystring: obj({ state: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 1000 } }),
					response: reply(obj({ messages: { type: 'array', items: s.messageSchema } })),
				},
			},
			async (request) => {
				const states = (request.query.state ?? '').split(',').map((x) => x.trim()).filter(Boolean);
				for (const state of states) if (!STATES.includes(state as State)) throw new ApiError(400, 'invalid_request', `unknown state "${state}"`, `States: ${STATES.join(', ')}.`);
				return { messages: await listMessages(ctx, request.params.channel, states as State[], request.query.limit ?? 100) };
			},
		);

		const one = reply(obj({ message: s.messageSchema }));
		app.get<{ Params: IdParams }>('/messages/:id', { schema: { tags: ['messages'], params: s.idParam, response: one } }, async (request) => ({
			message: await getMessage(ctx, request.params.id),
		}));
		app.post<{ Params: IdParams }>('/messages/:id/cancel', { schema: { tags: ['messages'], params: s.idParam, response: one } }, async (request) => ({
			message: await cancel(ctx, request.params.id, ACTOR),
		}));
		app.post<{ Params: IdParams }>('/messages/:id/approve', { schema: { tags: ['messages'], params: s.idParam, response: one } }, async (request) => ({
			message: await approve(ctx, request.params.id, ACTOR, bodyOf<{ note: string }>(request.body).note),
		}));
		app.post<{ Params: IdParams }>('/messages/:id/reject', { schema: { tags: ['messages'], params: s.idParam, response: one } }, async (request) => ({
			message: await reject(ctx, request.params.id, ACTOR, bodyOf<{ note: string }>(request.body).note),
		}));
		app.post<{ Params: IdParams }>('/messages/:id/retry', { schema: { tags: ['messages'], params: s.idParam, response: one } }, async (request) => ({
			message: await retry(ctx, request.params.id, ACTOR),
		}));
		app.post<{ Params: IdParams; Body: Ack }>('/messages/:id/ack', { schema: { tags: ['messages'], params: s.idParam, body: s.ackBody, response: one } }, async (request) => ({
			message: await acknowledge(ctx, request.params.id, request.body, 'n8n'),
		}));

		const slotCreated = obj({ slot: s.slotSchema });
		app.post<{ Params: Params; Body: SlotInput }>(
			'/channels/:channel/slots',
			{ schema: { tags: ['slots'], params: s.channelParam, body: s.slotBody, response: reply(slotCreated, { 201: slotCreated }) } },
			async (request, res) => res.code(201).send({ slot: await reserve(ctx, request.params.channel, request.body, ACTOR) }),
		);
		app.post<{ Params: IdParams }>(
			'/slots/:id/confirm',
			{ schema: { tags: ['slots'], params: s.idParam, response: reply(obj({ slot: s.slotSchema, message: s.messageSchema })) } },
			async (request) => confirm(ctx, request.params.id, bodyOf<{ providerMessageId: string }>(request.body).providerMessageId, ACTOR),
		);
		app.post<{ Params: IdParams }>('/slots/:id/release', { schema: { tags: ['slots'], params: s.idParam, response: reply(slotCreated) } }, async (request) => ({
			slot: await release(ctx, request.params.id, ACTOR),
		}));

		const channelReply = reply(obj({ channel: s.channelSchema }));
		app.post<{ Params: Params }>('/channels/:channel/pause', { schema: { tags: ['channels'], params: s.channelParam, response: channelReply } }, async (request) => ({
			channel: await setPaused(ctx, request.params.channel, true, ACTOR, bodyOf<{ reason: string }>(request.body).reason),
		}));
		app.post<{ Params: Params }>('/channels/:channel/resume', { schema: { tags: ['channels'], params: s.channelParam, response: channelReply } }, async (request) => ({
			channel: await setPaused(ctx, request.params.channel, false, ACTOR),
		}));

		const webhookReply = obj({ webhook: s.webhookSchema });
		app.get('/webhooks', { schema: { tags: ['webhooks'], response: reply(obj({ webhooks: { type: 'array', items: s.webhookSchema } })) } }, async () => ({
			webhooks: await listWebhooks(ctx.store),
		}));
		app.post<{ Body: { url: string; channels?: string[] | null } }>(
			'/webhooks',
			{ schema: { tags: ['webhooks'], body: s.webhookBody, response: reply(webhookReply, { 201: webhookReply }) } },
			async (request, res) => res.code(201).send({ webhook: await registerWebhook(ctx, request.body, 'n8n') }),
		);
		app.delete<{ Params: IdParams }>('/webhooks/:id', { schema: { tags: ['webhooks'], params: s.idParam, response: reply(obj({ deleted: { type: 'boolean' } })) } }, async (request) => {
			await removeWebhook(ctx, request.params.id, 'n8n');
			return { deleted: true };
		});

		app.post<{ Body: { broadcastId: string; keys: string[] } }>(
			'/whatsapp/statuses/lookup',
			{
				schema: {
					tags: ['whatsapp'],
					body: { type: 'object', required: ['broadcastId', 'keys'], properties: { broadcastId: { type: 'string' }, keys: { type: 'array', items: { type: 'string' }, maxItems: 5000 } } },
					response: reply(obj({ statuses: { type: 'object', additionalProperties: true } })),
				},
			},
			async (request) => ({ statuses: await lookupStatuses(ctx, request.body.broadcastId, request.body.keys) }),
		);

		app.get<{ Querystring: { channel?: string; type?: string; since?: string; until?: string; limit?: number } }>(
			'/audit',
			{
				schema: {
					tags: ['audit'],
					querystring: obj({
						channel: { type: 'string' },
						type: { type: 'string' },
						since: { type: 'string', format: 'date-time' },
						until: { type: 'string', format: 'date-time' },
						limit: { type: 'integer', minimum: 1, maximum: 10000 },
					}),
					response: reply(obj({ entries: { type: 'array', items: s.auditSchema } })),
				},
			},
			async (request) => ({ entries: await listAudit(ctx, request.query) }),
		);
	};
}
