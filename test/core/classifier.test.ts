// The learned classifier (core/classifier): deterministic training and reading, a tiny set learned,
// and the shipped model.json on real items of the development set.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	classify,
	CONCERN_THRESHOLD,
	itemFeatures,
	measure,
	modelFromJson,
	serializeModel,
	shippedModel,
	train,
	type TrainEntry,
} from '../../core/classifier';

const DEV = join(__dirname, '..', 'fixtures', 'policy', 'dev.jsonl');
const dev: Array<TrainEntry & { id: string }> = readFileSync(DEV, 'utf8')
	.split('\n')
	.filter(Boolean)
	.map((line) => JSON.parse(line));
const byId = (id: string) => {
	const entry = dev.find((e) => e.id === id);
	if (!entry) throw new Error(`${id} is not in dev.jsonl`);
	return entry;
};
/** Every third item: 158 items, concerns and every category among them, quick to train. */
const slice = dev.filter((_, i) => i % 3 === 0);
const QUICK = { epochs: 150 };

const item = (title: string, summary = '') => ({ title, summary, link: 'https://www.comune.example.it/novita/1', categories: [] });

describe('itemFeatures', () => {
	it('reads stems like the rules, pairs of words, categories and the path of the link, not its host', () => {
		const a = itemFeatures({ title: 'Ordinanze di chiusura', summary: '', link: 'https://www.politica.example.it/albo-pretorio/123', categories: ['Viabilità'] });
		const b = itemFeatures({ title: 'Ordinanza chiusa', summary: null, link: null, categories: null });
		expect(a).toContain('w:ordinanz');
		expect(b).toContain('w:ordinanz');
		expect(a).toContain('b:ordinanz chiusur');
		expect(a).toContain('c:viabil');
		expect(a).toContain('u:albo');
		expect(a.some((f) => f.includes('politic'))).toBe(false);
		expect(a.some((f) => f.includes(':di'))).toBe(false);
		expect([...a].sort()).toEqual(a);
	});
});

describe('train', () => {
	it('gives the same JSON twice from the same set', () => {
		const first = serializeModel(train(slice, QUICK));
		const second = serializeModel(train(slice, QUICK));
		expect(second).toBe(first);
		const model = modelFromJson(JSON.parse(first));
		expect(model.trained.items).toBe(slice.length);
		expect(model.heads.kind.labels).toEqual(['electoral', 'political', 'commercial']);
	});

	it('learns a tiny synthetic set', () => {
		const entries: TrainEntry[] = [
			{ item: item('Vota Mario Rossi candidato sindaco', 'la nostra lista alle elezioni comunali'), label: { kind: 'electoral', category: null } },
			{ item: item('Candidato sindaco in piazza', 'comizio elettorale della lista civica, vota'), label: { kind: 'electoral', category: null } },
			{ item: item('Saldi al supermercato', 'sconti e offerte sul negozio'), label: { kind: 'commercial', category: null } },
			{ item: item('Nuovo negozio in centro', 'inaugurazione con sconti e offerte'), label: { kind: 'commercial', category: null } },
			{ item: item('Ordinanza chiusura strada', 'divieto di transito in via Roma'), label: { kind: 'institutional', category: 'ordinanza' } },
			{ item: item('Ordinanza divieto di sosta', 'divieto in piazza Italia per lavori'), label: { kind: 'institutional', category: 'ordinanza' } },
			{ item: item('Avviso scadenza TARI', 'pagamento della tassa sui rifiuti'), label: { kind: 'institutional', category: 'avviso' } },
			{ item: item('Avviso orari ufficio anagrafe', 'nuovi orari dello sportello'), label: { kind: 'institutional', category: 'avviso' } },
		];
		const model = train(entries, { minCount: 1 });
		for (const entry of entries) {
			const result = classify(model, entry.item);
			if (entry.label.kind === 'institutional') {
				expect(result.concern).toBeLessThan(0.5);
				expect(result.category).toBe(entry.label.category);
			} else {
				expect(result.concern).toBeGreaterThan(0.5);
				expect(result.concernKind).toBe(entry.label.kind);
			}
		}
		const unseen = classify(model, item('Ordinanza di chiusura del ponte'));
		expect(unseen.category).toBe('ordinanza');
		expect(unseen.concern).toBeLessThan(0.5);
		expect(classify(model, item('Vota la lista del candidato')).concern).toBeGreaterThan(0.5);
	});

	it('refuses an empty set', () => {
		expect(() => train([])).toThrow('nothing to train on');
	});
});

describe('classify', () => {
	it('gives the same reading of every item twice, every score between 0 and 1', () => {
		const model = shippedModel();
		const first = dev.map((e) => classify(model, e.item));
		const second = dev.map((e) => classify(model, e.item));
		expect(second).toEqual(first);
		for (const r of first) {
			expect(r.concern).toBeGreaterThanOrEqual(0);
			expect(r.concern).toBeLessThanOrEqual(1);
			expect(r.categoryScore).toBeGreaterThan(0);
			expect(r.categoryScore).toBeLessThanOrEqual(1);
			expect(model.heads.category.labels).toContain(r.category);
		}
	});

	it('reads an item with no words without failing', () => {
		const r = classify(shippedModel(), { title: '' });
		expect(Number.isFinite(r.concern)).toBe(true);
	});
});

describe('the shipped model', () => {
	it('is the model of the whole development set, small, and in the format modelFromJson accepts', () => {
		const text = readFileSync(join(__dirname, '..', '..', 'core', 'classifier', 'model.json'), 'utf8');
		expect(text.length).toBeLessThan(300_000);
		const model = modelFromJson(JSON.parse(text));
		expect(model.trained.items).toBe(dev.length);
		expect(shippedModel().trained).toEqual(model.trained);
	});

	it('scores an obviously political item above the threshold, an obviously institutional one below', () => {
		const model = shippedModel();
		const political = classify(model, byId('cataniatoday-001').item);
		expect(political.concern).toBeGreaterThan(CONCERN_THRESHOLD);
		expect(political.concernKind).toBe('political');
		const electoral = classify(model, byId('giovinazzolive-001').item);
		expect(electoral.concern).toBeGreaterThan(CONCERN_THRESHOLD);
		expect(electoral.concernKind).toBe('electoral');
		const ordinance = classify(model, byId('molfetta-004').item);
		expect(ordinance.concern).toBeLessThan(CONCERN_THRESHOLD);
		expect(ordinance.category).toBe('ordinanza');
	});

	it('measure() counts recall, precision and false concerns at each threshold', () => {
		const f = measure(shippedModel(), dev, [CONCERN_THRESHOLD]);
		expect(f.items).toBe(dev.length);
		expect(f.concerns).toBe(dev.filter((e) => e.label.kind !== 'institutional').length);
		const [t] = f.thresholds;
		expect(t.recall.total).toBe(f.concerns);
		expect(t.falseConcern.total).toBe(dev.length - f.concerns);
		expect(t.precision.total).toBe(t.recall.count + t.falseConcern.count);
	});
});

describe('modelFromJson', () => {
	it('says what is wrong with a file that is not a model', () => {
		expect(() => modelFromJson([])).toThrow('not a Banditore classifier model: not a JSON object');
		expect(() => modelFromJson({ format: 'other' })).toThrow('format is "other"');
		const model = JSON.parse(serializeModel(shippedModel()));
		model.features['w:ordinanz'] = [1, 2];
		expect(() => modelFromJson(model)).toThrow('feature "w:ordinanz" needs 10 numbers');
	});
});
