// The dispatch loop: releases due messages by priority within the budget, defers what does not fit
// to the next window, expires what is too old, and settles leases left by a crash.
import { t } from '../../core/messages';
import { freshChannel, type Channel } from './channels';
import { passesNow, rejudgeInTx } from './recheck';
import type { Context } from './context';
import type { DeliveryResult, GatewayAlert, Recovery } from './delivery/transport';
import { decideInTx } from './ledger';
import { localDate, WAITING, type Message, type MessageRow } from './model';
import { retryOutlets } from './outlets';
import { applyAck } from './queue';
import { DIGEST_CATEGORY, digestInTx, returnPartsInTx } from './digest';
import { audit, changeState, messageRow, withHistory } from './repo';
import { expiredAt, LINE_ORDER_SQL } from './waiting';
import type { Queryable } from './store';

/** A digest that ended within this long may still have parts to give back (returnPartsInTx). */
const DIGEST_ENDED_MS = 7 * 86_400_000;

/**
 * The channels a pass has something to do for: a message waiting or held (to judge again, to send),
 * or a digest ended lately. The literal states match the partial indexes of migration 0015.
 */
async function busyChannels(q: Queryable, nowMs: number): Promise<Set<string>> {
	const rows = await q.all<{ channel: string }>(
		`SELECT DISTINCT channel FROM messages WHERE state IN ('queued', 'scheduled', 'deferred', 'held')
		UNION SELECT channel FROM messages WHERE category = '${DIGEST_CATEGORY}' AND state IN ('failed', 'cancelled', 'expired', 'rejected') AND updated_at >= ?`,
		[nowMs - DIGEST_ENDED_MS],
	);
	return new Set(rows.map((r) => r.channel));
}

type Step = { kind: 'claimed'; message: Message } | { kind: 'again' } | { kind: 'idle' } | { kind: 'wait'; code: string; until: Date | null };

const ACTOR = 'dispatcher';
const MAX_STEPS = 10_000;

/** The part of pino the dispatcher writes to. */
export interface DispatchLog {
	warn(details: Record<string, unknown>, message: string): void;
	error(details: Record<string, unknown>, message: string): void;
}

export class Dispatcher {
	private timer: NodeJS.Timeout | null = null;
	private running: Promise<void> | null = null;
	private stopped = false;

	constructor(private readonly ctx: Context) {}

	start(): void {
		const loop = (): void => {
			if (this.stopped) return;
			this.running = this.tick()
				.catch((error: unknown) => this.onError(error))
				.finally(() => {
					this.running = null;
					if (!this.stopped) this.timer = setTimeout(loop, this.ctx.config.dispatch.intervalMs);
				});
		};
		loop();
	}

	onError: (error: unknown) => void = () => undefined;

	/** Where each delivery that did not go well is told, with its cause (the service's pino logger). */
	log: DispatchLog = { warn: () => undefined, error: () => undefined };

	async stop(): Promise<void> {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		await this.running;
	}

	/** One pass: settle leases, expire, then drain every channel with something to do. Tests call it with a fixed clock. */
	async tick(): Promise<void> {
		await this.settleLeases();
		await this.expireWaiting();
		const busy = await busyChannels(this.ctx.store, this.ctx.clock().getTime());
		for (const channel of this.ctx.channels.values()) {
			if (!busy.has(channel.id)) continue;
			await this.rejudge(channel);
			await this.drain(channel);
		}
		// The outlets a sent message still owes (a channel with several): no quota decision, it already counted.
		await retryOutlets(this.ctx);
	}

	/** Rules version each channel's waiting messages were last judged under, in this process. */
	private readonly judged = new Map<string, number>();

	/**
	 * Held messages are judged again at every pass (an election period may have ended); everything
	 * waiting is judged again once after each rules change, so the queue shows at once what stopped.
	 */
	private async rejudge(channel: Channel): Promise<void> {
		const now = this.ctx.clock();
		await this.ctx.store.tx(async (q) => {
			const fresh = await freshChannel(q, this.ctx, channel.id);
			const all = this.judged.get(channel.id) !== fresh.rulesVersion;
			await rejudgeInTx(q, fresh, now, ACTOR, all ? [...WAITING, 'held'] : ['held']);
			this.judged.set(channel.id, fresh.rulesVersion);
		}, { lockChannel: channel.id });
	}

