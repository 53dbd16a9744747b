// The broadcast engine's send log in the database (by subscriber id, never a number): a restart, or a
// second process, continues a broadcast where it stopped, and nobody gets a message twice.
import { replay, type LogEntry, type LogState, type SendLog } from '../../../core/whatsapp';
import type { Queryable } from '../store';

export class DbSendLog implements SendLog {
	constructor(
		private readonly q: Queryable,
		private readonly broadcastId: string,
	) {}

	async open(): Promise<LogState> {
		const rows = await this.q.all<{ subscriber_id: string; event: LogEntry['e']; at: number; code: number | null }>(
			'SELECT subscriber_id, event, at, code FROM subscriber_sends WHERE broadcast_id = ? ORDER BY seq',
			[this.broadcastId],
		);
		return replay(rows.map((r) => ({ k: r.subscriber_id, e: r.event, t: Number(r.at), ...(r.code === null ? {} : { code: Number(r.code) }) }) as LogEntry));
	}

	async append(entry: LogEntry): Promise<void> {
		const extra = entry as { code?: number; reason?: string };
		// Meta's message ids are not kept: they embed the recipient's number.
		await this.q.run('INSERT INTO subscriber_sends (broadcast_id, subscriber_id, event, at, code, reason) VALUES (?, ?, ?, ?, ?, ?)', [
			this.broadcastId,
			entry.k,
			entry.e,
			Math.round(entry.t),
			extra.code ?? null,
			extra.reason?.slice(0, 300) ?? null,
		]);
	}

	async close(): Promise<void> {}
}
