// One template to many opted-in subscribers through the Cloud API: one request per recipient, at a
// configured rate, many requests in flight over keep-alive connections, errors handled by class, and a
// send log so that a crash and restart neither sends twice nor skips anyone.
//
// Exactly once, how: the log records the intent (fsynced) before a request and the outcome after.
// After a crash, a recipient with an intent and no outcome is in doubt: the request may or may not
// have reached WhatsApp. Templates carry biz_opaque_callback_data = "<broadcastId>:<key>", which Meta
// echoes in the status webhooks; once a grace period has passed since the last intent, a recipient in
// doubt with a recorded status was sent (recorded, not resent), one without any status was not (resent).
// Without a status source, in-doubt recipients are marked unknown and never resent (at most once).
import { BanditoreError } from '../../errors';
import { WhatsAppApiError, STOPPING, type ErrorClass } from '../errors';
import { NetworkError } from '../http';
import { DEFAULT_RATE, MAX_RATE } from '../limits';
import { callbackData } from '../webhook';
import type { LogEntry, Outcome, SendLog } from './log';
import { RateLimiter, realClock, type Clock } from './rate';

export interface Recipient {
	/** Stable and not a phone number (a subscriber id, or a hash): it is what the log and webhooks carry. */
	key: string;
	to: string;
}

export type SendOne = (recipient: Recipient, callbackData: string) => Promise<{ id: string; status?: string }>;

export interface RecordedStatus {
	messageId: string;
	status: 'sent' | 'delivered' | 'read' | 'failed';
	errorCode?: number | null;
}

/** Where status webhooks were recorded (the scheduler's endpoint, or a test recorder). */
export interface StatusSource {
	lookup(broadcastId: string, keys: string[]): Promise<Map<string, RecordedStatus>>;
}

export interface Progress {
	sent: number;
	failed: number;
	remaining: number;
	inFlight: number;
	/** Messages a second over the last interval. */
	rate: number;
	/** Seconds left at that rate, null before the first interval. */
	secondsLeft: number | null;
}

export interface BroadcastOptions {
	broadcastId: string;
	recipients: Iterable<Recipient>;
	send: SendOne;
	log: SendLog;
	statuses?: StatusSource;
	/** Messages a second, 1 to 1,000; default 80 (Meta's default throughput). */
	rate?: number;
	/** Requests in flight at once; by default enough for 250 ms of latency at the rate. */
	concurrency?: number;
	/** How long status webhooks may take to arrive before a recipient in doubt counts as not sent. */
	graceMs?: number;
	/** Tries per recipient for retryable errors within one run. */
	maxAttempts?: number;
	/** First backoff; doubles per attempt (131056: ×4). */
	backoffMs?: number;
	clock?: Clock;
	onProgress?: (progress: Progress) => void;
	progressEveryMs?: number;
	signal?: AbortSignal;
	random?: () => number;
}

export interface BroadcastReport {
	broadcastId: string;
	total: number;
	/** Accepted by WhatsApp in this run, reconciled ones included. */
	sent: number;
	/** Done in an earlier run. */
	alreadyDone: number;
	/** In doubt and found in the status webhooks: sent, not resent. */
	reconciled: number;
	unreachable: number;
	optedOut: number;
	/** Not sent in this run but may be (throttled too often, stopped): the next run retries them. */
	failed: number;
	/** In doubt, and no status source to find out: not resent. */
	unknown: number;
	/** Still in doubt at the end (statuses may arrive later): the next run reconciles them. */
	inDoubt: number;
	/** Never tried because the broadcast stopped. */
	notTried: number;
	/** Requests made, throttled ones included. */
	requests: number;
	errors: Partial<Record<ErrorClass | 'network', number>>;
	stopped: { code: string; graphCode: number | null; httpStatus: number; message: string; hint: string | null } | null;
	durationMs: number;
	/** Requests a second while sending, from the first request to the last outcome (reconciliation waits excluded). */
	requestRate: number;
	/**
	 * Requests a second from the first request until every recipient had been tried once: how close
	 * the pacing keeps to the cap. The end of a run can be slower, waiting for retries' backoff.
	 */
	pacedRate: number;
}

