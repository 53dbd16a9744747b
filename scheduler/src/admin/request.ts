// What every page handler needs from a request: its form fields, its session, who acts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { t, type MessageKey } from '../../../core/messages';
import type { Channel } from '../channels';
import type { Context } from '../context';
import { layout, type PageOptions } from './layout';
import type { Session } from './sessions';

export interface Pages {
	ctx: Context;
	ttl: number;
}

export class AdminError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

export const formOf = (request: FastifyRequest): Record<string, string> => {
	const body = request.body;
	if (!body || typeof body !== 'object') return {};
	const out: Record<string, string> = {};
	// A field sent twice keeps its last value: forms here never repeat a name.
	for (const [key, value] of Object.entries(body as Record<string, unknown>)) out[key] = Array.isArray(value) ? String(value.at(-1) ?? '') : String(value ?? '');
	return out;
};

export function sessionOf(request: FastifyRequest): Session {
	const session = request.adminSession;
	if (!session) throw new AdminError(401, t('admin.login.expired'));
	return session;
}

export const actorOf = (session: Session): string => `admin:${session.user.username}`;


/** The channel a page is about: `channel` from the query or the form, else the first one. */
export function pickChannel(ctx: Context, id: string | undefined): Channel {
	if (id) {
		const channel = ctx.channels.get(id);
		if (!channel) throw new AdminError(404, t('admin.error.unknownChannel', { channel: id }));
		return channel;
	}
	const first = ctx.channels.values().next();
	if (first.done) throw new AdminError(404, t('admin.error.notFound'));
	return first.value;
}

/** What a redirect after a POST may announce: `?done=<key>`. */
const DONE: Record<string, MessageKey> = {
	approved: 'admin.queue.approved',
	rejected: 'admin.queue.rejected',
	cancelled: 'admin.queue.cancelled',
	paused: 'admin.dashboard.pausedDone',
	resumed: 'admin.dashboard.resumedDone',
	emergency: 'admin.emergency.sent',
	duplicate: 'admin.emergency.duplicate',
	saved: 'admin.saved',
	unchanged: 'admin.noChange',
};

export function frame(ctx: Context, request: FastifyRequest, path: string, channel?: Channel): Omit<PageOptions, 'title' | 'body'> {
	const done = (request.query as { done?: string } | undefined)?.done;
	return {
		session: request.adminSession,
		path,
		channel: channel?.id,
		channels: [...ctx.channels.values()].map((c) => ({ id: c.id, name: c.name })),
		notice: done && Object.prototype.hasOwnProperty.call(DONE, done) ? t(DONE[done]) : null,
	};
}

export function sendPage(reply: FastifyReply, options: PageOptions, status = 200) {
	return reply.code(status).type('text/html; charset=utf-8').send(layout(options).value);
}

export const withChannel = (path: string, channel: Channel, done?: string): string =>
	`${path}?channel=${encodeURIComponent(channel.id)}${done ? `&done=${done}` : ''}`;
