// The election callout of the dashboard (issue #12): the period of L. 28/2000 art. 9 in force, or the
// next one, and the calendar votes the office should confirm, as plain data the page renders.
import { comuneByIstat } from '../../../core/election';
import { periodsAt } from '../../../core/rules/periods';
import { t } from '../../../core/messages';
import type { ElectionPeriod, Rules } from '../../../core/rules/types';
import { when } from './time';

export interface PeriodView {
	name: string;
	origin: 'calendar' | 'local';
	/** dd/MM/yyyy HH:mm in the channel's zone; `end` is the first minute the period no longer holds. */
	start: string;
	end: string;
	/** Calendar periods: the link, and a name for it ("Gazzetta Ufficiale"). */
	source: { url: string; label: string } | null;
}

export interface PossibleView extends PeriodView {
	/** The calendar vote id the office adds to `election.votes` to confirm; null when the calendar no longer has it. */
	vote: string | null;
	/** Already started: messages go out without the period's rules until it is confirmed. */
	running: boolean;
}

/** What the rules do to the messages while a period holds, by category label in file order. */
export interface ElectionEffects {
	pass: string[];
	hold: string[];
	reject: string[];
	/** No fallback category: a message without a category waits for the office too. */
	holdUncategorised: boolean;
	dropImages: boolean;
	/** The rules list persons not to name: a message naming one is refused. */
	persons: boolean;
}

export interface ElectionView {
	/** The comune's name, for "Il Comune di Meda vota…". */
	comune: string;
	/** Periods in force now, in start order. */
	current: PeriodView[];
	/** The first period that starts later; only when none is in force. */
	next: PeriodView | null;
	/** Calendar votes that may bind the comune and have not ended, in start order. */
	possible: PossibleView[];
	effects: ElectionEffects;
}

const SOURCES: Array<[RegExp, () => string]> = [
	[/(^|\.)gazzettaufficiale\.it$/, () => t('admin.election.sourceGazzetta')],
	[/(^|\.)interno\.gov\.it$/, () => t('admin.election.sourceInterno')],
];

/** A name for a source link: the Gazzetta Ufficiale, the Ministry, else the site's host. */
export function sourceLabel(url: string): string {
	let host: string;
	try {
		host = new URL(url).hostname.toLowerCase();
	} catch {
		return url;
	}
	return SOURCES.find(([pattern]) => pattern.test(host))?.[1]() ?? host.replace(/^www\./, '');
}

function view(period: ElectionPeriod, zone: string): PeriodView {
	return {
		name: period.name,
		origin: period.origin,
		start: when(period.startMs, zone),
		end: when(period.endMs, zone),
		source: period.origin === 'calendar' && period.source ? { url: period.source, label: sourceLabel(period.source) } : null,
	};
}

export function electionEffects(rules: Rules): ElectionEffects {
	const { pass, reject } = rules.election;
	const out: ElectionEffects = { pass: [], hold: [], reject: [], holdUncategorised: rules.fallbackCategory === null, dropImages: rules.election.dropImages, persons: rules.data.election.persons.length > 0 };
	for (const category of rules.categories) {
		// As evaluate() judges them: passing categories and emergencies go out, unless the category
		// always needs the office's approval; the reject list refuses; every other category waits.
		const passes = pass.has(category.id) || category.emergency;
		if (passes && !category.approval) out.pass.push(category.label);
		else if (!passes && reject.has(category.id)) out.reject.push(category.label);
		else out.hold.push(category.label);
	}
	return out;
}

/** The callout's content at `now`; null when there is nothing to say (no period now, none later, nothing to confirm). */
export function electionView(rules: Rules, now: Date): ElectionView | null {
	const ms = now.getTime();
	const zone = rules.timezone;
	const current = rules.election.periods.filter((p) => p.startMs <= ms && ms < p.endMs);
	// The next one and the rounds to confirm as the CLI and the demo say them (core/rules/periods.ts).
	const { next, toConfirm } = periodsAt(rules, now);
	const later = current.length === 0 ? next : null;
	if (current.length === 0 && !later && toConfirm.length === 0) return null;
	const istat = rules.data.istat;
	return {
		comune: (istat !== undefined ? comuneByIstat(istat)?.name : undefined) ?? rules.comune,
		current: current.map((p) => view(p, zone)),
		next: later ? view(later, zone) : null,
		possible: toConfirm.map((p) => ({ ...view(p, zone), vote: p.id ?? null, running: p.startMs <= ms })),
		effects: electionEffects(rules),
	};
}
