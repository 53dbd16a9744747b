// One item against the rules: accept, reject or hold, with codes and Italian reasons. A pure function
// of (item, rules, now): the node, the CLI and the scheduler get the same answer.
import type { NewsItem, SourceKind } from '../item';
import { t } from '../messages';
import { isRules } from './compile';
import { classify } from '../classifier/model';
import { formatMessage } from '../whatsapp/compose';
import { fold, stripAccents, tokenize, type PhraseMatcher, type Token } from './match';
import { eventDates, eventExpiresAt } from './event-date';
import { localDate, localDateTime, nextLocalMidnight } from './time';
import { DateTime } from '../vendor';
import type { CategoryRule, CompiledPattern, Decision, Finding, Rules, Verdict } from './types';

export interface EvaluateOptions {
	/** The moment of the decision: election periods and expiry are judged against it. */
	now: Date;
	/**
	 * What a person decided for this message and the rules must not undo: a category or an emergency
	 * set by hand (an *Allerta* or an API caller), and findings the office approved or overrode.
	 */
	settled?: Settled;
	/** False when the caller will not read `Decision.text` (a text written by hand): it stays '' and costs nothing. */
	compose?: boolean;
}

export interface Settled {
	category?: string | null;
	emergency?: boolean;
	/** Finding keys (`Finding.key`) the office waived: the same finding no longer holds or rejects. */
	waived?: readonly string[];
}

const SEVERITY: Record<Verdict, number> = { accept: 0, hold: 1, reject: 2 };
const HOUR_MS = 3_600_000;

export function evaluate(item: NewsItem, rules: Rules, options: EvaluateOptions): Decision {
	if (!isRules(rules)) return failClosed('rules.invalid', t('reason.rulesInvalid'));
	const nowMs = options?.now instanceof Date ? options.now.getTime() : NaN;
	if (!Number.isFinite(nowMs)) return failClosed('now.invalid', t('reason.nowInvalid'));
	try {
		return decide(cleanItem(item), rules, nowMs, options.settled ?? {}, options.compose !== false);
	} catch (error) {
		return failClosed('internal', t('reason.internal', { detail: error instanceof Error ? error.message : String(error) }));
	}
}

/** The election period in force at an instant, if any: the scheduler re-checks it at send time. */
export function electionPeriodAt(rules: Rules, instant: Date): Rules['election']['periods'][number] | null {
	const ms = instant.getTime();
	return rules.election.periods.find((p) => ms >= p.startMs && ms < p.endMs) ?? null;
}

/**
 * Until when the decision made at `nowMs` stays the decision for the same item, rules and settled
 * choices (exclusive): time enters a decision only through the item's expiry and the election
 * periods, so it holds up to the next of their boundaries. Infinity when none lies ahead.
 */
export function decisionStableUntil(rules: Rules, decision: Pick<Decision, 'expiresAt'>, nowMs: number): number {
	const expires = decision.expiresAt === null ? NaN : Date.parse(decision.expiresAt);
	let until = expires > nowMs ? expires : Infinity;
	for (const p of rules.election.periods) {
		if (p.startMs > nowMs && p.startMs < until) until = p.startMs;
		if (p.endMs > nowMs && p.endMs < until) until = p.endMs;
	}
	return until;
}

/** A message written by hand (an emergency from the *Allerta* form, an API text): judged as an item. */
export function textItem(text: string): NewsItem {
	return { id: '', title: text, summary: '', link: '', publishedAt: null, updatedAt: null, categories: [], image: null, source: { name: '', url: '', kind: 'html' } };
}

