// The learned classifier inside the rules' decision: it can only send to the office an item the rules
// let through; never an emergency, nor a text the office wrote; the office's approval waives it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NewsItem } from '../../core/item';
import { evaluate, textItem } from '../../core/rules';
import { item, shipped, shippedWith } from './helpers';

const SET = join(__dirname, '..', 'fixtures', 'policy', 'dev.jsonl');
const entry = (id: string): NewsItem => {
	const line = readFileSync(SET, 'utf8').split('\n').find((l) => l.includes(`"id": "${id}"`) || l.includes(`"id":"${id}"`));
	return (JSON.parse(line as string) as { item: NewsItem }).item;
};

describe('il classificatore nelle decisioni', () => {
	const meda = shipped('meda');
	const off = shippedWith('meda', (data) => {
		data.classifier = { enabled: false };
	});
	// A local paper on councillors leaving the council: political, with no word of the lists.
	const political = entry('lanotiziaquotidiana-001');
	const at = { now: new Date(political.publishedAt as string) };

	test('manda alla redazione ciò che le regole farebbero uscire, con il motivo', () => {
		expect(evaluate(political, off, at).verdict).toBe('accept');
		const d = evaluate(political, meda, at);
		expect(d.verdict).toBe('hold');
		expect(d.codes).toContain('classifier.review');
		expect(d.reasons.at(-1)).toMatch(/^Il classificatore vede un possibile contenuto politico \(\d+%\): serve la verifica della redazione$/);
	});

	test('non tocca un avviso istituzionale, né ciò che le regole già fermano', () => {
		const notice = evaluate(item({ title: 'Chiusura al traffico di via Roma per lavori alla rete idrica', publishedAt: '2026-06-15T07:00:00Z' }), meda, { now: new Date('2026-06-15T08:00:00Z') });
		expect(notice).toMatchObject({ verdict: 'accept' });
		expect(notice.codes).not.toContain('classifier.review');
		const banned = evaluate(item({ title: 'Votate la lista civica Meda Futura', publishedAt: '2026-06-15T07:00:00Z' }), meda, { now: new Date('2026-06-15T08:00:00Z') });
		expect(banned.verdict).toBe('reject');
		expect(banned.codes).not.toContain('classifier.review');
	});

	test('non guarda le emergenze né i testi scritti dalla redazione', () => {
		expect(evaluate(political, meda, { ...at, settled: { emergency: true } }).codes).not.toContain('classifier.review');
		expect(evaluate(textItem(political.title), meda, { ...at, settled: { category: null, emergency: false } }).codes).not.toContain('classifier.review');
	});

	test('la redazione che approva lo supera', () => {
		expect(evaluate(political, meda, { ...at, settled: { waived: ['classifier.review'] } }).verdict).toBe('accept');
	});

	test('la soglia è della redazione: più alta, meno notizie in attesa', () => {
		const strict = shippedWith('meda', (data) => {
			data.classifier = { threshold: 0.99 };
		});
		expect(evaluate(political, strict, at).verdict).toBe('accept');
	});
});
