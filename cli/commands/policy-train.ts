// banditore policy train: train the news classifier (core/classifier) on a comune's own labelled set.
// First the figures, on publishers held out of training; then the model, trained on the whole set.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BanditoreError } from '../../core/errors';
// Not '../../core/classifier': that reads the shipped model.json, which training has no use for.
import { measure, REPORT_THRESHOLDS, type ClassifierFigures, type Count } from '../../core/classifier/measure';
import { classify, CONCERN_THRESHOLD, serializeModel, train, type TrainEntry } from '../../core/classifier/model';
import type { LabelledEntry } from '../../core/rules/eval';
import { parseCommandArgs, UsageError } from '../usage';
import { loadSetOrReport } from './policy-eval';

const DEFAULT_OUT = 'data/classifier.json';
const DEFAULT_HOLDOUT = 0.25;
const MAX_HOLDOUT = 0.9;
/** About this many classifications are timed, whatever the size of the set. */
const TIMED = 10_000;

export const POLICY_TRAIN_HELP = `Usage: banditore policy train <set.jsonl> [--out FILE] [--holdout F] [--json]

Trains the classifier of news items on a labelled set (the format of "banditore policy eval"):
a concern score (electoral, political or commercial rather than institutional, from label.kind)
and a category (label.category of the institutional items). First it measures: it trains on the
items of some publishers and judges those of the others (provenance.publisher; without one, the
item's source name), and prints concern recall and precision at some thresholds, how many
institutional items would go to review, kind and category accuracy, and the time per item. Then it
trains on the whole set and writes the model. Training is deterministic: the same set gives the same
file. Exits 0 when the model was written, 1 when the set cannot be read or trained on.

Options:
  --out FILE     Where to write the model (default: ${DEFAULT_OUT})
  --holdout F    The fraction of publishers held out to measure, 0 to ${MAX_HOLDOUT}, chosen by the MD5
                 of their name (default: ${DEFAULT_HOLDOUT}; 0 measures nothing)
  --json         Print the figures as one JSON object`;