export async function broadcast(options: BroadcastOptions): Promise<BroadcastReport> {
	return new Broadcast(options).run();
}

const MAX_BACKOFF_MS = 300_000;
const THROTTLE_WINDOW = 100;
const THROTTLE_SLOWDOWN = 10;

class Broadcast {
	private readonly clock: Clock;
	private readonly limiter: RateLimiter;
	private readonly concurrency: number;
	private readonly random: () => number;
	private readonly report: BroadcastReport;
	private readonly attempts = new Map<string, number>();
	private readonly retries: Array<{ recipient: Recipient; due: number }> = [];
	private queue: Recipient[] = [];
	private index = 0;
	private inFlight = 0;
	private doubts: Recipient[] = [];
	private lastDoubtAt = 0;
	private accountStrikes = 0;
	private readonly window: boolean[] = [];
	private lastSlowdown = 0;
	private sendingMs = 0;
	private untried = 0;
	private firstRequestAt = 0;
	private firstPass: { at: number; requests: number } | null = null;

	constructor(private readonly options: BroadcastOptions) {
		const rate = options.rate ?? DEFAULT_RATE;
		if (!(rate >= 1 && rate <= MAX_RATE)) {
			throw new BanditoreError('bad_rate', `The rate ${rate} is outside 1 to ${MAX_RATE} messages a second.`, 'Meta allows 80 by default and up to 1,000 after an upgrade.');
		}
		if (options.broadcastId.includes(':')) {
			throw new BanditoreError('bad_broadcast_id', `The broadcast id "${options.broadcastId}" contains ":".`, 'Use letters, digits, - and _.');
		}
		this.clock = options.clock ?? realClock;
		this.limiter = new RateLimiter(rate, this.clock);
		this.concurrency = options.concurrency ?? Math.min(256, Math.max(8, Math.ceil(rate / 4)));
		this.random = options.random ?? Math.random;
		this.report = {
			broadcastId: options.broadcastId,
			total: 0,
			sent: 0,
			alreadyDone: 0,
			reconciled: 0,
			unreachable: 0,
			optedOut: 0,
			failed: 0,
			unknown: 0,
			inDoubt: 0,
			notTried: 0,
			requests: 0,
			errors: {},
			stopped: null,
			durationMs: 0,
			requestRate: 0,
			pacedRate: 0,
		};
	}

	async run(): Promise<BroadcastReport> {
		const started = this.clock.now();
		const { log } = this.options;
		const state = await log.open();
		const seen = new Set<string>();
		const earlierDoubts: Recipient[] = [];
		for (const recipient of this.options.recipients) {
			if (seen.has(recipient.key)) continue;
			seen.add(recipient.key);
			this.report.total++;
			const previous = state.recipients.get(recipient.key);
			if (previous === 'done') this.report.alreadyDone++;
			else if (previous === 'doubt') earlierDoubts.push(recipient);
			else this.queue.push(recipient);
		}
		const ticker = this.startProgress();
		try {
			if (earlierDoubts.length) this.queue.unshift(...(await this.reconcile(earlierDoubts, state.lastDoubtAt)));
			await this.pump();
			// Timeouts of this run: reconciled the same way, a few rounds at most.
			for (let round = 0; round < 3 && this.doubts.length && !this.halted(); round++) {
				const doubts = this.doubts;
				this.doubts = [];
				this.queue = await this.reconcile(doubts, this.lastDoubtAt);
				this.index = 0;
				await this.pump();
			}
			this.report.inDoubt = this.doubts.length;
			this.report.notTried = this.queue.length - this.index + this.untried;
			this.report.failed += this.retries.length;
		} finally {
			if (ticker) clearInterval(ticker);
			this.emitProgress(0);
			await log.close();
		}
		this.report.durationMs = this.clock.now() - started;
		this.report.requestRate = this.sendingMs > 0 ? (this.report.requests * 1000) / this.sendingMs : 0;
		const pass = this.firstPass;
		if (pass && pass.at > this.firstRequestAt) this.report.pacedRate = ((pass.requests - 1) * 1000) / (pass.at - this.firstRequestAt);
		return this.report;
	}

	private halted(): boolean {
		return this.report.stopped !== null || this.options.signal?.aborted === true;
	}

