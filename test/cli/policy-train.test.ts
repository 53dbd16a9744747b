// `banditore policy train`, run as the built CLI on a slice of the development set: the figures on
// held-out publishers, the model file, and the errors of a set that cannot be trained on.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classify, modelFromJson } from '../../core/classifier';
import { ROOT, runCliSync } from '../cli-runner';

const DEV = join(ROOT, 'test', 'fixtures', 'policy', 'dev.jsonl');
const devLines = readFileSync(DEV, 'utf8').split('\n').filter(Boolean);
/** Every fourth item of the set: 271 items, concerns among them. */
const slice = devLines.filter((_, i) => i % 4 === 0);
const banditore = (args: string[]) => runCliSync(args, { timeout: 60_000 });

function tempDir(): string {
	return mkdtempSync(join(tmpdir(), 'banditore-train-'));
}

function tempSet(lines: string[]): string {
	const path = join(tempDir(), 'set.jsonl');
	writeFileSync(path, `${lines.join('\n')}\n`);
	return path;
}

describe('banditore policy train', () => {
	const set = tempSet(slice);

	it('prints the figures on held-out publishers and writes a model that reads items', () => {
		const out = join(tempDir(), 'sub', 'classifier.json');
		const run = banditore(['policy', 'train', set, '--out', out]);
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		const lines = run.stdout.split('\n');
		expect(lines[0]).toMatch(/^271 items from set\.jsonl, \d+ publishers\.$/);
		expect(lines[1]).toMatch(/^Held out \d+ of \d+ publishers \(\d+ items, \d+ of them concerns\); trained on the other \d+ items\.$/);
		expect(run.stdout).toContain('Concern (electoral, political, commercial) on the held-out items\nthreshold  recall          precision       institutional to review\n0.5 ');
		expect(run.stdout).toMatch(/\n0\.55 \* +\d+\/\d+ /);
		expect(run.stdout).toMatch(/\n0\.9 +\d+\/\d+ /);
		expect(run.stdout).toMatch(/\nKind right \(concern items\) +\d+\/\d+ /);
		expect(run.stdout).toMatch(/\nCategory right \(institutional\) +\d+\/\d+ \d+\.\d%\n/);
		expect(run.stdout).toMatch(/\nTime per item: \d+\.\d{3} ms\.\n/);
		expect(run.stdout).toMatch(new RegExp(`Trained on all 271 items \\(\\d+ concerns, \\d+ with a category\\): \\d+ features, wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ KB\\)\\.\\n$`));

		const model = modelFromJson(JSON.parse(readFileSync(out, 'utf8')));
		expect(model.trained.items).toBe(271);
		const political = classify(model, { title: 'La maggioranza attacca l’opposizione in consiglio comunale', summary: 'il PD e Fratelli d’Italia, scontro politico' });
		expect(political.concern).toBeGreaterThanOrEqual(0);
		expect(political.concern).toBeLessThanOrEqual(1);

		// The same set gives the same file.
		const again = join(tempDir(), 'again.json');
		expect(banditore(['policy', 'train', set, '--out', again, '--holdout', '0']).code).toBe(0);
		expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
	});

	it('--json prints the figures as one object; --holdout 0 measures nothing', () => {
		const out = join(tempDir(), 'model.json');
		const run = banditore(['policy', 'train', set, '--out', out, '--holdout', '0.3', '--json']);
		expect(run.code).toBe(0);
		const summary = JSON.parse(run.stdout);
		expect(summary.items).toBe(271);
		expect(summary.holdout.fraction).toBe(0.3);
		expect(summary.holdout.items + summary.holdout.trainedOn).toBe(271);
		expect(summary.figures.thresholds.map((t: { threshold: number }) => t.threshold)).toEqual([0.5, 0.55, 0.7, 0.9]);
		expect(summary.defaultThreshold).toBe(0.55);
		expect(summary.perItemMs).toBeGreaterThan(0);
		expect(summary.model.out).toBe(out);

		const none = banditore(['policy', 'train', set, '--out', out, '--holdout', '0']);
		expect(none.code).toBe(0);
		expect(none.stdout).not.toContain('Held out');
		expect(none.stdout).toContain('Trained on all 271 items');
	});

	it('a missing set, a malformed line, a set without concerns and a wrong --holdout are clear errors', () => {
		const out = join(tempDir(), 'never.json');
		const missing = banditore(['policy', 'train', 'test/fixtures/policy/nowhere.jsonl', '--out', out]);
		expect(missing.code).toBe(1);
		expect(missing.stderr).toBe('banditore: The labelled set test/fixtures/policy/nowhere.jsonl does not exist.\n');

		const broken = banditore(['policy', 'train', tempSet([slice[0], '{"id": "oops", "item": ', slice[1]]), '--out', out]);
		expect(broken.code).toBe(1);
		expect(broken.stdout).toBe('');
		expect(broken.stderr).toMatch(/^banditore: set\.jsonl line 2: not valid JSON \(.+\)\.\n$/);

		const institutional = slice.filter((line) => JSON.parse(line).label.kind === 'institutional');
		const good = banditore(['policy', 'train', tempSet(institutional), '--out', out]);
		expect(good.code).toBe(1);
		expect(good.stderr).toMatch(/has no electoral, political or commercial items \(label\.kind\); the classifier learns the one from the other\.\n$/);

		const wrong = banditore(['policy', 'train', set, '--holdout', 'half']);
		expect(wrong.code).toBe(2);
		expect(wrong.stderr).toContain('--holdout takes a fraction of the publishers from 0 to 0.9, not "half".');
		expect(banditore(['policy', 'train']).code).toBe(2);
		expect(() => readFileSync(out)).toThrow();
	});

	it('is listed in the help of banditore policy', () => {
		const help = banditore(['policy', 'train', '--help']);
		expect(help.code).toBe(0);
		expect(help.stdout).toMatch(/^Usage: banditore policy train <set\.jsonl>/);
		expect(banditore(['policy', '--help']).stdout).toContain('banditore policy train <set.jsonl> [--out FILE] [--holdout F] [--json]');
	});
});
