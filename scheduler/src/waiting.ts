// Why a message waits and until when. `mayGo` is the dispatcher's one decision for the first message
// in line ("may it go at this instant, and if not, why and until when"); `forecast` asks the same
// function step by step, moving a projected clock the way the dispatcher's passes would, so the queue
// page never promises what dispatch will not do. Pure: the caller reads the ledger and the queue.
import { bundleable, decide, planDigest, weekWindow, type DecideResult, type DigestCandidate } from '../../core/quota';
import type { QuotaSettings } from '../../core/rules';

/** The order of the line, highest first: the dispatcher's SQL and the forecast's sort say the same. */
export const LINE_ORDER_SQL = 'emergency DESC, priority DESC, created_at, id';

/** What the ledger says about a window, as the dispatcher reads it under the channel lock. */
export interface LedgerAt {
	paused: boolean;
	/** Counted messages in the window of the instant asked about: sent, in flight, or of unknown outcome. */
	counted: number;
	oldestCountedAt: Date | null;
	/** The latest message that went out or is in flight, emergencies included. */
	lastSentAt: Date | null;
}

export type Verdict = DecideResult;

/** May the first message in line go at `at`? The dispatcher and the forecast both ask only this. */
export function mayGo(at: Date, quota: QuotaSettings, emergency: boolean, ledger: LedgerAt): Verdict {
	return decide({ now: at, quota, emergency, ...ledger });
}

/** A message past its expiry: the dispatcher expires it instead of sending it. */
export const expiredAt = (expiresAt: number | null, atMs: number): boolean => expiresAt !== null && expiresAt <= atMs;

/** Why a message is not out yet. `ready`: nothing stops it, the next pass sends it. */
export const WAIT_CODES = ['ready', 'scheduled', 'queue', 'expires', 'approval', 'election', 'paused', 'quota_exhausted', 'quiet_hours', 'pacing', 'spacing'] as const;
export type WaitCode = (typeof WAIT_CODES)[number];

export interface Wait {
	/** The first reason; `codes` holds all that put it off, in the order they did (the weekly limit, then quiet hours). */
	code: WaitCode;
	codes: WaitCode[];
	/** The earliest instant it can go out; null when a person must act first (approval, a paused channel) or it will expire. */
	at: Date | null;
	/** For `election`: the period that holds it. For `expires`: when. */
	period?: string;
	expiresAt?: Date;
}

/** A wait as the API and the admin page show it (scheduler/src/forecast.ts writes the reason). */
export interface WaitView {
	code: WaitCode;
	codes: WaitCode[];
	/** ISO instant; null when a person must act first or it will not go out. */
	at: string | null;
	reason: string;
}

/** A waiting message as the forecast needs it. */
export interface Candidate {
	id: string;
	emergency: boolean;
	priority: number;
	createdAt: number;
	/** Not before (a scheduled or deferred message). */
	earliestAt: number;
	expiresAt: number | null;
	/** Held by the rules: for the office, or until an election period ends (then the rules let it through). */
	held?: { code: 'approval' } | { code: 'election'; until: number; period: string };
	/** A made digest waiting for its slot: it takes the week's last slot before a new one is made. */
	digestRow?: boolean;
	/** What a digest would need of it; absent when it cannot be bundled (tried before). */
	bundle?: DigestCandidate;
}

/** The counted claims of the channel from the last 8 days, and its latest send: enough for any window of now or later. */
export interface LedgerHistory {
	paused: boolean;
	countedClaims: number[];
	lastSentAt: number | null;
}

/** The ledger at `at`, with the projected claims: the same counts the dispatcher's SQL reads (ledger.ts). */
export function countsAt(history: LedgerHistory, quota: QuotaSettings, at: Date): LedgerAt {
	const w = weekWindow(at, quota);
	const inWindow = history.countedClaims.filter((ms) => ms >= w.start.getTime() && ms < w.end.getTime());
	return {
		paused: history.paused,
		counted: inWindow.length,
		oldestCountedAt: inWindow.length ? new Date(Math.min(...inWindow)) : null,
		lastSentAt: history.lastSentAt === null ? null : new Date(history.lastSentAt),
	};
}

