import type { Context } from './context';
import type { Param, Queryable } from './store';

export interface AuditQuery {
	channel?: string;
	type?: string;
	since?: string;
	until?: string;
	limit?: number;
}

/** What both readers of the audit log filter on: the API (no actor, no paging) and the admin page. */
export interface AuditFilter {
	channel?: string;
	type?: string;
	actor?: string;
	messageId?: string;
	sinceMs?: number | null;
	untilMs?: number | null;
	/** Entries with an id below this one (the next page). */
	before?: number | null;
	/** Only what a comune scope sees: these channels' entries and, without a channel, these comuni's (comuni.ts auditWithin). */
	within?: AuditWithin | null;
}

export interface AuditWithin {
	channels: string[];
	comuni: string[];
}

const marks = (list: unknown[]): string => list.map(() => '?').join(', ');

/** The SQL condition of `within`, with its parameters. */
export function withinSql(within: AuditWithin): { sql: string; params: Param[] } {
	const parts: string[] = [];
	if (within.channels.length) parts.push(`channel IN (${marks(within.channels)})`);
	if (within.comuni.length) parts.push(`(channel IS NULL AND comune IN (${marks(within.comuni)}))`);
	return { sql: parts.length ? `(${parts.join(' OR ')})` : '1 = 0', params: [...within.channels, ...within.comuni] };
}

export interface AuditEntry {
	id: number;
	at: number;
	channel: string | null;
	type: string;
	messageId: string | null;
	actor: string;
	/** As stored: each reader parses it its own way. */
	details: string;
}

/** The one audit query: matching entries by id, oldest first unless `newestFirst`. */
export async function findAudit(q: Queryable, filter: AuditFilter, options: { limit: number; newestFirst?: boolean }): Promise<AuditEntry[]> {
	const where: string[] = [];
	const params: Param[] = [];
	const add = (sql: string, value: Param) => {
		where.push(sql);
		params.push(value);
	};
	if (filter.channel) add('channel = ?', filter.channel);
	if (filter.type) add('type = ?', filter.type);
	if (filter.actor) add('actor = ?', filter.actor);
	if (filter.messageId) add('message_id = ?', filter.messageId);
	if (filter.sinceMs != null) add('at >= ?', filter.sinceMs);
	if (filter.untilMs != null) add('at < ?', filter.untilMs);
	if (filter.before != null) add('id < ?', filter.before);
	if (filter.within) {
		const w = withinSql(filter.within);
		where.push(w.sql);
		params.push(...w.params);
	}
	const rows = await q.all<{ id: number; at: number; channel: string | null; type: string; message_id: string | null; actor: string; details: string }>(
		`SELECT id, at, channel, type, message_id, actor, details FROM audit${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id${options.newestFirst ? ' DESC' : ''} LIMIT ?`,
		[...params, options.limit],
	);
	return rows.map((r) => ({ id: Number(r.id), at: Number(r.at), channel: r.channel, type: r.type, messageId: r.message_id, actor: r.actor, details: r.details }));
}

/** The API's view: oldest first, times as ISO strings. */
export async function listAudit(ctx: Context, query: AuditQuery, within: AuditWithin | null = null) {
	const filter: AuditFilter = {
		within,
		channel: query.channel,
		type: query.type,
		sinceMs: query.since ? Date.parse(query.since) : null,
		untilMs: query.until ? Date.parse(query.until) : null,
	};
	const entries = await findAudit(ctx.store, filter, { limit: query.limit ?? 1000 });
	return entries.map((e) => ({ ...e, at: new Date(e.at).toISOString(), details: JSON.parse(e.details) as Record<string, unknown> }));
}
