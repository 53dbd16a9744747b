// A small learned classifier for news items (issue #13): three linear models over the item's words
// (features.ts), trained with plain full-batch gradient descent and L2, so the same set always gives
// the same weights (no random numbers, a fixed order of items and features):
// - concern: whether an item is electoral, political or commercial rather than institutional (0..1);
// - kind: which of the three, learned on those items only;
// - category: the category of an institutional item (avviso, ordinanza, emergenza, …).
// The model is plain JSON: the heads' labels and biases, and per feature one row of weights.
import { itemFeatures, type ClassifierInput } from './features';

export const MODEL_FORMAT = 'banditore-classifier/1';
export const CONCERN_KINDS = ['electoral', 'political', 'commercial'] as const;
export type ConcernKind = (typeof CONCERN_KINDS)[number];
export type ItemKind = 'institutional' | ConcernKind;

/**
 * The concern score from which an item should go to review. Chosen on publishers held out of training
 * (README.md): with the rules, 95% of bad items caught, about 4% of good items sent to review.
 */
export const CONCERN_THRESHOLD = 0.55;

export interface Head {
	labels: string[];
	bias: number[];
}

export interface Model {
	format: typeof MODEL_FORMAT;
	/** How it was trained: counts and options, for the record. */
	trained: { items: number; concerns: number; categorised: number; options: TrainOptions };
	/** concern has one label ("concern", a sigmoid); kind and category one per class (softmax). */
	heads: { concern: Head; kind: Head; category: Head };
	/** Per feature, the weights of concern, then kind, then category, in the order of their labels. */
	features: Record<string, number[]>;
}

export interface TrainEntry {
	item: ClassifierInput;
	label: { kind: ItemKind; category: string | null };
}

export interface TrainOptions {
	/** Passes of gradient descent over the whole set. */
	epochs: number;
	learningRate: number;
	/** L2 penalty on the weights (not the biases). */
	l2: number;
	/** Features seen in fewer training items than this are not learned. */
	minCount: number;
	/** Weight of a concern item against an institutional one in the concern model's loss. */
	concernWeight: number;
	/** Decimals kept in the JSON. */
	decimals: number;
	/** Features whose every weight is smaller than this (absolute) are left out of the JSON. */
	prune: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
	epochs: 1000,
	learningRate: 4,
	l2: 0.0001,
	minCount: 3,
	concernWeight: 1,
	decimals: 3,
	prune: 0.002,
};

export interface Classification {
	/** How likely the item is electoral, political or commercial, 0..1. */
	concern: number;
	/** Which of the three it most looks like (whatever the concern score). */
	concernKind: ConcernKind;
	/** The category it most looks like, as an institutional item. */
	category: string;
	/** That category's probability, 0..1. */
	categoryScore: number;
}

interface Doc {
	features: number[];
	/** Each present feature's value: 1/√(number of the item's features), so long texts weigh as short ones. */
	value: number;
}

/**
 * Each present feature's value: 1/√n, so long texts weigh as short ones; but never as if the item had
 * fewer than SHORT_TEXT features, so a bare title's few words cannot make a strong score on their own.
 */
export const SHORT_TEXT = 16;
function featureValue(n: number): number {
	return n ? 1 / Math.sqrt(Math.max(n, SHORT_TEXT)) : 0;
}

function toDoc(item: ClassifierInput, index: Map<string, number>): Doc {
	const names = itemFeatures(item);
	const features: number[] = [];
	for (const name of names) {
		const i = index.get(name);
		if (i !== undefined) features.push(i);
	}
	return { features, value: featureValue(names.length) };
}

/**
 * Softmax regression (or logistic, with one class) by full-batch gradient descent. Returns the
 * weights as one Float64Array per feature (length = classes) and the biases.
 */
