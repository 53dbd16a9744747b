// What every page handler needs from a request: its form fields, its session, who acts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { t, type MessageKey } from '../../../core/messages';
import type { Channel } from '../channels';
import type { Context } from '../context';
import { layout, type PageOptions } from './layout';
import type { Session } from './sessions';
import { roleIn, type AdminUser } from './users';
import { comuneOfChannel, comuneScope, INSTALLATION, visibleChannel, visibleChannels, visibleComuni, type Comune, type Scope } from '../comuni';

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


/** What a signed-in user sees: everything for an installation administrator, else their comuni. */
export const scopeOfUser = (user: AdminUser): Scope => (user.installationAdmin ? INSTALLATION : comuneScope(...Object.keys(user.roles)));

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/**
 * The comune a request is about: its channel's (path, query or form), its message's, its `comune`
 * field, else the first the user sees. Another comune's channel, message or comune is not found:
 * a user learns nothing of what other comuni have.
 */
export async function requestComune(ctx: Context, request: FastifyRequest): Promise<string | null> {
	const scope = request.adminScope;
	const params = (request.params ?? {}) as Record<string, string | undefined>;
	const query = (request.query ?? {}) as Record<string, unknown>;
	const form = formOf(request);
	const channelId = params.channel ?? text(query.channel) ?? text(form.channel);
	if (channelId) {
		const channel = visibleChannel(ctx, scope, channelId);
		if (!channel) throw new AdminError(404, t('admin.error.unknownChannel', { channel: channelId }));
		return comuneOfChannel(channel);
	}
	const messageId = params.id ?? text(query.message);
	if (messageId) {
		const row = await ctx.store.get<{ channel: string }>('SELECT channel FROM messages WHERE id = ?', [messageId]);
		const channel = row ? visibleChannel(ctx, scope, row.channel) : undefined;
		if (row && !channel) throw new AdminError(404, t('admin.error.notFound'));
		if (channel) return comuneOfChannel(channel);
	}
	const comuni = visibleComuni(ctx, scope);
	const comune = text(query.comune) ?? text(form.comune);
	if (comune) {
		if (!comuni.some((c) => c.id === comune)) throw new AdminError(404, t('admin.error.unknownComune', { comune }));
		return comune;
	}
	const first = visibleChannels(ctx, scope)[0];
	return first ? comuneOfChannel(first) : (comuni[0]?.id ?? null);
}

/** Acts in `comune`: the user's role there becomes the request's, which the route may require. */
export function enterComune(request: FastifyRequest, comune: string | null): void {
	const session = sessionOf(request);
	request.adminComune = comune;
	session.user.role = roleIn(session.user, comune) ?? 'editor';
	const required = request.routeOptions.config.adminRole;
	if (required && required !== session.user.role && session.user.role !== 'administrator') throw new AdminError(403, t('admin.error.forbidden'));
}

/** The channel a page is about: `channel` from the query or the form (one the user sees), else the first of the request's comune. */
export function pickChannel(ctx: Context, request: FastifyRequest, id: string | undefined): Channel {
	const visible = visibleChannels(ctx, request.adminScope);
	const channel = id ? visible.find((c) => c.id === id) : (visible.find((c) => comuneOfChannel(c) === request.adminComune) ?? visible[0]);
	if (!channel) throw new AdminError(404, id ? t('admin.error.unknownChannel', { channel: id }) : t('admin.error.notFound'));
	// A message's channel may be in another of the user's comuni than the page's: the role is that comune's.
	enterComune(request, comuneOfChannel(channel));
	return channel;
}

/** The comune a per-comune page (users, tokens) is about: one the user sees. */
export function pickComune(ctx: Context, request: FastifyRequest): Comune {
	const comune = visibleComuni(ctx, request.adminScope).find((c) => c.id === request.adminComune);
	if (!comune) throw new AdminError(404, t('admin.error.notFound'));
	return comune;
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
		comune: request.adminComune,
		channels: request.adminScope ? visibleChannels(ctx, request.adminScope).map((c) => ({ id: c.id, name: c.name })) : [],
		notice: done && Object.prototype.hasOwnProperty.call(DONE, done) ? t(DONE[done]) : null,
	};
}

/** The frame of a per-comune page: a picker of the user's comuni instead of channels. */
export function comuneFrame(ctx: Context, request: FastifyRequest, path: string): Omit<PageOptions, 'title' | 'body'> {
	return { ...frame(ctx, request, path), channels: [], comuni: visibleComuni(ctx, request.adminScope).map((c) => ({ id: c.id, name: c.name })) };
}

export function sendPage(reply: FastifyReply, options: PageOptions, status = 200) {
	return reply.code(status).type('text/html; charset=utf-8').send(layout(options).value);
}

export const withChannel = (path: string, channel: Channel, done?: string): string =>
	`${path}?channel=${encodeURIComponent(channel.id)}${done ? `&done=${done}` : ''}`;
