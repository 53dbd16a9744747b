// How well the rules judge a labelled set of items: the figures of issue #13. Pure: the entries and
// the rules in, the metrics out; reading the set and printing the report is the CLI's job.
import type { NewsItem } from '../item';
import { DateTime } from '../vendor';
import { electionPeriodAt, evaluate } from './evaluate';
import { formatProblems, rulesFromObject } from './load';
import type { Decision, Rules, Verdict } from './types';

export const LABEL_DECISIONS = ['accept', 'reject', 'review'] as const;
export const LABEL_KINDS = ['institutional', 'electoral', 'political', 'commercial'] as const;
export const VERDICTS = ['accept', 'hold', 'reject'] as const satisfies readonly Verdict[];

export type LabelDecision = (typeof LABEL_DECISIONS)[number];
export type LabelKind = (typeof LABEL_KINDS)[number];

/** What a person decided the item is, and what the rules should do with it. */
export interface Label {
	decision: LabelDecision;
	kind: LabelKind;
	/** The category id a good item belongs to; null when it fits none or it does not matter. */
	category: string | null;
	emergency: boolean;
	/** Whether the item may go out during an election period (never for bad items). */
	electionAllowed: boolean;
}

export interface LabelledEntry {
	id: string;
	item: NewsItem;
	label: Label;
	provenance?: unknown;
	note?: string;
}

export interface EvalOptions {
	/** The moment undated items are judged at (they have no publication time of their own). */
	fallbackNow: Date;
}

/** count of total, and the percentage rounded to one decimal; null when there is nothing to count. */
export interface Ratio {
	count: number;
	total: number;
	percent: number | null;
}

export type Measure = 'decision' | 'category' | 'emergency' | 'election';

export interface EvalError {
	id: string;
	title: string;
	measure: Measure;
	expected: string;
	got: string;
	/** The reasons of the decision that was wrong (Italian, as the rules give them). */
	reasons: string[];
}

export interface EvalMetrics {
	total: number;
	/** Items without a publishedAt that reads as a date, judged at `fallbackNow`. */
	undated: number;
	/** label.decision × verdict. */
	confusion: Record<LabelDecision, Record<Verdict, number>>;
	/** Per label.kind: how many items and their verdicts. */
	byKind: Record<LabelKind, { total: number } & Record<Verdict, number>>;
	/** Electoral, political and commercial items: caught = rejected or held. */
	bad: {
		total: number;
		rejected: number;
		held: number;
		/** Recall: bad items caught, of all bad items. */
		caught: Ratio;
		/** Precision: bad items among all caught items. */
		precision: Ratio;
	};
	/**
	 * Institutional items: what the rules wrongly stopped. An item published during a real election
	 * period that its label keeps out of periods is rightly stopped: it counts in `stoppedByPeriod`.
	 */
	good: { total: number; blocked: Ratio; held: Ratio; stoppedByPeriod: number };
	/** Good items with a labelled category whose decision has that category. */
	category: Ratio;
	emergency: { precision: Ratio; recall: Ratio };
	/** Judged with an election period in force: sent (accept) iff label.electionAllowed. */
	election: Ratio;
	errors: EvalError[];
}

/** The name of the period added for the election measure: it shows in that decision's reasons. */
export const SIMULATED_PERIOD = 'simulato per la valutazione';

const BAD_KINDS: ReadonlySet<LabelKind> = new Set(['electoral', 'political', 'commercial']);
/** The verdict that agrees with each labelled decision. */
const EXPECTED: Record<LabelDecision, Verdict> = { accept: 'accept', reject: 'reject', review: 'hold' };

export function ratio(count: number, total: number): Ratio {
	return { count, total, percent: total ? Math.round((count / total) * 1000) / 10 : null };
}

