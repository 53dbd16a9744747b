// The notifier follows the audit log after a stored cursor: each new event that needs a person becomes
// one e-mail per user who chose its kind (and one webhook call), written to notify_outbox in the same
// transaction that moves the cursor, so nothing is announced twice across restarts or processes, and
// nothing is lost. Time-based notices (an election period tomorrow, the weekly summary) come from a
// check on every pass with a stored marker. Then the due rows are sent, retried with backoff.
import { createHash } from 'node:crypto';
import { weekWindow } from '../../../core/quota';
import type { AuditEntry } from '../audit';
import type { Channel } from '../channels';
import type { ChannelConfig, Config } from '../config';
import type { Clock } from '../context';
import { audit } from '../repo';
import type { Queryable, Store } from '../store';
import { electionNotices, noticeOf, renderText, weeklyNotice, type Notice } from './notice';
import { recipients } from './prefs';
import { comuneOfChannel, DEFAULT_COMUNE } from '../comuni';
import { createSenders, type Senders } from './senders';

export interface NotifierDeps {
	store: Store;
	clock: Clock;
	config: Config;
	channels: () => Iterable<Channel>;
	/** The admin page's base URL, known once the server listens. */
	baseUrl: () => string;
	senders: Senders;
	onError: (error: unknown, what: string) => void;
	/** How long a gap in audit ids is waited for before it is skipped (tests shorten it). */
	gapWaitMs?: number;
}

const BATCH = 200;
/** A gap in audit ids may be a transaction still committing (PostgreSQL): wait this long (wall clock) before skipping it. */
const GAP_WAIT_MS = 10_000;
const LEASE_MS = 5 * 60_000;
const MAX_ATTEMPTS = 8;
const RETRY_BASE_MS = 30_000;

class CursorMoved extends Error {}

export class Notifier {
	private timer: NodeJS.Timeout | null = null;
	private running: Promise<void> | null = null;
	private stopped = false;
	/** Missing audit ids, and when (wall clock) each was first seen missing. */
	private readonly gaps = new Map<number, number>();

	constructor(private readonly deps: NotifierDeps) {}

	start(intervalMs: number): void {
		const loop = (): void => {
			if (this.stopped) return;
			this.running = this.tick().finally(() => {
				this.running = null;
				if (!this.stopped) this.timer = setTimeout(loop, intervalMs);
			});
		};
		loop();
	}

	async stop(): Promise<void> {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		await this.running;
		this.deps.senders.close();
	}

	/** One pass; each step's failure is reported and does not stop the others. */
	async tick(): Promise<void> {
		await this.follow().catch((error: unknown) => this.deps.onError(error, 'audit'));
		await this.periodic().catch((error: unknown) => this.deps.onError(error, 'periodic'));
		await this.sendDue().catch((error: unknown) => this.deps.onError(error, 'send'));
	}

	/** The audit events after the cursor, turned into notices, while the ids run without a gap. */
	async follow(): Promise<number> {
		const { store } = this.deps;
		let handled = 0;
		for (;;) {
			const cursor = Number((await store.get<{ value: string }>("SELECT value FROM notify_marks WHERE key = 'cursor'"))?.value ?? 0);
			const rows = await store.all<{ id: number; at: number; channel: string | null; type: string; message_id: string | null; actor: string; details: string }>(
				'SELECT id, at, channel, type, message_id, actor, details FROM audit WHERE id > ? ORDER BY id LIMIT ?',
				[cursor, BATCH],
			);
			const entries: AuditEntry[] = [];
			let last = cursor;
			for (const r of rows) {
				const id = Number(r.id);
				if (id !== last + 1 && !this.gapExpired(last + 1)) break;
				this.gaps.delete(id);
				entries.push({ id, at: Number(r.at), channel: r.channel, type: r.type, messageId: r.message_id, actor: r.actor, details: r.details });
				last = id;
			}
			if (entries.length === 0) return handled;
			const notices: Notice[] = [];
			for (const entry of entries) {
				const notice = noticeOf(entry, { channelName: (id) => this.channelName(id), baseUrl: this.deps.baseUrl(), messageText: await this.messageText(entry) });
				if (notice) notices.push(notice);
			}
			try {
				await store.tx(async (q) => {
					// Another process moved the cursor meanwhile: it announces these, this one rolls back.
					const moved = await q.run("UPDATE notify_marks SET value = ?, at = ? WHERE key = 'cursor' AND value = ?", [String(last), this.deps.clock().getTime(), String(cursor)]);
					if (moved === 0) throw new CursorMoved();
					for (const notice of notices) await this.enqueue(q, notice);
				});
			} catch (error) {
				if (error instanceof CursorMoved) return handled;
				throw error;
			}
			handled += entries.length;
			if (rows.length < BATCH && entries.length === rows.length) return handled;
		}
	}