	private async drain(channel: Channel): Promise<void> {
		for (let i = 0; i < MAX_STEPS && !this.stopped; i++) {
			const step = await this.step(channel);
			if (step.kind === 'claimed') await this.deliver(channel, step.message);
			else if (step.kind !== 'again') return;
		}
	}

	/** One decision under the channel lock. */
	private async step(channel: Channel): Promise<Step> {
		const { store, clock, metrics } = this.ctx;
		const now = clock();
		const nowMs = now.getTime();
		const transport = this.ctx.transports.get(channel.id);
		if (!transport) return { kind: 'idle' };
		return store.tx(async (q): Promise<Step> => {
			const fresh = await freshChannel(q, this.ctx, channel.id);
			const quota = fresh.rules.quota;
			await returnPartsInTx(q, channel.id, nowMs, ACTOR);
			let row = await q.get<MessageRow>(
				`SELECT * FROM messages WHERE channel = ? AND state IN ('queued', 'scheduled', 'deferred') AND earliest_at <= ?
				ORDER BY ${LINE_ORDER_SQL} LIMIT 1`,
				[channel.id, nowMs],
			);
			if (!row) return { kind: 'idle' };
			if (expiredAt(row.expires_at, nowMs)) {
				await expire(q, row, nowMs, t('scheduler.expired', { date: localDate(row.expires_at as number) }));
				return { kind: 'again' };
			}
			// The rules as they are now, at the moment of sending (scheduler/src/recheck.ts).
			const check = await passesNow(q, fresh, row, now, ACTOR);
			if (!check.ok) return { kind: 'again' };
			// The one decision the queue page forecasts with (scheduler/src/waiting.ts).
			const decision = await decideInTx(q, channel.id, quota, now, row.emergency === 1, this.ctx.ledger);
			if (decision.allow) {
				// The week's last slot may go to a digest of the low-priority messages waiting (scheduler/src/digest.ts).
				const checked = row;
				if (decision.counts) row = (await digestInTx(q, fresh, row, now, ACTOR)) ?? row;
				const attempt = row.attempts + 1;
				await changeState(q, row, nowMs, WAITING, {
					state: 'sending',
					note: t('scheduler.sending', { attempt }),
					set: {
						claimed_at: nowMs, counted: decision.counts ? 1 : 0, lease_until: nowMs + this.ctx.config.dispatch.leaseSeconds * 1000, attempts: attempt, via: transport.kind,
						...(row === checked ? { text: check.text, image: check.image } : {}),
					},
				});
				await audit(q, nowMs, { channel: channel.id, type: 'message.sending', messageId: row.id, actor: ACTOR, details: { attempt, counted: decision.counts } });
				if (row.emergency === 1) {
					const key = decision.counts ? 'scheduler.emergencyCounted' : 'scheduler.emergency';
					await audit(q, nowMs, { channel: channel.id, type: 'emergency.override', messageId: row.id, actor: ACTOR, details: { justification: row.justification, counted: decision.counts, note: t(key, { justification: row.justification ?? '' }) } });
				}
				metrics.decision(channel.id, 'claimed');
				const claimed = (await messageRow(q, row.id)) as MessageRow;
				return { kind: 'claimed', message: (await withHistory(q, [claimed]))[0] };
			}
			metrics.decision(channel.id, decision.code);
			if (decision.code !== 'quota_exhausted' || !decision.until) return { kind: 'wait', code: decision.code, until: decision.until };
			// No room left in this window: every due message moves to the next one, or expires first.
			const until = decision.until.getTime();
			const due = await q.all<MessageRow>(
				"SELECT * FROM messages WHERE channel = ? AND state IN ('queued', 'scheduled', 'deferred') AND earliest_at <= ? ORDER BY priority DESC, created_at, id",
				[channel.id, nowMs],
			);
			const note = t('scheduler.deferred', { limit: quota.perWeek, date: localDate(until) });
			for (const m of due) {
				if (expiredAt(m.expires_at, until)) {
					await expire(q, m, nowMs, t('scheduler.expiredBeforeRoom', { date: localDate(m.expires_at as number) }));
					continue;
				}
				await changeState(q, m, nowMs, WAITING, { state: 'deferred', note, reason: m.state === 'deferred' ? undefined : note, set: { earliest_at: until } });
				await audit(q, nowMs, { channel: channel.id, type: 'message.deferred', messageId: m.id, actor: ACTOR, details: { until: new Date(until).toISOString(), note } });
			}
			return { kind: 'again' };
		}, { lockChannel: channel.id });
	}

