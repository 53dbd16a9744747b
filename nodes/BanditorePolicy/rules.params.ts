import type { IDataObject } from 'n8n-workflow';
import { BUILTIN_BLOCKED } from '../../core/rules';
import { DEFAULT_TIMEZONE } from '../../core/rules/defaults';
import { DateTime } from '../../core/vendor';
import { STANDARD_MODEL } from './standard';

export interface PolicyParameters {
	comune?: string;
	blockedWords?: { list?: Array<{ list?: string; reason?: string; words?: string }> };
	electionPeriods?: { period?: Array<{ name?: string; start?: unknown; end?: unknown }> };
	persons?: string;
	template?: string;
	footer?: string;
}

/**
 * The node's fields as a rules object: the standard category model, core's defaults for what the
 * fields leave out. It goes through rulesFromObject, so it meets the same checks as a rules file.
 */
export function rulesObjectFromParameters(p: PolicyParameters): IDataObject {
	const message: IDataObject = { footer: p.footer ?? '' };
	// A cleared template means the default, as an empty field does elsewhere in n8n.
	if (p.template?.trim()) message.template = p.template;
	return {
		comune: (p.comune ?? '').trim(),
		...structuredClone(STANDARD_MODEL),
		blocked: blockedLists(p.blockedWords?.list ?? []),
		election: {
			...structuredClone(STANDARD_MODEL.election),
			persons: splitList(p.persons),
			periods: (p.electionPeriods?.period ?? []).map((period) => ({
				name: (period.name ?? '').trim(),
				start: localBound(period.start),
				end: localBound(period.end),
			})),
		},
		message,
	};
}

/** The three built-in lists always (core's default), the office's words added; custom reasons after. */
function blockedLists(entries: NonNullable<NonNullable<PolicyParameters['blockedWords']>['list']>): IDataObject[] {
	const lists = new Map<string, { id: string; reason?: string; words: string[] }>();
	for (const id of BUILTIN_BLOCKED) lists.set(id, { id, words: [] });
	for (const entry of entries) {
		const words = splitList(entry.words);
		if (entry.list && entry.list !== 'custom') {
			lists.get(entry.list)?.words.push(...words);
			continue;
		}
		const reason = (entry.reason ?? '').trim();
		const key = `custom:${reason.toLowerCase()}`;
		const list = lists.get(key) ?? { id: uniqueId(reason, lists), reason, words: [] };
		list.words.push(...words);
		lists.set(key, list);
	}
	return [...lists.values()].map((list) => ({ ...list }));
}

/** "Linguaggio offensivo" → linguaggio-offensivo: the id shows in decision codes (blocked.<id>). */
function uniqueId(reason: string, lists: Map<string, { id: string }>): string {
	const base =
		reason
			.normalize('NFD')
			.replace(/\p{M}/gu, '')
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-|-$/g, '') || 'custom';
	const taken = new Set([...lists.values()].map((list) => list.id));
	let id = base;
	for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
	return id;
}

function splitList(text: string | undefined): string[] {
	return (text ?? '')
		.split(/[,\n]/)
		.map((part) => part.trim())
		.filter(Boolean);
}

/**
 * n8n's date picker gives local "2026-04-15T00:00:00"; the rules want "2026-04-15" (whole day) or
 * "2026-04-15 15:00". A value with an offset is moved to the comune's zone. Anything else is left
 * as it is, for the rules check to report.
 */
export function localBound(value: unknown): string {
	if (value instanceof Date) value = value.toISOString();
	if (typeof value !== 'string') return value === undefined || value === null ? '' : String(value);
	const text = value.trim();
	const local = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::00(?:\.0+)?)?)?$/.exec(text);
	if (local) return !local[2] || local[2] === '00:00' ? local[1] : `${local[1]} ${local[2]}`;
	const withZone = DateTime.fromISO(text, { setZone: true });
	if (!withZone.isValid || !/(Z|[+-]\d{2}:?\d{2})$/i.test(text)) return text;
	return localBound(withZone.setZone(DEFAULT_TIMEZONE).toFormat("yyyy-MM-dd'T'HH:mm"));
}