	private gapExpired(id: number): boolean {
		const now = Date.now();
		const seen = this.gaps.get(id);
		if (seen === undefined) {
			this.gaps.set(id, now);
			return false;
		}
		if (now - seen < (this.deps.gapWaitMs ?? GAP_WAIT_MS)) return false;
		this.gaps.delete(id);
		return true;
	}

	private channelName(id: string | null): string {
		if (!id) return 'Banditore';
		for (const c of this.deps.channels()) if (c.id === id) return c.name;
		return this.deps.config.channels.find((c) => c.id === id)?.name ?? id;
	}

	private async messageText(entry: AuditEntry): Promise<string | null> {
		if (entry.type !== 'message.held' || !entry.messageId) return null;
		const row = await this.deps.store.get<{ text: string }>('SELECT text FROM messages WHERE id = ?', [entry.messageId]);
		return row?.text ?? null;
	}

	/** The comune whose users hear of a notice: its channel's; the default one's for a notice about no channel. */
	private comuneOf(channelId: string | null): string | null {
		if (channelId === null) return DEFAULT_COMUNE;
		// The configuration, not the loaded channels: a channel whose rules do not load is announced too.
		const config = this.deps.config.channels.find((c) => c.id === channelId);
		return config ? comuneOfChannel({ config }) : null;
	}