function fit(docs: Doc[], targets: number[], sampleWeights: number[], classes: number, nFeatures: number, o: TrainOptions): { w: Float64Array[]; b: Float64Array } {
	const binary = classes === 1;
	const w = Array.from({ length: nFeatures }, () => new Float64Array(classes));
	const b = new Float64Array(classes);
	const gradW = Array.from({ length: nFeatures }, () => new Float64Array(classes));
	const gradB = new Float64Array(classes);
	const z = new Float64Array(binary ? 1 : classes);
	const totalWeight = sampleWeights.reduce((a, x) => a + x, 0) || 1;
	for (let epoch = 0; epoch < o.epochs; epoch++) {
		for (const g of gradW) g.fill(0);
		gradB.fill(0);
		docs.forEach((doc, n) => {
			for (let c = 0; c < classes; c++) {
				let s = b[c];
				for (const f of doc.features) s += w[f][c] * doc.value;
				z[c] = s;
			}
			const sw = sampleWeights[n] / totalWeight;
			if (binary) {
				const err = (sigmoid(z[0]) - targets[n]) * sw;
				gradB[0] += err;
				for (const f of doc.features) gradW[f][0] += err * doc.value;
				return;
			}
			softmaxInPlace(z);
			for (let c = 0; c < classes; c++) {
				const err = (z[c] - (targets[n] === c ? 1 : 0)) * sw;
				if (err === 0) continue;
				gradB[c] += err;
				for (const f of doc.features) gradW[f][c] += err * doc.value;
			}
		});
		for (let f = 0; f < nFeatures; f++) {
			const wf = w[f];
			const gf = gradW[f];
			for (let c = 0; c < classes; c++) wf[c] -= o.learningRate * (gf[c] + o.l2 * wf[c]);
		}
		for (let c = 0; c < classes; c++) b[c] -= o.learningRate * gradB[c];
	}
	return { w, b };
}

/** Train the three heads on labelled items. Deterministic: the same entries give the same model. */
export function train(entries: readonly TrainEntry[], options: Partial<TrainOptions> = {}): Model {
	const o: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...options };
	if (!entries.length) throw new Error('nothing to train on: the set has no items');
	const itemFeatureLists = entries.map((e) => itemFeatures(e.item));
	const counts = new Map<string, number>();
	for (const list of itemFeatureLists) for (const f of list) counts.set(f, (counts.get(f) ?? 0) + 1);
	const vocabulary = [...counts.keys()].filter((f) => (counts.get(f) ?? 0) >= o.minCount).sort();
	const index = new Map(vocabulary.map((f, i) => [f, i]));
	const docs = entries.map((e) => toDoc(e.item, index));

	// concern: every item.
	const isConcern = entries.map((e) => (e.label.kind === 'institutional' ? 0 : 1));
	const concern = fit(docs, isConcern, isConcern.map((y) => (y ? o.concernWeight : 1)), 1, vocabulary.length, o);

	// kind: the concern items only.
	const kindAt = entries.map((e) => CONCERN_KINDS.indexOf(e.label.kind as ConcernKind));
	const kindIdx = kindAt.map((k, i) => (k >= 0 ? i : -1)).filter((i) => i >= 0);
	const kind = fit(kindIdx.map((i) => docs[i]), kindIdx.map((i) => kindAt[i]), kindIdx.map(() => 1), CONCERN_KINDS.length, vocabulary.length, o);

	// category: institutional items with a category.
	const categorised = entries.map((e, i) => ({ e, i })).filter(({ e }) => e.label.kind === 'institutional' && typeof e.label.category === 'string' && e.label.category);
	const categories = [...new Set(categorised.map(({ e }) => e.label.category as string))].sort();
	const category = categories.length
		? fit(categorised.map(({ i }) => docs[i]), categorised.map(({ e }) => categories.indexOf(e.label.category as string)), categorised.map(() => 1), categories.length, vocabulary.length, o)
		: { w: vocabulary.map(() => new Float64Array(0)), b: new Float64Array(0) };

	const round = (x: number): number => {
		const r = Number(x.toFixed(o.decimals));
		return r === 0 ? 0 : r; // no -0 in the JSON
	};
	const features: Record<string, number[]> = {};
	vocabulary.forEach((name, f) => {
		const row = [...concern.w[f], ...kind.w[f], ...category.w[f]];
		if (row.every((x) => Math.abs(x) < o.prune)) return;
		features[name] = row.map(round);
	});
	return {
		format: MODEL_FORMAT,
		trained: { items: entries.length, concerns: kindIdx.length, categorised: categorised.length, options: o },
		heads: {
			concern: { labels: ['concern'], bias: [...concern.b].map(round) },
			kind: { labels: [...CONCERN_KINDS], bias: [...kind.b].map(round) },
			category: { labels: categories, bias: [...category.b].map(round) },
		},
		features,
	};
}

