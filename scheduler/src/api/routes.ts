import type { FastifyInstance } from 'fastify';
import { channelOf, type Context } from '../context';
import { rulesSource } from '../channels';
import { ApiError } from '../errors';
import { quotaStatus } from '../ledger';
import { withWaits } from '../forecast';
import { STATES, type State } from '../model';
import { outletsOfMessage } from '../outlets';
import { acknowledge, approve, cancel, channelView, enqueue, getMessage, listMessages, override, reject, retry, setPaused, type Ack, type EnqueueInput } from '../queue';
import { confirm, release, reserve, type SlotInput } from '../slots';
import { listAudit } from '../audit';
import { listWebhooks, registerWebhook, removeWebhook } from '../n8n-flows';
import { lookupStatuses } from '../cloud-webhook';
import * as s from './schemas';
import { subscriberRoutes } from './subscribers.routes';
import { comuniRoutes } from './comuni.routes';
import { checkScope } from './scope';
import { auditWithin, visibleChannels } from '../comuni';

const ACTOR = 'api';
type Params = { channel: string };
type IdParams = { id: string };
const bodyOf = <T>(body: unknown): Partial<T> => (body && typeof body === 'object' ? (body as Partial<T>) : {});
const reply = (schema: object, extra: Record<number, object> = {}) => ({ ...s.errors, ...extra, 200: schema });
const obj = (properties: Record<string, object>) => ({ type: 'object', properties });

/** The rules version as an ETag: a new version (file or admin page) is a new tag. */
const rulesTag = (version: number, digest: string) => `"${version}-${digest}"`;

