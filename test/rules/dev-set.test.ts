// The shipped rules measured on the labelled development set (test/fixtures/policy/), as
// `banditore policy eval` prints it. The rules alone on the whole set: a change that makes a figure
// worse than today's fails here. Rules with the classifier: its shipped model was trained on this
// very set, so it is measured the honest way, on four parts of the set by publisher, each judged by a
// model trained on the other three, as on news from comuni it never saw.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSet } from '../../cli/commands/policy-eval';
import { useModel } from '../../core/classifier/active';
import { train } from '../../core/classifier/model';
import { evaluateSet, type EvalMetrics, type LabelledEntry } from '../../core/rules/eval';
import { shippedWith } from './helpers';

const { entries, problems } = parseSet(readFileSync(join(__dirname, '..', 'fixtures', 'policy', 'dev.jsonl'), 'utf8'));
const percent = (r: { percent: number | null }): number => r.percent ?? NaN;
const FALLBACK = new Date('2026-12-01T10:00:00Z');
const rulesAlone = () =>
	shippedWith('meda', (data) => {
		data.classifier = { enabled: false };
	});

describe('le regole di Meda sul set etichettato', () => {
	const m = evaluateSet(entries, rulesAlone(), { fallbackNow: FALLBACK });

	test('il set si legge tutto: 1083 notizie vere con la loro provenienza', () => {
		expect(problems).toEqual([]);
		expect(entries.length).toBeGreaterThanOrEqual(1083);
		expect(m.bad.total).toBeGreaterThanOrEqual(334);
	});

	test('le regole da sole: le figure di oggi come soglia', () => {
		expect(percent(m.bad.caught)).toBeGreaterThanOrEqual(74.5);
		expect(percent(m.good.blocked)).toBeLessThanOrEqual(1);
		expect(percent(m.good.held)).toBeLessThanOrEqual(1.5);
		expect(percent(m.category)).toBeGreaterThanOrEqual(87);
		expect(percent(m.emergency.precision)).toBeGreaterThanOrEqual(92.5);
		expect(percent(m.emergency.recall)).toBeGreaterThanOrEqual(91.5);
		expect(percent(m.election)).toBeGreaterThanOrEqual(92.5);
	});
});

describe('regole e classificatore, su editori mai visti dal modello (4 parti)', () => {
	const part = (e: LabelledEntry): number => parseInt(createHash('md5').update(publisherOf(e)).digest('hex')[0], 16) >> 2;
	const parts = [0, 1, 2, 3].map((k) => {
		useModel(train(entries.filter((e) => part(e) !== k)));
		try {
			return evaluateSet(
				entries.filter((e) => part(e) === k),
				shippedWith('meda', () => undefined),
				{ fallbackNow: FALLBACK },
			);
		} finally {
			useModel(null);
		}
	});
	const pooled = (get: (m: EvalMetrics) => { count: number; total: number }): number => {
		const count = parts.reduce((sum, p) => sum + get(p).count, 0);
		const total = parts.reduce((sum, p) => sum + get(p).total, 0);
		return Math.round((count / total) * 1000) / 10;
	};

	test('i traguardi del #13: contenuti vietati, notizie buone, categorie, emergenze, periodo elettorale', () => {
		expect(pooled((p) => p.bad.caught)).toBeGreaterThanOrEqual(95);
		expect(pooled((p) => p.good.blocked)).toBeLessThanOrEqual(1);
		expect(pooled((p) => p.good.held)).toBeLessThanOrEqual(10);
		expect(pooled((p) => p.category)).toBeGreaterThanOrEqual(85);
		expect(pooled((p) => p.emergency.precision)).toBeGreaterThanOrEqual(85);
		expect(pooled((p) => p.emergency.recall)).toBeGreaterThanOrEqual(90);
		expect(pooled((p) => p.election)).toBeGreaterThanOrEqual(95);
	});

	test('il classificatore manda alla redazione: non scarta e non lascia passare ciò che le regole fermano', () => {
		const alone = evaluateSet(entries, rulesAlone(), { fallbackNow: FALLBACK });
		expect(parts.reduce((sum, p) => sum + p.bad.caught.count, 0)).toBeGreaterThan(alone.bad.caught.count);
		expect(parts.reduce((sum, p) => sum + p.bad.rejected, 0)).toBe(alone.bad.rejected);
		expect(parts.reduce((sum, p) => sum + p.good.blocked.count, 0)).toBe(alone.good.blocked.count);
	});
});

function publisherOf(e: LabelledEntry): string {
	const provenance = e.provenance as { publisher?: unknown } | undefined;
	return typeof provenance?.publisher === 'string' ? provenance.publisher : e.id;
}
