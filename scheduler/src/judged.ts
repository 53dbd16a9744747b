// A message is judged when it arrives and again, under the channel lock, just before a slot is
// claimed for it: usually milliseconds apart. The second judgement is the first one again while
// nothing it depends on can have changed: the same rules object (a change of rules compiles a new
// one), the same stored item or text and settled choices, and no expiry or election-period boundary
// in between (decisionStableUntil). Anything else is judged afresh.
import { decisionStableUntil, type Decision, type Rules } from '../../core/rules';

interface Judged {
	rules: Rules;
	decision: Decision;
	fromMs: number;
	untilMs: number;
	/** Decision.text was composed. */
	composed: boolean;
}

/** Enough for the messages between enqueue and send in a busy province; the oldest go first (a few KB each). */
const MAX = 4096;
const judged = new Map<string, Judged>();

/** What a stored message is judged on: its item (JSON) or else its text, and its settled choices (JSON). */
export function judgedKey(item: string | null, text: string, settled: string | null): string {
	return item === null ? `t${settled ?? ''}\u0000${text}` : `i${settled ?? ''}\u0000${item}`;
}

/** The decision already made on the same input, valid at `nowMs`; null when it must be made again. */
export function recall(key: string, rules: Rules, nowMs: number, compose: boolean): Decision | null {
	const hit = judged.get(key);
	if (!hit || hit.rules !== rules || !(nowMs >= hit.fromMs && nowMs < hit.untilMs) || (compose && !hit.composed)) return null;
	return hit.decision;
}

export function remember(key: string, rules: Rules, decision: Decision, nowMs: number, composed: boolean): void {
	judged.delete(key);
	if (judged.size >= MAX) judged.delete(judged.keys().next().value as string);
	judged.set(key, { rules, decision, fromMs: nowMs, untilMs: decisionStableUntil(rules, decision, nowMs), composed });
}