	/** Recipients in doubt: recorded as sent when a status came back, returned for resending when none did. */
	private async reconcile(doubts: Recipient[], lastIntentAt: number): Promise<Recipient[]> {
		const { statuses, broadcastId } = this.options;
		if (!statuses) {
			for (const recipient of doubts) await this.record(recipient, 'unknown', { reason: 'in doubt, no status source' });
			this.report.unknown += doubts.length;
			return [];
		}
		const wait = lastIntentAt + (this.options.graceMs ?? 120_000) - this.clock.now();
		if (wait > 0) await this.clock.sleep(wait);
		const found = await statuses.lookup(broadcastId, doubts.map((recipient) => recipient.key));
		const resend: Recipient[] = [];
		for (const recipient of doubts) {
			const status = found.get(recipient.key);
			if (!status) resend.push(recipient);
			else if (status.status === 'failed') {
				await this.record(recipient, 'dropped', { id: status.messageId, code: status.errorCode ?? undefined, reason: 'failed status webhook' });
				this.report.reconciled++;
			} else {
				await this.record(recipient, 'sent', { id: status.messageId, reason: 'status webhook' });
				this.report.sent++;
				this.report.reconciled++;
			}
		}
		return resend;
	}

	private async pump(): Promise<void> {
		const from = this.clock.now();
		await Promise.all(Array.from({ length: this.concurrency }, () => this.worker()));
		this.sendingMs += this.clock.now() - from;
	}

	private async worker(): Promise<void> {
		for (;;) {
			const recipient = await this.next();
			if (!recipient) return;
			await this.limiter.take();
			if (this.halted()) {
				// Not tried: no log entry, the next run sends it.
				this.untried++;
				return;
			}
			await this.sendOne(recipient);
		}
	}

	private async next(): Promise<Recipient | null> {
		for (;;) {
			if (this.halted()) return null;
			const now = this.clock.now();
			const due = this.retries.findIndex((retry) => retry.due <= now);
			if (due >= 0) return this.retries.splice(due, 1)[0].recipient;
			if (this.index < this.queue.length) {
				const recipient = this.queue[this.index++];
				// The request for this one is still to come: count it when the first pass ends.
				if (this.index === this.queue.length && !this.firstPass) this.firstPass = { at: now, requests: this.report.requests + 1 };
				return recipient;
			}
			if (!this.retries.length) return null;
			const soonest = Math.min(...this.retries.map((retry) => retry.due));
			await this.clock.sleep(Math.max(1, Math.min(soonest - now, 1000)));
		}
	}

	private async sendOne(recipient: Recipient): Promise<void> {
		const { key } = recipient;
		this.attempts.set(key, (this.attempts.get(key) ?? 0) + 1);
		const intentAt = this.clock.now();
		await this.options.log.append({ k: key, e: 'intent', t: intentAt });
		this.inFlight++;
		this.report.requests++;
		if (this.report.requests === 1) this.firstRequestAt = intentAt;
		try {
			const sent = await this.options.send(recipient, callbackData(this.options.broadcastId, key));
			this.noteThrottle(false);
			this.accountStrikes = 0;
			await this.record(recipient, 'sent', { id: sent.id });
			this.report.sent++;
		} catch (error) {
			await this.failed(recipient, error, intentAt);
		} finally {
			this.inFlight--;
		}
	}

	private async failed(recipient: Recipient, error: unknown, intentAt: number): Promise<void> {
		if (!(error instanceof WhatsAppApiError)) {
			this.count('network');
			if (error instanceof NetworkError && !error.maybeDelivered) return this.retry(recipient, 'transient', undefined, error.message);
			// A timeout, a reset, an answer we cannot read: WhatsApp may have taken it.
			await this.options.log.append({ k: recipient.key, e: 'doubt', t: this.clock.now() });
			this.doubts.push(recipient);
			this.lastDoubtAt = Math.max(this.lastDoubtAt, intentAt);
			return;
		}
		const kind = error.errorClass;
		const code = error.graphCode;
		this.count(kind);
		this.noteThrottle(kind === 'throttle');
		if (STOPPING.has(kind)) {
			await this.record(recipient, 'failed', { code, reason: error.message });
			this.report.failed++;
			this.report.stopped ??= { code: error.code, graphCode: code ?? null, httpStatus: error.httpStatus, message: error.message, hint: error.hint ?? null };
			return;
		}
		if (kind === 'unreachable' || kind === 'optOut') {
			await this.record(recipient, 'dropped', { code, reason: kind });
			if (kind === 'unreachable') this.report.unreachable++;
			else this.report.optedOut++;
			return;
		}
		if (kind === 'accountThrottle') {
			this.accountStrikes++;
			this.limiter.pause(Math.min(MAX_BACKOFF_MS, this.backoff() * 2 ** (this.accountStrikes - 1)));
		}
		if (kind === 'recipient') {
			await this.record(recipient, 'failed', { code, reason: error.message });
			this.report.failed++;
			return;
		}
		await this.retry(recipient, kind, code, error.message);
	}

