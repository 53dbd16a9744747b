// The audit log as the admin page reads it: filters (channel, type, actor, days), newest first,
// paginated by id, details redacted. The query itself is audit.ts's findAudit, shared with the API.
import { findAudit, type AuditEntry, type AuditFilter } from '../audit';
import type { Queryable } from '../store';
import { redact } from './redact';

export type { AuditFilter };

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
