// The shipped rules measured on the labelled development set (test/fixtures/policy/), as
// `banditore policy eval` prints it: a change to the rules or their engine that makes a figure worse
// than today's fails here. The classifier is off for the rules' own figures: its shipped model was
// trained on this very set, so with it on the figures would flatter it (core/classifier/README.md
// gives its figures on publishers held out of training).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSet } from '../../cli/commands/policy-eval';
import { evaluateSet } from '../../core/rules/eval';
import { shippedWith } from './helpers';

const { entries, problems } = parseSet(readFileSync(join(__dirname, '..', 'fixtures', 'policy', 'dev.jsonl'), 'utf8'));
const percent = (r: { percent: number | null }): number => r.percent ?? NaN;

describe('le regole di Meda sul set etichettato', () => {
	const rules = shippedWith('meda', (data) => {
		data.classifier = { enabled: false };
	});
	const m = evaluateSet(entries, rules, { fallbackNow: new Date('2026-12-01T10:00:00Z') });

	test('il set si legge tutto: 473 notizie vere con la loro provenienza', () => {
		expect(problems).toEqual([]);
		expect(entries.length).toBeGreaterThanOrEqual(470);
		expect(m.bad.total).toBeGreaterThanOrEqual(90);
	});

	test('contenuti vietati fermati, notizie buone lasciate passare (figure di oggi come soglia)', () => {
		expect(percent(m.bad.caught)).toBeGreaterThanOrEqual(83);
		expect(percent(m.good.blocked)).toBeLessThanOrEqual(1);
		expect(percent(m.good.held)).toBeLessThanOrEqual(2);
	});

	test('categorie, emergenze e periodo elettorale', () => {
		expect(percent(m.category)).toBeGreaterThanOrEqual(90);
		expect(percent(m.emergency.precision)).toBeGreaterThanOrEqual(94);
		expect(percent(m.emergency.recall)).toBeGreaterThanOrEqual(88);
		expect(percent(m.election)).toBeGreaterThanOrEqual(92);
	});

	test('con il classificatore, ciò che le regole lasciano passare ma sembra politico va alla redazione', () => {
		const withClassifier = evaluateSet(entries, shippedWith('meda', () => undefined), { fallbackNow: new Date('2026-12-01T10:00:00Z') });
		expect(withClassifier.bad.caught.count).toBeGreaterThan(m.bad.caught.count);
		// It never lets out what the rules stop, and never rejects.
		expect(withClassifier.bad.rejected).toBe(m.bad.rejected);
		expect(withClassifier.good.blocked.count).toBe(m.good.blocked.count);
	});
});
