// The audit log as the admin page reads it: filters (channel, type, actor, days), newest first,
// paginated by id. audit.ts's listAudit serves the API (oldest first, no actor filter).
import type { Param, Queryable } from '../store';
import { redact } from './redact';

export interface AuditFilter {
	channel?: string;
	type?: string;
	actor?: string;
	sinceMs?: number | null;
	untilMs?: number | null;
	/** Entries with an id below this one (the next page). */
	before?: number | null;
}

export interface AuditRow {
	id: number;
	at: number;
	channel: string | null;
	type: string;
	messageId: string | null;
	actor: string;
	details: Record<string, unknown>;
}

export async function queryAudit(q: Queryable, filter: AuditFilter, limit: number): Promise<AuditRow[]> {
	const where: string[] = [];
	const params: Param[] = [];
	const add = (sql: string, value: Param) => {
		where.push(sql);
		params.push(value);
	};
	if (filter.channel) add('channel = ?', filter.channel);
	if (filter.type) add('type = ?', filter.type);
	if (filter.actor) add('actor = ?', filter.actor);
	if (filter.sinceMs != null) add('at >= ?', filter.sinceMs);
	if (filter.untilMs != null) add('at < ?', filter.untilMs);
	if (filter.before != null) add('id < ?', filter.before);
	const rows = await q.all<{ id: number; at: number; channel: string | null; type: string; message_id: string | null; actor: string; details: string }>(
		`SELECT id, at, channel, type, message_id, actor, details FROM audit${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
		[...params, limit],
	);
	return rows.map((r) => ({
		id: Number(r.id),
		at: Number(r.at),
		channel: r.channel,
		type: r.type,
		messageId: r.message_id,
		actor: r.actor,
		details: redact(safeJson(r.details)) as Record<string, unknown>,
	}));
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return { text };
	}
}

/** Suggestions for the type filter. */
export async function auditTypes(q: Queryable): Promise<string[]> {
	const types = await q.all<{ type: string }>('SELECT DISTINCT type FROM audit ORDER BY type');
	return types.map((r) => r.type);
}

/** One line for a person: the entry's note when it has one, else its details. */
export function describe(details: Record<string, unknown>): string {
	const note = typeof details.note === 'string' ? details.note : '';
	const rest = Object.entries(details)
		.filter(([key, value]) => key !== 'note' && value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0))
		.map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
		.join('; ');
	return [note, rest].filter(Boolean).join(' — ');
}