export async function policyTrainCommand(args: string[]): Promise<number> {
	const { values, positionals } = parseCommandArgs(
		{
			args,
			allowPositionals: true,
			options: {
				out: { type: 'string' },
				holdout: { type: 'string' },
				json: { type: 'boolean', default: false },
				help: { type: 'boolean', short: 'h', default: false },
			},
		},
		POLICY_TRAIN_HELP,
	);
	if (values.help) {
		process.stdout.write(`${POLICY_TRAIN_HELP}\n`);
		return 0;
	}
	if (positionals.length !== 1) throw new UsageError(`${positionals.length ? 'give one labelled set' : 'which labelled set?'}\n${POLICY_TRAIN_HELP}`);
	const holdout = values.holdout === undefined ? DEFAULT_HOLDOUT : Number(values.holdout);
	if (values.holdout?.trim() === '' || !Number.isFinite(holdout) || holdout < 0 || holdout > MAX_HOLDOUT) {
		throw new UsageError(`--holdout takes a fraction of the publishers from 0 to ${MAX_HOLDOUT}, not "${values.holdout}".`);
	}
	const out = values.out ?? DEFAULT_OUT;

	const [file] = positionals;
	const entries = await loadSetOrReport(file);
	if (!entries) return 1;
	const lacking = missingKinds(entries);
	if (lacking) {
		process.stderr.write(`banditore: ${file} ${lacking}; the classifier learns the one from the other.\n`);
		return 1;
	}

	const publishers = new Set(entries.map(publisherOf));
	const held = (e: LabelledEntry): boolean => holdout > 0 && heldOut(publisherOf(e), holdout);
	const trainPart = entries.filter((e) => !held(e));
	const testPart = entries.filter(held);
	const heldPublishers = new Set(testPart.map(publisherOf)).size;
	let figures: ClassifierFigures | null = null;
	let skipped: string | null = null;
	if (holdout > 0) {
		if (!testPart.length || !trainPart.length) skipped = `no figures: holding out ${holdout} of ${publishers.size} publishers leaves ${testPart.length ? 'nothing to train on' : 'nothing to measure'}`;
		else if (missingKinds(trainPart)) skipped = `no figures: the publishers kept for training ${missingKinds(trainPart)}`;
		else {
			const thresholds = [...new Set([...REPORT_THRESHOLDS, CONCERN_THRESHOLD])].sort((a, b) => a - b);
			figures = measure(train(trainPart), testPart, thresholds);
		}
	}

	const model = train(entries);
	const perItemMs = timePerItem(model, entries);
	const text = serializeModel(model);
	try {
		await mkdir(dirname(out), { recursive: true });
		await writeFile(out, text);
	} catch (error) {
		throw new BanditoreError('model_unwritable', `The model cannot be written to ${out} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, undefined, { cause: error });
	}

	const features = Object.keys(model.features).length;
	if (values.json) {
		const summary = {
			set: basename(file),
			items: entries.length,
			publishers: publishers.size,
			holdout: { fraction: holdout, publishers: heldPublishers, items: testPart.length, trainedOn: trainPart.length, skipped },
			figures,
			defaultThreshold: CONCERN_THRESHOLD,
			perItemMs,
			model: { out, bytes: Buffer.byteLength(text), features, ...model.trained },
		};
		process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
		return 0;
	}
	const lines: string[] = [];
	lines.push(`${entries.length} items from ${basename(file)}, ${publishers.size} publishers.`);
	if (skipped) lines.push(`${skipped[0].toUpperCase()}${skipped.slice(1)}.`);
	else if (figures) {
		lines.push(`Held out ${heldPublishers} of ${publishers.size} publishers (${testPart.length} items, ${figures.concerns} of them concerns); trained on the other ${trainPart.length} items.`);
		lines.push('');
		lines.push('Concern (electoral, political, commercial) on the held-out items');
		lines.push(`threshold  ${'recall'.padEnd(16)}${'precision'.padEnd(16)}institutional to review`);
		for (const t of figures.thresholds) {
			const name = `${t.threshold}${t.threshold === CONCERN_THRESHOLD ? ' *' : ''}`;
			lines.push(`${name.padEnd(11)}${ratio(t.recall).padEnd(16)}${ratio(t.precision).padEnd(16)}${ratio(t.falseConcern)}`);
		}
		lines.push(`* the default threshold (CONCERN_THRESHOLD)`);
		lines.push(`Kind right (concern items)          ${ratio(figures.kind)}`);
		lines.push(`Category right (institutional)      ${ratio(figures.category)}`);
	}
	lines.push('');
	lines.push(`Time per item: ${perItemMs.toFixed(3)} ms.`);
	lines.push(
		`Trained on all ${entries.length} items (${model.trained.concerns} concerns, ${model.trained.categorised} with a category): ${features} features, ` +
			`wrote ${out} (${Math.round(Buffer.byteLength(text) / 1024)} KB).`,
	);
	process.stdout.write(`${lines.join('\n')}\n`);
	return 0;
}

/** What the set lacks to be trained on, or null. */
function missingKinds(entries: readonly TrainEntry[]): string | null {
	if (!entries.length) return 'has no items';
	const concerns = entries.filter((e) => e.label.kind !== 'institutional').length;
	if (!concerns) return 'has no electoral, political or commercial items (label.kind)';
	if (concerns === entries.length) return 'has no institutional items (label.kind)';
	return null;
}

/** Who published the item: provenance.publisher, else the source's name, else the link's host. */
export function publisherOf(entry: LabelledEntry): string {
	const provenance = entry.provenance as { publisher?: unknown } | undefined;
	if (typeof provenance?.publisher === 'string' && provenance.publisher.trim()) return provenance.publisher;
	const source = entry.item.source as { name?: unknown } | undefined;
	if (typeof source?.name === 'string' && source.name.trim()) return source.name;
	return /^[a-z]+:\/\/([^/?#]+)/i.exec(entry.item.link)?.[1] ?? entry.id;
}

/**
 * Whether a publisher is held out: the first 8 hex digits of the MD5 of its name, read as a fraction
 * of 1, are at least 1 − fraction. With 0.25, the publishers whose MD5 begins with c, d, e or f.
 */
export function heldOut(publisher: string, fraction: number): boolean {
	const u = parseInt(createHash('md5').update(publisher).digest('hex').slice(0, 8), 16) / 2 ** 32;
	return u >= 1 - fraction;
}

/** Milliseconds per classify(), over about TIMED classifications of the set's items. */
function timePerItem(model: ReturnType<typeof train>, entries: readonly TrainEntry[]): number {
	for (const e of entries) classify(model, e.item);
	const rounds = Math.max(1, Math.ceil(TIMED / entries.length));
	const start = performance.now();
	for (let r = 0; r < rounds; r++) for (const e of entries) classify(model, e.item);
	return (performance.now() - start) / (rounds * entries.length);
}

function ratio(c: Count): string {
	return `${c.count}/${c.total} ${c.total ? `${((c.count / c.total) * 100).toFixed(1)}%` : '—'}`;
}