export function evaluateSet(entries: readonly LabelledEntry[], rules: Rules, options: EvalOptions): EvalMetrics {
	const at = (entry: LabelledEntry): Date => publishedAt(entry.item) ?? options.fallbackNow;
	const election = electionRules(rules, entries.map(at));
	const judged = entries.map((entry) => ({
		entry,
		decision: evaluate(entry.item, rules, { now: at(entry) }),
		inElection: evaluate(entry.item, election, { now: at(entry) }),
	}));

	const confusion = table(LABEL_DECISIONS, () => table(VERDICTS, () => 0));
	const byKind = table(LABEL_KINDS, () => ({ total: 0, ...table(VERDICTS, () => 0) }));
	const n = {
		...{ bad: 0, badRejected: 0, badHeld: 0, caught: 0, good: 0, goodBlocked: 0, goodHeld: 0, goodStoppedByPeriod: 0 },
		...{ categoryTotal: 0, categoryRight: 0, emergencyPredicted: 0, emergencyActual: 0, emergencyBoth: 0, electionRight: 0 },
	};
	const errors: EvalError[] = [];

	for (const { entry, decision, inElection } of judged) {
		const { label } = entry;
		const verdict = decision.verdict;
		const error = (measure: Measure, expected: string, got: string, d: Decision = decision): void => {
			errors.push({ id: entry.id, title: entry.item.title, measure, expected, got, reasons: d.reasons });
		};
		confusion[label.decision][verdict]++;
		byKind[label.kind].total++;
		byKind[label.kind][verdict]++;
		// A real period in force at publication: what the label keeps out of periods must not go out.
		const periodStops = !label.electionAllowed && label.decision === 'accept' && electionPeriodAt(rules, at(entry)) !== null;
		if (periodStops) {
			if (verdict === 'accept') error('decision', 'not sent (election period)', verdict);
		} else if (EXPECTED[label.decision] !== verdict) error('decision', label.decision, verdict);

		const caught = verdict !== 'accept';
		if (caught) n.caught++;
		if (BAD_KINDS.has(label.kind)) {
			n.bad++;
			if (verdict === 'reject') n.badRejected++;
			if (verdict === 'hold') n.badHeld++;
		} else {
			n.good++;
			if (periodStops && verdict !== 'accept') n.goodStoppedByPeriod++;
			else if (verdict === 'reject') n.goodBlocked++;
			else if (verdict === 'hold') n.goodHeld++;
			if (label.category !== null) {
				n.categoryTotal++;
				if (decision.category === label.category) n.categoryRight++;
				else error('category', label.category, decision.category ?? 'none');
			}
		}

		const emergency = decision.emergency && verdict !== 'reject';
		if (emergency) n.emergencyPredicted++;
		if (label.emergency) n.emergencyActual++;
		if (emergency && label.emergency) n.emergencyBoth++;
		if (emergency !== label.emergency) error('emergency', flag(label.emergency), flag(emergency));

		const sent = inElection.verdict === 'accept';
		if (sent === label.electionAllowed) n.electionRight++;
		else error('election', label.electionAllowed ? 'sent' : 'not sent', `${sent ? 'sent' : 'not sent'} (${inElection.verdict})`, inElection);
	}

	return {
		total: entries.length,
		undated: entries.filter((e) => !publishedAt(e.item)).length,
		confusion,
		byKind,
		bad: {
			total: n.bad,
			rejected: n.badRejected,
			held: n.badHeld,
			caught: ratio(n.badRejected + n.badHeld, n.bad),
			precision: ratio(n.badRejected + n.badHeld, n.caught),
		},
		good: { total: n.good, blocked: ratio(n.goodBlocked, n.good), held: ratio(n.goodHeld, n.good), stoppedByPeriod: n.goodStoppedByPeriod },
		category: ratio(n.categoryRight, n.categoryTotal),
		emergency: { precision: ratio(n.emergencyBoth, n.emergencyPredicted), recall: ratio(n.emergencyBoth, n.emergencyActual) },
		election: ratio(n.electionRight, entries.length),
		errors,
	};
}

/**
 * The same rules with one election period from the local day of the earliest instant to the end of
 * the latest one's, in place of the file's periods (it covers them all; two would overlap). Compiled
 * once for the whole set, through the same checks as any rules.
 */
export function electionRules(rules: Rules, instants: readonly Date[]): Rules {
	const ms = instants.map((d) => d.getTime()).filter(Number.isFinite);
	if (!ms.length) return rules;
	const day = (t: number): string => DateTime.fromMillis(t, { zone: rules.timezone }).toFormat('yyyy-MM-dd');
	const [first, last] = ms.reduce(([lo, hi], t) => [Math.min(lo, t), Math.max(hi, t)], [Infinity, -Infinity]);
	const data = JSON.parse(JSON.stringify(rules.data));
	// Bare dates: the start day from its midnight, the end day up to the next midnight.
	data.election.periods = [{ name: SIMULATED_PERIOD, start: day(first), end: day(last) }];
	// The calendar's own periods would overlap the simulated one: it stands for all of them.
	data.election.calendar = false;
	const result = rulesFromObject(data);
	if (!result.ok) throw new Error(`the rules with a simulated election period are not valid: ${formatProblems(result.problems).join(' ')}`);
	return result.rules;
}

/** The item's publication instant; null when it has none, or none that reads as a date. */
export function publishedAt(item: NewsItem): Date | null {
	const ms = Date.parse(item.publishedAt ?? '');
	return Number.isFinite(ms) ? new Date(ms) : null;
}

function table<K extends string, V>(keys: readonly K[], value: () => V): Record<K, V> {
	return Object.fromEntries(keys.map((k) => [k, value()])) as Record<K, V>;
}

const flag = (emergency: boolean): string => (emergency ? 'emergency' : 'not emergency');
