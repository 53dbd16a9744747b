// Public shapes of the rules module: the compiled rules, a problem in a rules file, a decision.
import type { SourceKind } from '../item';
import type { PhraseMatcher } from './match';
import type { RulesData } from './schema';
import type { Model } from '../classifier/model';

export interface RuleProblem {
	/** Where in the file, as `categories[2].match.words[0]`; empty for the whole file. */
	path: string;
	/** 1-based; 0 when the rules did not come from a file (n8n node parameters). */
	line: number;
	column: number;
	/** Italian, for the communications office. */
	message: string;
	hint?: string;
}

export type RulesResult = { ok: true; rules: Rules } | { ok: false; problems: RuleProblem[] };

export interface QuietHours {
	from: string;
	to: string;
	/** Minutes after local midnight; `from > to` when the quiet hours cross midnight. */
	fromMinute: number;
	toMinute: number;
}

export interface QuotaSettings {
	perWeek: number;
	week: 'iso' | 'rolling';
	emergenciesExempt: boolean;
	minSpacingMinutes: number;
	quietHours: QuietHours | null;
	pacing: boolean;
	/** Absent in settings built by hand: no digest. */
	digest?: DigestSettings;
}

export interface DigestSettings {
	enabled: boolean;
	/** Messages with this priority or lower may be bundled. */
	maxPriority: number;
	minItems: number;
	maxItems: number;
	title?: string;
}

export interface CategoryRule {
	id: string;
	label: string;
	emoji: string;
	priority: number;
	emergency: boolean;
	approval: boolean;
	afterEvent: boolean;
	maxAgeHours: number | null;
	/** Position in the file: breaks priority ties. */
	order: number;
	match: {
		sourceKinds: ReadonlySet<SourceKind> | null;
		sourceCategories: PhraseMatcher;
		urlPaths: readonly string[];
		words: PhraseMatcher;
		patterns: readonly CompiledPattern[];
		unless: PhraseMatcher;
	};
}

export interface CompiledPattern {
	source: string;
	regex: RegExp;
}

export interface BlockedRule {
	id: string;
	/** Shown before what matched: "Contenuto elettorale". */
	label: string;
	words: PhraseMatcher;
	review: PhraseMatcher;
	patterns: readonly CompiledPattern[];
	unless: PhraseMatcher;
}

export interface ElectionPeriod {
	name: string;
	/** `calendar` periods come from the built-in election calendar (with `source`), `local` from the rules file. */
	origin: 'calendar' | 'local';
	/** The calendar vote's id (`europee-2024`), for calendar periods. */
	id?: string;
	source?: string;
	/** ISO instants, start inclusive, end exclusive. */
	start: string;
	end: string;
	startMs: number;
	endMs: number;
}

export interface ElectionRules {
	pass: ReadonlySet<string>;
	reject: ReadonlySet<string>;
	persons: PhraseMatcher;
	dropImages: boolean;
	periods: readonly ElectionPeriod[];
	/** Calendar votes that may bind the comune (comunali without a list): shown to the office to confirm in `votes`. */
	possible: readonly ElectionPeriod[];
}

export interface MessageSettings {
	template: string;
	footer: string;
	maxLength: number;
}

/** Validated, normalised rules with their matchers compiled. Only `loadRules`/`rulesFromObject` make one. */
export interface Rules {
	readonly version: 1;
	readonly comune: string;
	readonly channel: string;
	readonly timezone: string;
	readonly quota: QuotaSettings;
	/** In file order. */
	readonly categories: readonly CategoryRule[];
	readonly fallbackCategory: string | null;
	/** Any item older than this is expired, unless its category says otherwise. */
	readonly maxAgeHours: number | null;
	readonly blocked: readonly BlockedRule[];
	readonly election: ElectionRules;
	readonly message: MessageSettings;
	/** The learned classifier and its threshold, or null when the rules switch it off. */
	readonly classifier: { model: Model; threshold: number } | null;
	/** sha256 of the validated rules: what the audit log records on a rules change. */
	readonly digest: string;
	/** The validated data with defaults filled in (plain JSON). */
	readonly data: RulesData;
}

export type Verdict = 'accept' | 'reject' | 'hold';

/** One thing the rules found about an item, and what it does to the verdict. */
export interface Finding {
	code: string;
	/**
	 * What the office waives when it approves or overrides: the code plus what it is about (the list
	 * and the words quoted, the election period, the category), so a new finding is judged anew.
	 */
	key: string;
	reason: string;
	/** `accept` for findings that only explain (the category), or that the office waived. */
	verdict: Verdict;
}

export interface Decision {
	verdict: Verdict;
	/** Stable machine codes, in evaluation order: `category`, `blocked.elettorale`, `election.hold`… */
	codes: string[];
	/** Italian, one per code, quoting what matched. */
	reasons: string[];
	findings: Finding[];
	category: string | null;
	categoryLabel: string | null;
	priority: number;
	emergency: boolean;
	expiresAt: string | null;
	dropImage: boolean;
	text: string;
}