	/** One row per recipient who chose the notice's kind, and one for the webhook; none when its marker was set. */
	async enqueue(q: Queryable, notice: Notice): Promise<number> {
		const now = this.deps.clock().getTime();
		if (notice.once) {
			const fresh = await q.run('INSERT INTO notify_marks (key, value, at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING', [notice.once, notice.kind, now]);
			if (fresh === 0) return 0;
		}
		const { senders } = this.deps;
		const targets = [...(senders.email ? (await recipients(q, notice.kind, this.comuneOf(notice.channel))).map((a) => `email:${a}`) : []), ...(senders.webhook ? ['webhook'] : [])];
		const { subject, text } = renderText(notice, this.deps.baseUrl());
		const payload = JSON.stringify({ kind: notice.kind, event: notice.event, channel: notice.channel, subject, text, link: notice.link, at: new Date(now).toISOString() });
		for (const target of targets) {
			await q.run('INSERT INTO notify_outbox (created_at, kind, target, subject, body, payload, next_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [now, notice.kind, target, subject, text, payload, now]);
		}
		return targets.length;
	}

	/** The election periods starting tomorrow and, in a new week, the last one's summary. */
	async periodic(): Promise<void> {
		const now = this.deps.clock();
		const base = this.deps.baseUrl();
		for (const channel of this.deps.channels()) {
			const zone = channel.rules.timezone;
			for (const notice of electionNotices(channel, channel.rules.election.periods, now, zone, base)) {
				await this.deps.store.tx((q) => this.enqueue(q, notice));
			}
			await this.weekly(channel, now, zone, base);
		}
	}

	/**
	 * The summary of the week before this one, once: a marker per channel holds the last week told
	 * about. The first pass only sets it (a new install has no week to sum up).
	 */
	private async weekly(channel: Channel, now: Date, zone: string, base: string): Promise<void> {
		const current = weekWindow(now, { week: 'iso' }, zone);
		const last = weekWindow(new Date(current.start.getTime() - 1), { week: 'iso' }, zone);
		const key = `weekly:${channel.id}`;
		const { store } = this.deps;
		const marker = await store.get<{ value: string }>('SELECT value FROM notify_marks WHERE key = ?', [key]);
		if (!marker) {
			await store.run('INSERT INTO notify_marks (key, value, at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING', [key, last.key, now.getTime()]);
			return;
		}
		if (marker.value === last.key) return;
		const figures = await weekFigures(store, channel, last.start.getTime(), last.end.getTime());
		await store.tx(async (q) => {
			const moved = await q.run('UPDATE notify_marks SET value = ?, at = ? WHERE key = ? AND value = ?', [last.key, now.getTime(), key, marker.value]);
			if (moved === 0) return;
			await this.enqueue(q, weeklyNotice(channel, { start: last.start, end: last.end, limit: channel.rules.quota.perWeek, ...figures }, zone, base));
		});
	}

	/** Due rows, each claimed before it is sent: a crash mid-send sends it again after the lease, never loses it. */
	async sendDue(): Promise<number> {
		const { store, senders } = this.deps;
		const now = this.deps.clock().getTime();
		const due = await store.all<{ id: number; target: string; subject: string; body: string; payload: string; attempts: number }>(
			"SELECT id, target, subject, body, payload, attempts FROM notify_outbox WHERE (state = 'pending' AND next_at <= ?) OR (state = 'sending' AND lease_until <= ?) ORDER BY id LIMIT 50",
			[now, now],
		);
		let sent = 0;
		for (const row of due) {
			const claimed = await store.run(
				"UPDATE notify_outbox SET state = 'sending', attempts = attempts + 1, lease_until = ? WHERE id = ? AND ((state = 'pending' AND next_at <= ?) OR (state = 'sending' AND lease_until <= ?))",
				[now + LEASE_MS, row.id, now, now],
			);
			if (claimed === 0) continue;
			const attempts = Number(row.attempts) + 1;
			try {
				if (row.target === 'webhook') {
					if (!senders.webhook) throw new Error('no webhook is configured (BANDITORE_NOTIFY_WEBHOOK)');
					await senders.webhook(JSON.parse(row.payload));
				} else {
					if (!senders.email) throw new Error('no SMTP server is configured (BANDITORE_SMTP_HOST)');
					await senders.email(row.target.slice('email:'.length), row.subject, row.body);
				}
				await store.run("UPDATE notify_outbox SET state = 'sent', sent_at = ?, lease_until = NULL, error = NULL WHERE id = ?", [this.deps.clock().getTime(), row.id]);
				sent++;
			} catch (error) {
				const message = (error as Error).message ?? String(error);
				const end = attempts >= MAX_ATTEMPTS;
				const next = now + Math.min(3_600_000, RETRY_BASE_MS * 2 ** (attempts - 1));
				await store.run('UPDATE notify_outbox SET state = ?, next_at = ?, lease_until = NULL, error = ? WHERE id = ?', [end ? 'failed' : 'pending', next, message.slice(0, 500), row.id]);
				this.deps.onError(error, `notification ${row.id} to ${row.target === 'webhook' ? 'the webhook' : 'an e-mail address'}${end ? `, given up after ${attempts} attempts` : `, attempt ${attempts}`}`);
			}
		}
		return sent;
	}
}

/** What a channel did in [start, end): sent outside emergencies, held, rejected, emergencies sent. */
async function weekFigures(q: Queryable, channel: Channel, start: number, end: number): Promise<{ sent: number; held: number; rejected: number; emergencies: number }> {
	const sent = await q.get<{ normal: number | null; emergencies: number | null }>(
		"SELECT SUM(CASE WHEN emergency = 0 THEN 1 ELSE 0 END) AS normal, SUM(CASE WHEN emergency = 1 THEN 1 ELSE 0 END) AS emergencies FROM messages WHERE channel = ? AND state = 'sent' AND sent_at >= ? AND sent_at < ?",
		[channel.id, start, end],
	);
	const events = await q.all<{ type: string; n: number }>(
		"SELECT type, COUNT(*) AS n FROM audit WHERE channel = ? AND type IN ('message.held', 'message.rejected') AND at >= ? AND at < ? GROUP BY type",
		[channel.id, start, end],
	);
	const count = (type: string): number => Number(events.find((e) => e.type === type)?.n ?? 0);
	return { sent: Number(sent?.normal ?? 0), emergencies: Number(sent?.emergencies ?? 0), held: count('message.held'), rejected: count('message.rejected') };
}

/**
 * A rules file that does not load stops the service at start: the event goes to the audit log and
 * the office is told at once, before the process ends (nobody else would run the notifier).
 */
export async function announceRulesFailure(deps: Pick<NotifierDeps, 'store' | 'clock' | 'config'>, channel: ChannelConfig, error: string): Promise<void> {
	const report = (e: unknown, what: string): void => {
		process.stderr.write(`banditore scheduler: notification failed (${what}): ${(e as Error)?.message ?? String(e)}\n`);
	};
	const senders = createSenders(deps.config.notify);
	try {
		const digest = createHash('sha256').update(error).digest('hex').slice(0, 16);
		await audit(deps.store, deps.clock().getTime(), { channel: channel.id, type: 'rules.invalid', actor: 'config', details: { file: channel.rules, error, digest } });
		const notifier = new Notifier({ ...deps, channels: () => [], baseUrl: () => (deps.config.publicUrl ?? '').replace(/\/$/, ''), senders, onError: report });
		await notifier.follow();
		await notifier.sendDue();
	} catch (e) {
		report(e, 'rules');
	} finally {
		senders.close();
	}
}
