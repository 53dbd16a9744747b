// Which election periods bind a channel's comune at an instant, in the office's words: the one in
// force, the next one, and the calendar votes the office still has to confirm. The CLI (rules check,
// demo) and the admin page say it the same way.
import { t } from '../messages';
import { localDateTime } from './time';
import type { ElectionPeriod, Rules } from './types';

export interface PeriodsAt {
	current: ElectionPeriod | null;
	next: ElectionPeriod | null;
	/** Calendar votes that may bind the comune (comunali without a list), under way or due within about four months. */
	toConfirm: ElectionPeriod[];
}

/** A round of comunali is worth asking about from this long before its comizi are convened. */
const CONFIRM_AHEAD_MS = 120 * 86_400_000;

export function periodsAt(rules: Rules, at: Date): PeriodsAt {
	const ms = at.getTime();
	const { periods, possible } = rules.election;
	return {
		current: periods.find((p) => ms >= p.startMs && ms < p.endMs) ?? null,
		next: periods.find((p) => p.startMs > ms) ?? null,
		toConfirm: possible.filter((p) => p.endMs > ms && p.startMs - CONFIRM_AHEAD_MS <= ms),
	};
}

/** One Italian line per period worth saying: in force, next, to confirm (with the vote id to add). */
export function describePeriods(rules: Rules, at: Date): string[] {
	const { current, next, toConfirm } = periodsAt(rules, at);
	const when = (iso: string): string => localDateTime(iso, rules.timezone);
	const lines: string[] = [];
	if (current) lines.push(t('periods.current', { name: current.name, end: when(current.end) }));
	if (next) lines.push(t('periods.next', { name: next.name, start: when(next.start), end: when(next.end) }));
	for (const p of toConfirm) lines.push(t('periods.toConfirm', { name: p.name, start: when(p.start), id: p.id ?? '' }));
	return lines;
}
