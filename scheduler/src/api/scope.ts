// What a comune's token may reach (issue #17), checked once per request before every v1 handler from
// the route's parameters: a new route that names a channel, a message or a slot is covered by itself.
// Another comune's channel, message or slot is not found (404, as one that does not exist); a route
// about the whole installation (n8n flows, subscriber keys, comuni and their tokens) is forbidden (403).
import type { FastifyRequest } from 'fastify';
import { visibleChannel } from '../comuni';
import type { Context } from '../context';
import { ApiError, notFound } from '../errors';

declare module 'fastify' {
	interface FastifyContextConfig {
		/** Only the installation's token (BANDITORE_API_TOKEN). */
		installationOnly?: boolean;
	}
}

/** The tables whose rows a route's `:id` names, by the route's path. */
const OWNED_BY_CHANNEL: Array<{ prefix: string; table: 'messages' | 'slots'; what: string }> = [
	{ prefix: '/v1/messages/', table: 'messages', what: 'message' },
	{ prefix: '/v1/slots/', table: 'slots', what: 'slot' },
];

export const forbiddenForComune = (): ApiError =>
	new ApiError(403, 'forbidden', "this route is about the whole installation: a comune's token may not use it", 'Use BANDITORE_API_TOKEN, the installation token.');

const named = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function checkScope(ctx: Context) {
	return async (request: FastifyRequest): Promise<void> => {
		const scope = request.apiScope;
		if (scope.kind === 'installation') return;
		if (request.routeOptions.config.installationOnly) throw forbiddenForComune();
		const params = (request.params ?? {}) as Record<string, unknown>;
		const query = (request.query ?? {}) as Record<string, unknown>;
		const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
		for (const channel of [named(params.channel), named(query.channel), named(body.channel)]) {
			if (channel !== undefined && !visibleChannel(ctx, scope, channel)) throw notFound('channel', channel);
		}
		const id = named(params.id);
		if (id === undefined) return;
		const owner = OWNED_BY_CHANNEL.find((o) => (request.routeOptions.url ?? '').startsWith(o.prefix));
		// An id of anything else (an n8n flow) is the installation's.
		if (!owner) throw forbiddenForComune();
		const row = await ctx.store.get<{ channel: string }>(`SELECT channel FROM ${owner.table} WHERE id = ?`, [id]);
		// One that does not exist is answered here too, before any other check: the two answers are the same.
		if (!row || !visibleChannel(ctx, scope, row.channel)) throw notFound(owner.what, id);
	};
}