	private async deliver(channel: Channel, message: Message): Promise<void> {
		const { store, clock, metrics } = this.ctx;
		const transport = this.ctx.transports.get(channel.id);
		if (!transport) return;
		const ackUrl = `${this.ctx.publicUrl}/v1/messages/${message.id}/ack`;
		const about = { messageId: message.id, channel: channel.id, transport: transport.kind, attempt: message.attempts };
		let result: DeliveryResult;
		try {
			result = await transport.deliver(message, ackUrl);
		} catch (error) {
			// The transport threw before or while writing: we cannot tell; the lease settles it.
			this.log.error({ ...about, err: error }, 'delivery threw: the lease will settle it');
			metrics.deliveryError(channel.id, transport.kind, 'thrown');
			return;
		}
		if (result.kind === 'unknown') {
			this.log.warn({ ...about, reason: result.reason }, 'delivery outcome unknown: the lease will settle it');
			metrics.deliveryError(channel.id, transport.kind, 'unknown');
			return;
		}
		const now = clock().getTime();
		const outcome = await store.tx(async (q) => {
			const row = await messageRow(q, message.id);
			// Settled meanwhile, or claimed again after its lease ran out: this answer is not the current one.
			if (!row || row.state !== 'sending' || row.attempts !== message.attempts) return null;
			// A session that logged out: the office must act, whatever happens to this message.
			if (result.kind === 'notHandedOver' && result.alert) await gatewayAlert(q, row, now, result.alert, result.reason);
			if (result.kind === 'sent') return applyAck(this.ctx, q, row, { status: 'sent', providerMessageId: result.providerMessageId }, now, ACTOR);
			if (result.kind === 'notHandedOver') return applyAck(this.ctx, q, row, { status: 'failed', reason: result.reason, retry: result.retry, retryAfterSeconds: result.retryAfterSeconds }, now, ACTOR);
			if (result.kind === 'inDoubt') {
				await unknownOutcome(q, row, now, result.reason);
				return 'in_doubt' as const;
			}
			await changeState(q, row, now, ['sending'], { state: 'sending', note: t('scheduler.handedOver') });
			return null;
		}, { lockChannel: channel.id });
		if (outcome === null || outcome === 'sent') return;
		const reason = 'reason' in result ? result.reason : '';
		const kind = outcome === 'queued' ? 'retrying' : outcome;
		metrics.deliveryError(channel.id, transport.kind, kind);
		if (outcome === 'queued') this.log.warn({ ...about, reason, maxAttempts: this.ctx.config.dispatch.maxAttempts }, 'delivery failed: tried again later');
		else this.log.error({ ...about, reason }, outcome === 'failed' ? 'delivery failed for good' : 'delivery in doubt: a person must check');
	}

