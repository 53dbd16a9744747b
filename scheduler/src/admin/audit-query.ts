// The audit log as the admin page reads it: filters (channel, type, actor, days), newest first,
// paginated by id, details redacted. The query itself is audit.ts's findAudit, shared with the API.
import { findAudit, withinSql, type AuditEntry, type AuditFilter, type AuditWithin } from '../audit';
import type { Queryable } from '../store';
import { maskPhones, redact } from './redact';

export type { AuditFilter };

/** What the page knows of the message an entry is about. */
export interface Subject {
	title: string;
	channel: string;
	state: string;
	/** The category's name in the channel's rules, else its id. */
	category: string | null;
}

/** An entry with its details parsed and redacted for the page. */
export type AuditRow = Omit<AuditEntry, 'details'> & { details: Record<string, unknown> };

export async function queryAudit(q: Queryable, filter: AuditFilter, limit: number): Promise<AuditRow[]> {
	const entries = await findAudit(q, filter, { limit, newestFirst: true });
	return entries.map((e) => ({ ...e, details: redact(safeJson(e.details)) as Record<string, unknown> }));
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return { text };
	}
}

/** The event types and the authors the log holds, for the filters' lists. */
export async function auditChoices(q: Queryable, within: AuditWithin | null): Promise<{ types: string[]; actors: string[] }> {
	const w = within ? withinSql(within) : { sql: '1 = 1', params: [] };
	const types = await q.all<{ type: string }>(`SELECT DISTINCT type FROM audit WHERE ${w.sql} ORDER BY type`, w.params);
	const actors = await q.all<{ actor: string }>(`SELECT DISTINCT actor FROM audit WHERE ${w.sql} ORDER BY actor`, w.params);
	return { types: types.map((r) => r.type), actors: actors.map((r) => r.actor) };
}

/** The messages the entries are about, by id: their title as the office knows it, channel, state, category name. */
export async function subjectsOf(q: Queryable, ids: string[], categoryName: (channel: string, id: string) => string): Promise<Map<string, Subject>> {
	const unique = [...new Set(ids)];
	const out = new Map<string, Subject>();
	if (!unique.length) return out;
	const rows = await q.all<{ id: string; channel: string; state: string; text: string; item: string | null; category: string | null }>(
		`SELECT id, channel, state, text, item, category FROM messages WHERE id IN (${unique.map(() => '?').join(', ')})`,
		unique,
	);
	for (const r of rows) {
		out.set(r.id, { title: maskPhones(titleOf(r.item, r.text)), channel: r.channel, state: r.state, category: r.category ? categoryName(r.channel, r.category) : null });
	}
	return out;
}

const TITLE_MAX = 90;

/** The news item's title; for a written message (an emergency, a digest) its first line without markup. */
function titleOf(item: string | null, text: string): string {
	const parsed = item ? (safeJson(item) as { title?: unknown }) : null;
	const title = typeof parsed?.title === 'string' && parsed.title.trim() ? parsed.title : (text.split('\n').find((line) => line.trim()) ?? '');
	const plain = title.replace(/[*_~`]/g, '').trim();
	return [...plain].length > TITLE_MAX ? `${[...plain].slice(0, TITLE_MAX - 1).join('').trimEnd()}…` : plain;
}