/** The dispatcher's order (LINE_ORDER_SQL): emergencies, then priority, then the oldest. */
export function inLine(a: Candidate, b: Candidate): number {
	return Number(b.emergency) - Number(a.emergency) || b.priority - a.priority || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const MAX_STEPS = 20_000;

/**
 * When each waiting message goes out if nothing else arrives and the rules stay as they are, and why
 * not sooner: what moved the projected clock since the message before it went (spacing after it,
 * quiet hours, the weekly limit…). Held messages wait for the office; a paused channel for a person.
 */
export function forecast(candidates: readonly Candidate[], history: LedgerHistory, quota: QuotaSettings, now: Date, footer = ''): Map<string, Wait> {
	const out = new Map<string, Wait>();
	const wait = (codes: WaitCode[], at: number | null, extra: Partial<Wait> = {}): Wait => ({ code: codes[0], codes, at: at === null ? null : new Date(at), ...extra });
	const start = (m: Candidate): number => Math.max(m.earliestAt, m.held?.code === 'election' ? m.held.until : 0);
	let pending: Candidate[] = [];
	for (const m of candidates) {
		if (m.held?.code === 'approval') out.set(m.id, wait(['approval'], null));
		else if (history.paused) out.set(m.id, wait(['paused'], null));
		else pending.push(m);
	}
	const claims = [...history.countedClaims];
	let last = history.lastSentAt;
	let at = now.getTime();
	/** What moved the projected clock since the last projected send; cleared at the first move after one. */
	let chain: WaitCode[] = [];
	let period: string | undefined;
	let sentSinceMove = false;
	const move = (to: number, code: WaitCode): void => {
		if (sentSinceMove) chain = [];
		sentSinceMove = false;
		if (!chain.includes(code)) chain.push(code);
		at = to > at ? to : at + 60_000;
	};
	for (let step = 0; pending.length && step < MAX_STEPS; step++) {
		const due = pending.filter((m) => start(m) <= at).sort(inLine);
		if (!due.length) {
			const next = pending.reduce((a, b) => (start(b) < start(a) ? b : a));
			const byPeriod = next.held?.code === 'election' && next.held.until >= next.earliestAt;
			if (byPeriod) period = (next.held as { period: string }).period;
			move(start(next), byPeriod ? 'election' : 'scheduled');
			continue;
		}
		const head = due[0];
		if (expiredAt(head.expiresAt, at)) {
			out.set(head.id, wait(['expires'], null, { expiresAt: new Date(head.expiresAt as number) }));
			pending = pending.filter((m) => m !== head);
			continue;
		}
		const counts = countsAt({ paused: false, countedClaims: claims, lastSentAt: last }, quota, new Date(at));
		const verdict = mayGo(new Date(at), quota, head.emergency, counts);
		if (!verdict.allow) {
			move(verdict.until?.getTime() ?? at + 60_000, verdict.code);
			continue;
		}
		const going = verdict.counts ? bundled(due, head, quota, quota.perWeek - counts.counted, footer) : [head];
		const codes: WaitCode[] = at === now.getTime() ? ['ready'] : chain.length ? [...chain] : ['queue'];
		for (const m of going) out.set(m.id, wait(codes, at, codes.includes('election') ? { period } : {}));
		pending = pending.filter((m) => !going.includes(m));
		if (verdict.counts) claims.push(at);
		last = at;
		sentSinceMove = true;
	}
	for (const m of pending) out.set(m.id, wait(['queue'], null));
	return out;
}

/** What takes the slot with `head`: a waiting digest, a digest the dispatcher would make (scheduler/src/digest.ts), or the head alone. */
function bundled(due: Candidate[], head: Candidate, quota: QuotaSettings, remaining: number, footer: string): Candidate[] {
	const settings = quota.digest;
	if (head.digestRow || !bundleable(settings, head) || remaining !== 1) return [head];
	const made = due.find((m) => m.digestRow);
	if (made) return [made];
	const parts = due.filter((m) => m.bundle);
	const plan = planDigest(settings, remaining, parts.map((m) => m.bundle as DigestCandidate), footer);
	return plan ? parts.filter((m) => plan.ids.includes(m.id)) : [head];
}