	/**
	 * Messages still `sending` after their lease: a crash, a lost ack, or a slot never confirmed. The
	 * transport that sent it is asked first (outside the transaction: a channel read back over the
	 * network must not hold the channel lock); what it cannot answer is an unknown outcome.
	 */
	private async settleLeases(): Promise<void> {
		const { store, clock } = this.ctx;
		const nowMs = clock().getTime();
		const ids = [...this.ctx.channels.keys()];
		const marks = ids.map(() => '?').join(', ');
		const stale = await store.all<MessageRow>(
			`SELECT * FROM messages WHERE state = 'sending' AND lease_until IS NOT NULL AND lease_until <= ? AND channel IN (${marks})`,
			[nowMs, ...ids],
		);
		for (const candidate of stale) {
			const transport = this.ctx.transports.get(candidate.channel);
			let found: Recovery | null = null;
			if (transport && candidate.via === transport.kind) {
				const [message] = await withHistory(store, [candidate]);
				found = await transport.recover(message).catch((error: unknown) => ({ sent: false as const, known: false, note: (error as Error).message }));
			}
			await store.tx(async (q) => {
				const row = await messageRow(q, candidate.id);
				// Settled meanwhile (a late ack, another process) or claimed again: nothing to do.
				if (!row || row.state !== 'sending' || row.lease_until === null || row.lease_until > nowMs || row.attempts !== candidate.attempts) return;
				if (found?.sent) {
					const note = found.note ?? t('scheduler.recovered');
					await applyAck(this.ctx, q, row, { status: 'sent', providerMessageId: found.providerMessageId }, nowMs, ACTOR);
					await audit(q, nowMs, { channel: row.channel, type: 'message.recovered', messageId: row.id, actor: ACTOR, details: { note } });
					return;
				}
				if (found?.known) {
					// Interrupted, and known not to be posted. Queued again at once (an interruption is not
					// the message's fault), until it has used its attempts: a message whose delivery keeps
					// ending the process must not be claimed for ever.
					if (row.attempts >= this.ctx.config.dispatch.maxAttempts) {
						await applyAck(this.ctx, q, row, { status: 'failed', reason: t('scheduler.interrupted', { attempts: row.attempts }), retry: false }, nowMs, ACTOR);
						this.log.error({ messageId: row.id, channel: row.channel, attempts: row.attempts }, 'delivery failed for good: interrupted at every attempt');
						return;
					}
					const note = found.note ?? t('scheduler.requeued');
					await changeState(q, row, nowMs, ['sending'], { state: 'queued', note, set: { counted: 0, claimed_at: null, lease_until: null, earliest_at: nowMs } });
					await audit(q, nowMs, { channel: row.channel, type: 'message.requeued', messageId: row.id, actor: ACTOR, details: { note, attempts: row.attempts } });
					return;
				}
				// Webhook, slot, subscribers, or a read-back that failed: it may have been posted. It keeps counting and waits for a person.
				if (found && !found.sent && found.alert) await gatewayAlert(q, row, nowMs, found.alert, found.note ?? '');
				await unknownOutcome(q, row, nowMs, t('scheduler.unknownOutcome'), found?.note);
			}, { lockChannel: candidate.channel });
		}
	}

	private async expireWaiting(): Promise<void> {
		const { store, clock } = this.ctx;
		const nowMs = clock().getTime();
		const ids = [...this.ctx.channels.keys()];
		const marks = ids.map(() => '?').join(', ');
		const rows = await store.all<MessageRow>(
			`SELECT * FROM messages WHERE state IN ('queued', 'scheduled', 'deferred', 'held') AND expires_at IS NOT NULL AND expires_at <= ? AND channel IN (${marks})`,
			[nowMs, ...ids],
		);
		for (const row of rows) {
			await store.tx((q) => expire(q, row, nowMs, t('scheduler.expired', { date: localDate(row.expires_at as number) })), { lockChannel: row.channel });
		}
	}
}

/** It may have been posted: `failed`, still counted, not sent again until a person decides (retry). */
async function unknownOutcome(q: import('./store').Queryable, row: MessageRow, nowMs: number, reason: string, recovery?: string): Promise<void> {
	await changeState(q, row, nowMs, ['sending'], { state: 'failed', note: t('scheduler.unknownOutcomeNote'), reason, set: { lease_until: null } });
	if (row.via === 'slot') await q.run("UPDATE slots SET state = 'expired' WHERE message_id = ? AND state = 'active'", [row.id]);
	const details = { reason, via: row.via, note: t('scheduler.unknownOutcomeNote'), ...(recovery ? { recovery } : {}) };
	await audit(q, nowMs, { channel: row.channel, type: 'message.unknown_outcome', messageId: row.id, actor: ACTOR, details });
}

/** A gateway problem the office must hear about (scheduler/src/notify), beside the message's own audit row. */
async function gatewayAlert(q: import('./store').Queryable, row: MessageRow, nowMs: number, alert: GatewayAlert, reason: string): Promise<void> {
	const type = alert === 'sessionDown' ? 'gateway.session_down' : 'gateway.read_back_failed';
	await audit(q, nowMs, { channel: row.channel, type, messageId: row.id, actor: ACTOR, details: { via: row.via, reason } });
}

async function expire(q: import('./store').Queryable, row: MessageRow, nowMs: number, reason: string): Promise<void> {
	const changed = await changeState(q, row, nowMs, ['queued', 'scheduled', 'deferred', 'held'], { state: 'expired', note: reason, reason });
	if (changed) await audit(q, nowMs, { channel: row.channel, type: 'message.expired', messageId: row.id, actor: ACTOR, details: { note: reason } });
}