// `nowMs` is read in two places only, the expiry and the election period: decisionStableUntil
// knows both, and must learn any other.
function decide(item: NewsItem, rules: Rules, nowMs: number, settled: Settled, compose: boolean): Decision {
	const text = new ItemText(item);
	const findings: Finding[] = [];
	const waived = new Set(settled.waived ?? []);
	const add = (code: string, reason: string, verdict: Verdict = 'accept', key = code): void => {
		findings.push({ code, key, reason, verdict: verdict !== 'accept' && waived.has(key) ? 'accept' : verdict });
	};

	const given = settled.category === undefined ? undefined : rules.categories.find((c) => c.id === settled.category) ?? null;
	const { category, why } = given !== undefined ? { category: given, why: null } : pickCategory(text, rules);
	const emergency = settled.emergency ?? category?.emergency ?? false;
	if (given !== undefined) add('category.set', t('reason.categorySet', { label: given?.label ?? settled.category ?? '—' }));
	else if (category && why) add('category', t('reason.category', { label: category.label, why }));
	else if (category) add('category.fallback', t('reason.categoryFallback', { label: category.label }));
	else add('category.none', t('reason.categoryNone'), 'hold');

	for (const list of rules.blocked) {
		if (text.find(list.unless, []) !== null) continue;
		const quote = text.find(list.words, list.patterns);
		if (quote !== null) {
			add(`blocked.${list.id}`, t('reason.blocked', { label: list.label, quote }), 'reject', `blocked.${list.id}:${fold(quote)}`);
			continue;
		}
		const cue = text.find(list.review, []);
		if (cue !== null) add(`review.${list.id}`, t('reason.review', { label: list.label, quote: cue }), 'hold', `review.${list.id}:${fold(cue)}`);
	}

	const expiry = expiryOf(item, category, rules);
	if (expiry && nowMs >= expiry.ms) {
		const published = item.publishedAt as string;
		const eventDay = expiry.eventDay ? DateTime.fromISO(expiry.eventDay).toFormat('dd/LL/yyyy') : localDate(published, rules.timezone);
		if (expiry.kind === 'event') add('expired.event', t('reason.expiredEvent', { date: eventDay }), 'reject');
		else add('expired.age', t('reason.expiredAge', { date: localDateTime(published, rules.timezone), hours: expiry.hours }), 'reject');
	}

	let dropImage = false;
	const period = electionPeriodAt(rules, new Date(nowMs));
	if (period) {
		const election = rules.election;
		// Waived per period: what the office allowed in one election period is judged again in the next.
		const at = (code: string): string => `${code}@${period.name}`;
		const person = text.find(election.persons, []);
		if (person !== null) {
			if (emergency) add('election.person', t('reason.electionPersonHold', { period: period.name, quote: person }), 'hold', at('election.person'));
			else add('election.person', t('reason.electionPerson', { period: period.name, quote: person }), 'reject', at('election.person'));
		}
		if (category && election.pass.has(category.id)) add('election.pass', t('reason.electionPass', { period: period.name, label: category.label }));
		else if (emergency) add('election.pass', t('reason.electionPassEmergency', { period: period.name }));
		else if (category) {
			const names = { period: period.name, label: category.label };
			if (election.reject.has(category.id)) add('election.reject', t('reason.electionReject', names), 'reject', at('election.reject'));
			else add('election.hold', t('reason.electionHold', { ...names, end: localDateTime(period.end, rules.timezone) }), 'hold', at('election.hold'));
		} else add('election.hold', t('reason.electionHoldUncategorised', { period: period.name, end: localDateTime(period.end, rules.timezone) }), 'hold', at('election.hold'));
		if (election.dropImages && item.image) {
			dropImage = true;
			add('election.image', t('reason.electionImage', { period: period.name }));
		}
	}

	if (category?.approval) add('approval', t('reason.approval', { label: category.label }), 'hold', `approval:${category.id}`);
	// A second look by the learned classifier: it can only send an item the rules let through to the
	// office, never an emergency, nor a text the office wrote itself.
	if (rules.classifier && !emergency && item.link && worst(findings) === 'accept') {
		const c = classify(rules.classifier.model, item);
		if (c.concern >= rules.classifier.threshold) {
			add('classifier.review', t('reason.classifier', { kind: t(`classifier.${c.concernKind}`), percent: Math.round(c.concern * 100) }), 'hold');
		}
	}
	let verdict = worst(findings);
	if (emergency && verdict !== 'reject') {
		add('emergency', t(rules.quota.emergenciesExempt ? 'reason.emergencyExempt' : 'reason.emergencyCounted'));
	}
	verdict = worst(findings);

	return {
		verdict,
		codes: findings.map((f) => f.code),
		reasons: findings.map((f) => f.reason),
		findings,
		category: category?.id ?? settled.category ?? null,
		categoryLabel: category?.label ?? null,
		priority: category?.priority ?? 0,
		emergency,
		expiresAt: expiry ? new Date(expiry.ms).toISOString() : null,
		dropImage,
		text: compose ? formatMessage({ item, category, comune: rules.comune, timezone: rules.timezone, message: rules.message }) : '',
	};
}

function worst(findings: readonly Finding[]): Verdict {
	let verdict: Verdict = 'accept';
	for (const f of findings) if (SEVERITY[f.verdict] > SEVERITY[verdict]) verdict = f.verdict;
	return verdict;
}

/** Highest priority wins; on a tie the category written first in the file. */
function pickCategory(text: ItemText, rules: Rules): { category: CategoryRule | null; why: string | null } {
	let best: CategoryRule | null = null;
	let bestWhy: string | null = null;
	for (const category of rules.categories) {
		if (best && category.priority <= best.priority) continue;
		const why = matchCategory(category, text);
		if (why !== null) {
			best = category;
			bestWhy = why;
		}
	}
	if (best) return { category: best, why: bestWhy };
	const fallback = rules.categories.find((c) => c.id === rules.fallbackCategory) ?? null;
	return { category: fallback, why: null };
}

