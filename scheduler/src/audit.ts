import type { Context } from './context';
import type { Param } from './store';

export interface AuditQuery {
	channel?: string;
	type?: string;
	since?: string;
	until?: string;
	limit?: number;
}

export async function listAudit(ctx: Context, query: AuditQuery) {
	const where: string[] = [];
	const params: Param[] = [];
	const filter = (sql: string, value: Param) => {
		where.push(sql);
		params.push(value);
	};
	if (query.channel) filter('channel = ?', query.channel);
	if (query.type) filter('type = ?', query.type);
	if (query.since) filter('at >= ?', Date.parse(query.since));
	if (query.until) filter('at < ?', Date.parse(query.until));
	const rows = await ctx.store.all<{ id: number; at: number; channel: string | null; type: string; message_id: string | null; actor: string; details: string }>(
		`SELECT * FROM audit${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ?`,
		[...params, query.limit ?? 1000],
	);
	return rows.map((r) => ({
		id: Number(r.id),
		at: new Date(Number(r.at)).toISOString(),
		channel: r.channel,
		type: r.type,
		messageId: r.message_id,
		actor: r.actor,
		details: JSON.parse(r.details) as Record<string, unknown>,
	}));
}