	private async retry(recipient: Recipient, kind: ErrorClass, code: number | undefined, reason: string): Promise<void> {
		await this.record(recipient, 'failed', { code, reason });
		const attempt = this.attempts.get(recipient.key) ?? 1;
		if (attempt >= (this.options.maxAttempts ?? 6)) {
			this.report.failed++;
			return;
		}
		// Pair rate limit: Meta suggests waiting 4^n seconds for that recipient. Our throughput limit
		// (130429) is counted per second: a quarter of the backoff is enough for a first retry.
		const first = kind === 'throttle' ? this.backoff() / 4 : this.backoff();
		const base = kind === 'pairThrottle' ? this.backoff() * 4 ** attempt : first * 2 ** (attempt - 1);
		const delay = Math.min(MAX_BACKOFF_MS, base) * (0.5 + this.random() / 2);
		this.retries.push({ recipient, due: this.clock.now() + delay });
	}

	private backoff(): number {
		return this.options.backoffMs ?? 1000;
	}

	/** Isolated 130429s are retried per recipient; a run of them means we are too fast for Meta. */
	private noteThrottle(throttled: boolean): void {
		this.window.push(throttled);
		if (this.window.length > THROTTLE_WINDOW) this.window.shift();
		const now = this.clock.now();
		if (now - this.lastSlowdown < 1000) return;
		if (this.window.filter(Boolean).length >= THROTTLE_SLOWDOWN) {
			this.limiter.slowDown();
			this.limiter.pause(this.backoff());
			this.lastSlowdown = now;
			this.window.length = 0;
		} else if (!throttled) {
			this.limiter.speedUp();
			this.lastSlowdown = now;
		}
	}

	private async record(recipient: Recipient, outcome: Outcome, extra: { id?: string; code?: number; reason?: string } = {}): Promise<void> {
		const entry: LogEntry = { k: recipient.key, e: outcome, t: this.clock.now(), ...dropUndefined(extra) };
		await this.options.log.append(entry);
	}

	private count(kind: ErrorClass | 'network'): void {
		this.report.errors[kind] = (this.report.errors[kind] ?? 0) + 1;
	}

	private lastTick = { at: 0, sent: 0 };

	private startProgress(): NodeJS.Timeout | null {
		if (!this.options.onProgress) return null;
		this.lastTick = { at: this.clock.now(), sent: 0 };
		const timer = setInterval(() => this.emitProgress(), this.options.progressEveryMs ?? 1000);
		timer.unref();
		return timer;
	}

	private emitProgress(forceRate?: number): void {
		if (!this.options.onProgress) return;
		const now = this.clock.now();
		const done = this.report.sent + this.report.failed + this.report.unreachable + this.report.optedOut + this.report.unknown;
		const elapsed = now - this.lastTick.at;
		const rate = forceRate ?? (elapsed > 0 ? ((this.report.sent - this.lastTick.sent) * 1000) / elapsed : 0);
		this.lastTick = { at: now, sent: this.report.sent };
		const remaining = Math.max(0, this.report.total - this.report.alreadyDone - done);
		this.options.onProgress({
			sent: this.report.sent,
			failed: this.report.failed + this.report.unreachable + this.report.optedOut,
			remaining,
			inFlight: this.inFlight,
			rate,
			secondsLeft: rate > 0 ? remaining / rate : null,
		});
	}
}

function dropUndefined<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
