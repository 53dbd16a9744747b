// The figures of a labelled set, counted by hand: every expected number below is worked out in the
// comments from the eleven items, judged by the Meda rules with approval required for notices.
import { evaluate } from '../../core/rules';
import { electionRules, evaluateSet, ratio, SIMULATED_PERIOD, type Label, type LabelledEntry } from '../../core/rules/eval';
import { item, shipped, shippedWith } from './helpers';

const rules = shippedWith('meda', (data) => {
	data.categories.find((c: { id: string }) => c.id === 'avviso').approval = true;
	// The set's March 2026 falls in the 2026 referendum period of the built-in calendar: these figures are about the arithmetic.
	data.election.calendar = false;
});
const FALLBACK = new Date('2026-03-10T10:00:00Z');

const good = (over: Partial<Label>): Label => ({ decision: 'accept', kind: 'institutional', category: null, emergency: false, electionAllowed: true, ...over });
const bad = (kind: Label['kind']): Label => ({ decision: 'reject', kind, category: null, emergency: false, electionAllowed: false });

function entry(id: string, title: string, publishedAt: string | null, label: Label): LabelledEntry {
	const link = `https://www.comune.meda.mb.it/novita/${id}`;
	return { id, item: item({ id: link, title, link, publishedAt }), label };
}

//            verdict at its time     in the election period
const SET: LabelledEntry[] = [
	entry('b1', 'Vota la lista civica Meda Futura', '2026-03-03T09:00:00Z', bad('electoral')), // reject · not sent
	entry('b2', 'Il Partito Democratico presenta il suo programma', '2026-03-04T09:00:00Z', bad('political')), // reject · not sent
	entry('b3', 'Offerte per la spesa al mercato del sabato', '2026-03-05T09:00:00Z', bad('commercial')), // accept (missed) · hold, not sent
	entry('g1', 'Allerta rossa per esondazione del Seveso', '2026-03-06T05:00:00Z', good({ category: 'emergenza', emergency: true })), // accept, emergency · sent
	entry('g2', 'Ordinanza: divieto di transito in via Roma', '2026-03-06T09:00:00Z', good({ category: 'ordinanza' })), // accept · sent
	// 00:30 of 21 March in Rome, 20 March in UTC: the simulated period must end with the local day.
	entry('g3', 'Concerto della banda in piazza', '2026-03-20T23:30:00Z', good({ category: 'evento', electionAllowed: false })), // accept · reject, not sent
	// Undated: judged at FALLBACK; labelled "avviso", the rules say "notizia".
	entry('g4', 'La biblioteca si rinnova', null, good({ category: 'avviso', electionAllowed: false })), // accept · hold, not sent
	entry('g5', 'Sciopero dei mezzi pubblici venerdì', '2026-03-07T09:00:00Z', good({ decision: 'review', category: 'avviso' })), // hold · hold, not sent (wrong)
	entry('g6', 'Vota il nome del nuovo parco', '2026-03-08T09:00:00Z', good({ category: 'notizia', electionAllowed: false })), // reject (blocked by mistake) · not sent
	// An emergency the rules miss (discoloured water is not in the list).
	entry('g7', "Acqua: ordinanza per l'acqua dal colore anomalo in via Dante", '2026-03-09T09:00:00Z', good({ category: 'ordinanza', emergency: true })), // accept · sent
	// An emergency the rules see where there is none (a memory, not a present hazard).
	entry('g8', 'Il terremoto del 1976 nei ricordi degli anziani', '2026-03-02T09:00:00Z', good({ category: 'evento' })), // accept, emergency · sent
];

