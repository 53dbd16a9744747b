// decisionStableUntil lets the scheduler reuse the decision made at enqueue when it judges the same
// message again just before sending (scheduler/src/judged.ts). Checked on the 1,083 real items of the
// labelled set, moved into two election periods: up to the instant it names, the decision is the
// same to the last reason; at that instant it changes (an expiry, a period starting or ending).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSet } from '../../cli/commands/policy-eval';
import { decisionStableUntil, evaluate, type Rules } from '../../core/rules';
import type { NewsItem } from '../../core/item';
import { shippedWith } from './helpers';

const { entries } = parseSet(readFileSync(join(__dirname, '..', 'fixtures', 'policy', 'dev.jsonl'), 'utf8'));
const DAY = 86_400_000;
const FIRST = Date.parse('2026-03-02T08:00:00Z');

function rulesWith(calendar: boolean): Rules {
	return shippedWith('meda', (data) => {
		data.election.calendar = calendar;
		data.election.periods = [
			{ name: 'Elezioni comunali 2026', start: '2026-03-20', end: '2026-04-06 15:00' },
			{ name: 'Referendum locale', start: '2026-04-20 07:00', end: '2026-04-21 23:00' },
		];
	});
}

/** A fixed pseudo-random sequence: the same instants on every run. */
function random(seed: number): () => number {
	let s = seed;
	return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

/** Each item published on one of 60 days around the periods, judged some hours later. */
function cases(): Array<{ item: NewsItem; t0: number }> {
	const next = random(17);
	return entries.map((entry, i) => {
		const published = FIRST + (i % 60) * DAY + Math.floor(next() * 10) * 3_600_000;
		return { item: { ...entry.item, publishedAt: new Date(published).toISOString() }, t0: published + Math.floor(next() * 96 * 3_600_000) };
	});
}

describe('decisionStableUntil on the labelled set', () => {
	test.each([false, true])('the decision holds until the instant it names (built-in calendar too: %s)', (calendar) => {
		const rules = rulesWith(calendar);
		const next = random(29);
		let checked = 0;
		for (const { item, t0 } of cases()) {
			const first = evaluate(item, rules, { now: new Date(t0) });
			const until = decisionStableUntil(rules, first, t0);
			expect(until).toBeGreaterThan(t0);
			const horizon = Math.min(until, t0 + 60 * DAY);
			for (const t of [t0 + Math.floor(next() * (horizon - t0)), horizon - 1]) {
				expect(evaluate(item, rules, { now: new Date(t) })).toEqual(first);
				checked++;
			}
		}
		expect(checked).toBe(2 * entries.length);
	});

	test('at that instant the decision changes: nothing is reused past an expiry or a period boundary', () => {
		const rules = rulesWith(false);
		const lastEnd = Math.max(...rules.election.periods.map((p) => p.endMs));
		let bounded = 0;
		for (const { item, t0 } of cases()) {
			const first = evaluate(item, rules, { now: new Date(t0) });
			const until = decisionStableUntil(rules, first, t0);
			if (Number.isFinite(until)) {
				bounded++;
				expect(evaluate(item, rules, { now: new Date(until) }).codes).not.toEqual(first.codes);
			} else {
				// For ever: past every period, and expired already (or never expiring).
				expect(t0).toBeGreaterThanOrEqual(lastEnd);
				expect(first.expiresAt === null || first.codes.some((c) => c.startsWith('expired.'))).toBe(true);
			}
		}
		expect(bounded).toBeGreaterThan(entries.length * 0.9);
	});

	test('a text written by hand, without a date, holds until the next period boundary', () => {
		const rules = rulesWith(false);
		const text = { id: '', title: 'Avviso alla cittadinanza', summary: '', link: '', publishedAt: null, updatedAt: null, categories: [], image: null, source: { name: '', url: '', kind: 'html' as const } };
		const before = Date.parse('2026-03-10T10:00:00Z');
		const start = evaluate(text, rules, { now: new Date(before) });
		expect(new Date(decisionStableUntil(rules, start, before)).toISOString()).toBe('2026-03-19T23:00:00.000Z');
		const inside = Date.parse('2026-04-01T10:00:00Z');
		expect(new Date(decisionStableUntil(rules, evaluate(text, rules, { now: new Date(inside) }), inside)).toISOString()).toBe('2026-04-06T13:00:00.000Z');
		const after = Date.parse('2026-05-01T10:00:00Z');
		expect(decisionStableUntil(rules, evaluate(text, rules, { now: new Date(after) }), after)).toBe(Infinity);
	});
});