interface Compiled {
	rows: Map<string, number[]>;
	kinds: number;
	categories: number;
}

const compiledModels = new WeakMap<Model, Compiled>();

function compile(model: Model): Compiled {
	let compiled = compiledModels.get(model);
	if (!compiled) {
		compiled = { rows: new Map(Object.entries(model.features)), kinds: model.heads.kind.labels.length, categories: model.heads.category.labels.length };
		compiledModels.set(model, compiled);
	}
	return compiled;
}

/** The model's reading of one item. Pure and deterministic; well under a millisecond. */
export function classify(model: Model, item: ClassifierInput): Classification {
	const { rows, kinds, categories } = compile(model);
	const { concern, kind, category } = model.heads;
	const z = [concern.bias[0], ...kind.bias, ...category.bias];
	const names = itemFeatures(item);
	const value = featureValue(names.length);
	for (const name of names) {
		const row = rows.get(name);
		if (!row) continue;
		for (let c = 0; c < row.length; c++) z[c] += row[c] * value;
	}
	const kindZ = z.slice(1, 1 + kinds);
	const categoryP = softmaxInPlace(z.slice(1 + kinds, 1 + kinds + categories));
	const k = argmax(kindZ);
	const c = argmax(categoryP);
	return {
		concern: sigmoid(z[0]),
		concernKind: (kind.labels[k] ?? 'political') as ConcernKind,
		category: category.labels[c] ?? '',
		categoryScore: categoryP[c] ?? 0,
	};
}

/** Whether the classifier would send the item to review: its concern score reaches the threshold. */
export function isConcern(result: Classification, threshold = CONCERN_THRESHOLD): boolean {
	return result.concern >= threshold;
}

/** The model as a file: one feature per line, so a retrained model's diff is readable. */
export function serializeModel(model: Model): string {
	const { features, ...head } = model;
	const names = Object.keys(features);
	const lines = names.map((name, i) => `    ${JSON.stringify(name)}: ${JSON.stringify(features[name])}${i < names.length - 1 ? ',' : ''}`);
	const top = JSON.stringify(head);
	return `${top.slice(0, -1)},\n  "features": {\n${lines.join('\n')}\n  }\n}\n`;
}

/** A model read from JSON, checked; a wrong file is an Error saying what is wrong. */
export function modelFromJson(value: unknown): Model {
	const fail = (why: string): never => {
		throw new Error(`not a Banditore classifier model: ${why}`);
	};
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('not a JSON object');
	const m = value as Partial<Model>;
	if (m.format !== MODEL_FORMAT) return fail(`format is ${JSON.stringify(m.format) ?? 'missing'}, not "${MODEL_FORMAT}"`);
	const heads = m.heads;
	if (!heads || typeof heads !== 'object') return fail('no "heads"');
	let width = 0;
	for (const name of ['concern', 'kind', 'category'] as const) {
		const h = heads[name];
		if (!h || !Array.isArray(h.labels) || !Array.isArray(h.bias) || h.labels.length !== h.bias.length || !h.bias.every(Number.isFinite)) return fail(`head "${name}" needs labels and as many biases`);
		width += h.labels.length;
	}
	if (heads.concern.labels.length !== 1) fail('the concern head has one label');
	if (!m.features || typeof m.features !== 'object') return fail('no "features"');
	for (const [name, row] of Object.entries(m.features)) {
		if (!Array.isArray(row) || row.length !== width || !row.every(Number.isFinite)) fail(`feature ${JSON.stringify(name)} needs ${width} numbers`);
	}
	return m as Model;
}

function sigmoid(x: number): number {
	return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function softmaxInPlace<T extends { length: number; [i: number]: number }>(z: T): T {
	let max = -Infinity;
	for (let c = 0; c < z.length; c++) max = Math.max(max, z[c]);
	let sum = 0;
	for (let c = 0; c < z.length; c++) {
		z[c] = Math.exp(z[c] - max);
		sum += z[c];
	}
	for (let c = 0; c < z.length; c++) z[c] /= sum;
	return z;
}

function argmax(z: ArrayLike<number>): number {
	let best = 0;
	for (let c = 1; c < z.length; c++) if (z[c] > z[best]) best = c;
	return best;
}