describe('evaluateSet', () => {
	const metrics = evaluateSet(SET, rules, { fallbackNow: FALLBACK });

	test('the verdicts the comments above assume', () => {
		const verdicts = SET.map((e) => evaluate(e.item, rules, { now: e.item.publishedAt ? new Date(e.item.publishedAt) : FALLBACK }).verdict);
		expect(verdicts).toEqual(['reject', 'reject', 'accept', 'accept', 'accept', 'accept', 'accept', 'hold', 'reject', 'accept', 'accept']);
	});

	test('counts, undated items and the confusion matrix', () => {
		expect(metrics.total).toBe(11);
		expect(metrics.undated).toBe(1);
		expect(metrics.confusion).toEqual({
			accept: { accept: 6, hold: 0, reject: 1 }, // g1 g2 g3 g4 g7 g8 · g6
			reject: { accept: 1, hold: 0, reject: 2 }, // b3 · b1 b2
			review: { accept: 0, hold: 1, reject: 0 }, // g5
		});
		expect(metrics.byKind).toEqual({
			institutional: { total: 8, accept: 6, hold: 1, reject: 1 },
			electoral: { total: 1, accept: 0, hold: 0, reject: 1 },
			political: { total: 1, accept: 0, hold: 0, reject: 1 },
			commercial: { total: 1, accept: 1, hold: 0, reject: 0 },
		});
	});

	test('bad items: 2 of 3 caught; 2 of the 4 caught are bad', () => {
		expect(metrics.bad).toEqual({
			total: 3,
			rejected: 2,
			held: 0,
			caught: { count: 2, total: 3, percent: 66.7 },
			precision: { count: 2, total: 4, percent: 50 }, // caught: b1 b2 g5 g6
		});
	});

	test('good items: 1 of 8 blocked (g6), 1 of 8 held (g5)', () => {
		expect(metrics.good).toEqual({ total: 8, blocked: { count: 1, total: 8, percent: 12.5 }, held: { count: 1, total: 8, percent: 12.5 }, stoppedByPeriod: 0 });
	});

	test('category 6 of 8 (g4, g8 wrong); emergency 1 of 2 either way', () => {
		expect(metrics.category).toEqual({ count: 6, total: 8, percent: 75 });
		expect(metrics.emergency).toEqual({
			precision: { count: 1, total: 2, percent: 50 }, // g1 g8
			recall: { count: 1, total: 2, percent: 50 }, // g1 g7
		});
	});

	test('election period: 10 of 11 right; g5 is held, so not sent', () => {
		expect(metrics.election).toEqual({ count: 10, total: 11, percent: 90.9 });
	});

	test('the errors, in set order, with the reasons of the decision that was wrong', () => {
		expect(metrics.errors.map((e) => [e.id, e.measure, e.expected, e.got])).toEqual([
			['b3', 'decision', 'reject', 'accept'],
			['g4', 'category', 'avviso', 'notizia'],
			['g5', 'election', 'sent', 'not sent (hold)'],
			['g6', 'decision', 'accept', 'reject'],
			['g7', 'emergency', 'emergency', 'not emergency'],
			['g8', 'category', 'evento', 'emergenza'],
			['g8', 'emergency', 'not emergency', 'emergency'],
		]);
		const g6 = metrics.errors.find((e) => e.id === 'g6');
		expect(g6?.title).toBe('Vota il nome del nuovo parco');
		expect(g6?.reasons).toContain('Contenuto elettorale: contiene «Vota»');
		const g5 = metrics.errors.find((e) => e.id === 'g5');
		expect(g5?.reasons.join(' ')).toContain(SIMULATED_PERIOD);
		expect(g5?.reasons).toContain("La categoria «Avviso» richiede l'approvazione della redazione");
	});

	test('published in a real election period: what the label keeps out of periods is rightly stopped, not blocked', () => {
		// The built-in calendar's 2026 referendum period covers March 2026: an event is rejected, a notice passes.
		const inPeriod = shipped('meda');
		const set = [
			entry('p1', 'Concerto della banda in piazza', '2026-03-06T09:00:00Z', good({ category: 'evento', electionAllowed: false })),
			entry('p2', 'Ordinanza: divieto di transito in via Roma', '2026-03-06T09:00:00Z', good({ category: 'ordinanza' })),
			entry('p3', 'Mostra fotografica in biblioteca', '2026-03-06T09:00:00Z', good({ category: 'evento', electionAllowed: true })),
		];
		const m = evaluateSet(set, inPeriod, { fallbackNow: FALLBACK });
		expect(m.good).toEqual({ total: 3, blocked: ratio(1, 3), held: ratio(0, 3), stoppedByPeriod: 1 }); // p3 is blocked: its label lets it out
		expect(m.errors.filter((e) => e.measure === 'decision').map((e) => e.id)).toEqual(['p3']);
	});

	test('an empty set gives zero counts and no percentages', () => {
		const empty = evaluateSet([], rules, { fallbackNow: FALLBACK });
		expect(empty.total).toBe(0);
		expect(empty.bad.caught).toEqual({ count: 0, total: 0, percent: null });
		expect(empty.election).toEqual({ count: 0, total: 0, percent: null });
		expect(empty.errors).toEqual([]);
	});

	test('a date that does not read as one is judged at fallbackNow and counted as undated', () => {
		const odd = entry('x', 'La biblioteca si rinnova', 'ieri', good({ category: 'notizia', electionAllowed: false }));
		const m = evaluateSet([odd], rules, { fallbackNow: FALLBACK });
		expect(m.undated).toBe(1);
		expect(m.confusion.accept.accept).toBe(1);
		expect(m.errors).toEqual([]);
	});
});

describe('electionRules', () => {
	test('one period over the local days of the instants, in place of the file’s periods', () => {
		const withPeriod = shippedWith('meda', (data) => {
			data.election.periods = [{ name: 'Comunali', start: '2026-03-05', end: '2026-03-06' }];
		});
		const election = electionRules(withPeriod, [new Date('2026-03-20T23:30:00Z'), new Date('2026-03-01T23:30:00Z')]);
		expect(election.election.periods).toEqual([
			// 00:30 of 2 March and of 21 March in Rome: from the first midnight to the last day's end.
			expect.objectContaining({ name: SIMULATED_PERIOD, start: '2026-03-01T23:00:00.000Z', end: '2026-03-21T23:00:00.000Z' }),
		]);
		expect(election.categories).toEqual(withPeriod.categories);
	});

	test('no instants: the rules as they are', () => {
		const meda = shipped('meda');
		expect(electionRules(meda, [])).toBe(meda);
	});

	test('ratio rounds to one decimal', () => {
		expect(ratio(2, 3).percent).toBe(66.7);
		expect(ratio(1, 3).percent).toBe(33.3);
		expect(ratio(0, 0).percent).toBeNull();
	});
});
