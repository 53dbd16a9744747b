// The weekly digest: which waiting messages are bundled into the last slot, and its WhatsApp text.
import { digestLine, planDigest, type DigestCandidate } from '../../core/quota';
import { loadRules, type DigestSettings } from '../../core/rules';
import type { NewsItem } from '../../core/item';
import { LIMITS } from '../../core/whatsapp/limits';

const ON: DigestSettings = { enabled: true, maxPriority: 10, minItems: 2, maxItems: 10 };

function news(n: number, over: Partial<NewsItem> = {}): NewsItem {
	return {
		id: `https://www.comune.meda.mb.it/novita/${n}`,
		title: `Notizia numero ${n}`,
		summary: 'Testo',
		link: `https://www.comune.meda.mb.it/novita/${n}`,
		publishedAt: null,
		updatedAt: null,
		categories: [],
		image: null,
		source: { name: 'Comune di Meda', url: 'https://www.comune.meda.mb.it/feed/', kind: 'rss' },
		...over,
	};
}

const low = (n: number, over: Partial<DigestCandidate> = {}): DigestCandidate => ({ id: `m${n}`, priority: 10, emergency: false, item: news(n), text: `Notizia numero ${n}`, ...over });

describe('planDigest', () => {
	test('with one slot left, the waiting low-priority messages go in one digest, in dispatch order', () => {
		const plan = planDigest(ON, 1, [low(1), low(2, { priority: 5 }), low(3)]);
		expect(plan?.ids).toEqual(['m1', 'm2', 'm3']);
		expect(plan?.priority).toBe(10);
		expect(plan?.text).toBe(
			[
				'*Riepilogo della settimana*',
				'• Notizia numero 1\nhttps://www.comune.meda.mb.it/novita/1',
				'• Notizia numero 2\nhttps://www.comune.meda.mb.it/novita/2',
				'• Notizia numero 3\nhttps://www.comune.meda.mb.it/novita/3',
			].join('\n\n'),
		);
	});

	test.each([
		['disabled', { ...ON, enabled: false }, 1, [low(1), low(2)]],
		['no settings at all', undefined, 1, [low(1), low(2)]],
		['two slots left: both fit on their own', ON, 2, [low(1), low(2)]],
		['no slot left: the digest must fit in the limit too', ON, 0, [low(1), low(2)]],
		['only one waiting: it takes the slot itself', ON, 1, [low(1)]],
		['fewer than minItems', { ...ON, minItems: 3 }, 1, [low(1), low(2)]],
		['a higher-priority message is first in line: the slot is its', ON, 1, [low(9, { priority: 80 }), low(1), low(2)]],
		['an emergency is first in line', ON, 1, [low(9, { emergency: true, priority: 0 }), low(1), low(2)]],
	] as const)('no digest: %s', (_name, settings, remaining, waiting) => {
		expect(planDigest(settings, remaining, [...waiting])).toBeNull();
	});

	test('emergencies and messages above maxPriority are never bundled, wherever they are in line', () => {
		const plan = planDigest(ON, 1, [low(1), low(2, { emergency: true, priority: 1 }), low(3, { priority: 11 }), low(4)]);
		expect(plan?.ids).toEqual(['m1', 'm4']);
	});

	test('at most maxItems; the rest is not bundled', () => {
		const plan = planDigest({ ...ON, maxItems: 3 }, 1, [1, 2, 3, 4, 5].map((n) => low(n)));
		expect(plan?.ids).toEqual(['m1', 'm2', 'm3']);
	});

	test('the text stays within the WhatsApp limit: what does not fit waits', () => {
		const long = (n: number) => low(n, { item: news(n, { link: `https://www.comune.meda.mb.it/${'x'.repeat(1500)}/${n}` }) });
		const plan = planDigest(ON, 1, [1, 2, 3, 4].map(long));
		expect(plan?.ids).toEqual(['m1', 'm2']);
		expect(Array.from(plan?.text ?? '').length).toBeLessThanOrEqual(LIMITS.text);
		// And when not even minItems fit, there is no digest.
		expect(planDigest({ ...ON, minItems: 3 }, 1, [1, 2, 3, 4].map(long))).toBeNull();
	});

	test("the office's title, with WhatsApp markup escaped", () => {
		expect(planDigest({ ...ON, title: 'Le notizie *di Meda*' }, 1, [low(1), low(2)])?.text.split('\n')[0]).toBe('*Le notizie ∗di Meda∗*');
	});
});

describe('digestLine', () => {
	test('a message written by hand: its first line and its link', () => {
		expect(digestLine({ item: null, text: 'Mercatino in piazza\n\nDettagli: https://www.comune.meda.mb.it/m' })).toBe('• Mercatino in piazza\nhttps://www.comune.meda.mb.it/m');
		expect(digestLine({ item: null, text: 'Solo testo' })).toBe('• Solo testo');
	});

	test('a long title is cut', () => {
		const line = digestLine({ item: news(1, { title: 'parola '.repeat(60) }), text: '' });
		expect(Array.from(line.split('\n')[0]).length).toBeLessThanOrEqual(152);
		expect(line).toContain('…');
	});
});

describe('quota.digest in a rules file', () => {
	const rules = (digest: string) => `comune: Meda\nquota:\n  perWeek: 10\n  digest: ${digest}\ncategories:\n  - id: notizia\n    label: Notizie\nfallbackCategory: notizia\n`;

	test('defaults: off, maxPriority 10, from 2 to 10 items', () => {
		const result = loadRules(rules('{ enabled: true }'));
		if (!result.ok) throw new Error(JSON.stringify(result.problems));
		expect(result.rules.quota.digest).toEqual({ enabled: true, maxPriority: 10, minItems: 2, maxItems: 10 });
	});

	test.each([
		['{ enabled: true, minItems: 1 }', 'quota.digest.minItems', 'Il numero deve essere almeno 2'],
		['{ enabled: true, minItems: 5, maxItems: 3 }', 'quota.digest.minItems', 'Il numero deve essere al massimo 3'],
		['{ enabled: si }', 'quota.digest.enabled', 'Valore non valido'],
		['{ maxPriorty: 10 }', 'quota.digest.maxPriorty', 'Chiave sconosciuta «maxPriorty»'],
	])('%s is refused in Italian at %s', (digest, path, message) => {
		const result = loadRules(rules(digest));
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.problems).toEqual([expect.objectContaining({ path, message: expect.stringContaining(message) })]);
	});
});
