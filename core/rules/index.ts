// The rules of a channel: load and check a rules file, evaluate an item, format its WhatsApp text.
export { loadRules, rulesFromObject, formatProblems, MAX_ALIASES } from './load';
export { readRulesFile } from './read';
export { evaluate, decisionStableUntil, electionPeriodAt, textItem, type EvaluateOptions, type Settled } from './evaluate';
export { isRules } from './compile';
export { describePeriods, periodsAt, type PeriodsAt } from './periods';
export { escapeMarkup, PLACEHOLDERS } from '../whatsapp/compose';
export { BUILTIN_BLOCKED, DEFAULT_WORDS, DEFAULT_TEMPLATE } from './defaults';
export { rulesSchema, type RulesData } from './schema';
export type {
	Rules,
	RuleProblem,
	RulesResult,
	Decision,
	Finding,
	Verdict,
	QuotaSettings,
	DigestSettings,
	QuietHours,
	CategoryRule,
	BlockedRule,
	ElectionPeriod,
	ElectionRules,
	MessageSettings,
} from './types';