function matchCategory(category: CategoryRule, text: ItemText): string | null {
	const m = category.match;
	if (m.sourceKinds && !m.sourceKinds.has(text.kind)) return null;
	if (text.find(m.unless, []) !== null) return null;
	for (const [tokens, original] of text.categories) {
		if (m.sourceCategories.find(tokens, original)) return t('why.sourceCategory', { quote: original });
	}
	const path = m.urlPaths.find((p) => text.path.includes(p));
	if (path) return t('why.urlPath', { quote: path });
	const quote = text.find(m.words, m.patterns);
	if (quote !== null) return t('why.words', { quote });
	const onlyKind = m.sourceCategories.size + m.urlPaths.length + m.words.size + m.patterns.length === 0;
	return m.sourceKinds && onlyKind ? t('why.sourceKind', { quote: text.kind }) : null;
}

type Expiry = { ms: number; kind: 'event' | 'age'; hours: number; eventDay: string | null };

function expiryOf(item: NewsItem, category: CategoryRule | null, rules: Rules): Expiry | null {
	if (!item.publishedAt) return null;
	const publishedMs = Date.parse(item.publishedAt);
	if (!Number.isFinite(publishedMs)) return null;
	if (category?.afterEvent) {
		// The event's own days when the text names them ("sabato 14 dicembre", "dal 2 al 6 dicembre"):
		// it is news until the night after its last day. Otherwise the publication day stands for it.
		const dates = eventDates(`${item.title}\n${item.summary}`, new Date(publishedMs), rules.timezone);
		const end = dates ? eventExpiresAt(dates.end, rules.timezone) : null;
		if (dates && end) return { ms: end.getTime(), kind: 'event', hours: 0, eventDay: dates.end };
	}
	let best: Expiry | null = null;
	if (category?.afterEvent) {
		// The event lasts its whole calendar day in the comune's zone (23 or 25 hours on DST days).
		best = { ms: nextLocalMidnight(rules.timezone, publishedMs), kind: 'event', hours: 0, eventDay: null };
	}
	const hours = category?.maxAgeHours ?? rules.maxAgeHours;
	if (hours !== null) {
		const ms = publishedMs + hours * HOUR_MS;
		if (!best || ms < best.ms) best = { ms, kind: 'age', hours, eventDay: null };
	}
	return best;
}

/** The item's words, tokenised once and shared by every list and category. */
class ItemText {
	readonly kind: SourceKind;
	readonly path: string;
	readonly categories: Array<[Token[], string]>;
	private readonly fields: Array<{ original: string; tokens: Token[] }>;
	private plain?: string;

	constructor(item: NewsItem) {
		this.kind = item.source.kind;
		this.path = urlPath(item.link);
		this.categories = item.categories.map((c) => [tokenize(c), c]);
		this.fields = [item.title, item.summary].map((original) => ({ original, tokens: tokenize(original) }));
	}

	/** What the item says that matches a word list or a pattern, quoted as written; title first. */
	find(words: PhraseMatcher, patterns: readonly CompiledPattern[]): string | null {
		for (const field of this.fields) {
			const found = words.find(field.tokens, field.original);
			if (found) return found.quote;
		}
		if (!patterns.length) return null;
		// Title and summary as one text: a title says what ("Chiusura scuole"), the summary why ("allerta").
		this.plain ??= this.fields.map((f) => stripAccents(f.original)).join(' — ');
		for (const pattern of patterns) {
			const m = pattern.regex.exec(this.plain);
			if (m) return m[0];
		}
		return null;
	}
}

function urlPath(link: string): string {
	// A written text has no link: no URL to parse, and no exception to throw and catch on every message.
	if (!link) return '';
	try {
		return decodeURIComponent(new URL(link).pathname).toLowerCase();
	} catch {
		return '';
	}
}

/** Items come from n8n as JSON: a missing field must not throw or slip past a check. */
function cleanItem(item: NewsItem): NewsItem {
	const text = (v: unknown): string => (typeof v === 'string' ? v : '');
	const orNull = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
	const source = (item?.source ?? {}) as Partial<NewsItem['source']>;
	return {
		id: text(item?.id),
		title: text(item?.title),
		summary: text(item?.summary),
		link: text(item?.link),
		publishedAt: orNull(item?.publishedAt),
		updatedAt: orNull(item?.updatedAt),
		categories: Array.isArray(item?.categories) ? item.categories.filter((c): c is string => typeof c === 'string') : [],
		image: orNull(item?.image),
		source: { name: text(source.name), url: text(source.url), kind: (typeof source.kind === 'string' ? source.kind : '') as SourceKind },
	};
}

function failClosed(code: string, reason: string): Decision {
	return {
		verdict: 'reject',
		codes: [code],
		reasons: [reason],
		findings: [{ code, key: code, reason, verdict: 'reject' }],
		category: null,
		categoryLabel: null,
		priority: 0,
		emergency: false,
		expiresAt: null,
		dropImage: false,
		text: '',
	};
}