/** If-None-Match holds this tag (a list, weak or not, or *). */
function matches(header: string | undefined, tag: string): boolean {
	if (!header) return false;
	return header.split(',').some((part) => {
		const given = part.trim().replace(/^W\//, '');
		return given === '*' || given === tag;
	});
}

export function routes(ctx: Context) {
	return async (app: FastifyInstance): Promise<void> => {
		// Before every route below, before its body is validated: a comune's token reaches only its comune (api/scope.ts).
		app.addHook('preValidation', checkScope(ctx));
		await app.register(subscriberRoutes(ctx));
		await app.register(comuniRoutes(ctx));
		app.get('/channels', { schema: { tags: ['channels'], response: reply(obj({ channels: { type: 'array', items: s.channelSchema } })) } }, async (request) => ({
			channels: await Promise.all(visibleChannels(ctx, request.apiScope).map((c) => channelView(ctx, c.id))),
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

		// The channel's rules as the database holds them now, not as this process last compiled them: a
		// version saved by another process (admin page) is answered at once.
		app.get<{ Params: Params }>(
			'/channels/:channel/rules',
			{ schema: { tags: ['channels'], params: s.channelParam, headers: s.ifNoneMatchHeader, response: reply(s.rulesSchema, { 304: s.notModifiedSchema }) } },
			async (request, res) => {
				const channel = channelOf(ctx, request.params.channel);
				const row = await ctx.store.get<{ version: number; digest: string }>(
					'SELECT v.version, v.digest FROM channels c JOIN rules_versions v ON v.channel = c.id AND v.version = c.rules_version WHERE c.id = ?',
					[channel.id],
				);
				const version = Number(row?.version ?? 0);
				const source = row ? await rulesSource(ctx.store, channel.id, version) : null;
				if (!row || source === null) throw new ApiError(404, 'not_found', `channel "${channel.id}" has no stored rules`, 'Restart the scheduler: it stores the rules file of each channel at start.');
				const tag = rulesTag(version, row.digest);
				res.header('etag', tag).header('cache-control', 'no-cache');
				if (matches(request.headers['if-none-match'], tag)) return res.code(304).send();
				return { channel: channel.id, version, digest: row.digest, source };
			},
		);

		const created = obj({ created: { type: 'boolean' }, message: s.messageSchema, duplicate: s.duplicateSchema });
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
				return { messages: await withWaits(ctx, await listMessages(ctx, request.params.channel, states as State[], request.query.limit ?? 100)) };
			},
		);

		const one = reply(obj({ message: s.messageSchema }));
		app.get<{ Params: IdParams }>('/messages/:id', { schema: { tags: ['messages'], params: s.idParam, response: one } }, async (request) => ({
			message: { ...(await withWaits(ctx, [await getMessage(ctx, request.params.id)]))[0], outlets: await outletsOfMessage(ctx.store, request.params.id) },
		}));
		app.post<{ Params: IdParams }>('/messages/:id/cancel', { schema: { tags: ['messages'], params: s.idParam, body: s.emptyBody, response: one } }, async (request) => ({
			message: await cancel(ctx, request.params.id, ACTOR),
		}));
		app.post<{ Params: IdParams }>('/messages/:id/approve', { schema: { tags: ['messages'], params: s.idParam, body: s.noteBody, response: one } }, async (request) => ({
			message: await approve(ctx, request.params.id, ACTOR, bodyOf<{ note: string }>(request.body).note),
		}));
		app.post<{ Params: IdParams }>('/messages/:id/reject', { schema: { tags: ['messages'], params: s.idParam, body: s.noteBody, response: one } }, async (request) => ({
			message: await reject(ctx, request.params.id, ACTOR, bodyOf<{ note: string }>(request.body).note),
		}));
		app.post<{ Params: IdParams; Body: { justification?: string } | undefined }>(
			'/messages/:id/override',
			{
				schema: { tags: ['messages'], params: s.idParam, body: s.overrideBody, response: one },
				// No body at all is no justification (422 below), as for an emergency.
				preValidation: async (request) => {
					if (request.body === undefined || request.body === null) request.body = {};
				},
			},
			async (request) => ({
				message: await override(ctx, request.params.id, ACTOR, bodyOf<{ justification: string }>(request.body).justification ?? ''),
			}),
		);
		app.post<{ Params: IdParams }>('/messages/:id/retry', { schema: { tags: ['messages'], params: s.idParam, body: s.emptyBody, response: one } }, async (request) => ({
			message: await retry(ctx, request.params.id, ACTOR),
		}));
		app.post<{ Params: IdParams; Body: Ack }>('/messages/:id/ack', { schema: { tags: ['messages'], params: s.idParam, body: s.ackBody, response: one } }, async (request) => {
			const message = await acknowledge(ctx, request.params.id, request.body, 'n8n');
			// A failure n8n reports is logged like the dispatcher's own (the audit log has the outcome).
			if (request.body.status === 'failed') {
				const about = { messageId: message.id, channel: message.channel, attempt: message.attempts, reason: request.body.reason };
				if (message.state === 'failed') request.log.error(about, 'delivery failed for good');
				else request.log.warn(about, 'delivery failed: tried again later');
			}
			return { message };
		});

		const slotCreated = obj({ slot: s.slotSchema });
		app.post<{ Params: Params; Body: SlotInput }>(
			'/channels/:channel/slots',
			{ schema: { tags: ['slots'], params: s.channelParam, body: s.slotBody, response: reply(slotCreated, { 201: slotCreated }) } },
			async (request, res) => res.code(201).send({ slot: await reserve(ctx, request.params.channel, request.body, ACTOR) }),
		);
		app.post<{ Params: IdParams }>(
			'/slots/:id/confirm',
			{ schema: { tags: ['slots'], params: s.idParam, body: s.confirmBody, response: reply(obj({ slot: s.slotSchema, message: s.messageSchema })) } },
			async (request) => confirm(ctx, request.params.id, bodyOf<{ providerMessageId: string }>(request.body).providerMessageId, ACTOR),
		);
		app.post<{ Params: IdParams }>('/slots/:id/release', { schema: { tags: ['slots'], params: s.idParam, body: s.emptyBody, response: reply(slotCreated) } }, async (request) => ({
			slot: await release(ctx, request.params.id, ACTOR),
		}));

		const channelReply = reply(obj({ channel: s.channelSchema }));
		app.post<{ Params: Params }>('/channels/:channel/pause', { schema: { tags: ['channels'], params: s.channelParam, body: s.reasonBody, response: channelReply } }, async (request) => ({
			channel: await setPaused(ctx, request.params.channel, true, ACTOR, bodyOf<{ reason: string }>(request.body).reason),
		}));
		app.post<{ Params: Params }>('/channels/:channel/resume', { schema: { tags: ['channels'], params: s.channelParam, body: s.emptyBody, response: channelReply } }, async (request) => ({
			channel: await setPaused(ctx, request.params.channel, false, ACTOR),
		}));

		const webhookReply = obj({ webhook: s.webhookSchema });
		const installation = { installationOnly: true };
		app.get('/webhooks', { config: installation, schema: { tags: ['webhooks'], response: reply(obj({ webhooks: { type: 'array', items: s.webhookSchema } })) } }, async () => ({
			webhooks: await listWebhooks(ctx.store),
		}));
		app.post<{ Body: { url: string; channels?: string[] | null } }>(
			'/webhooks',
			{ config: installation, schema: { tags: ['webhooks'], body: s.webhookBody, response: reply(webhookReply, { 201: webhookReply }) } },
			async (request, res) => res.code(201).send({ webhook: await registerWebhook(ctx, request.body, 'n8n') }),
		);
		app.delete<{ Params: IdParams }>('/webhooks/:id', { config: installation, schema: { tags: ['webhooks'], params: s.idParam, response: reply(obj({ deleted: { type: 'boolean' } })) } }, async (request) => {
			await removeWebhook(ctx, request.params.id, 'n8n');
			return { deleted: true };
		});

		app.post<{ Body: { broadcastId: string; keys: string[] } }>(
			'/whatsapp/statuses/lookup',
			{
				config: installation,
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
			async (request) => ({ entries: await listAudit(ctx, request.query, auditWithin(ctx, request.apiScope)) }),
		);
	};
}
