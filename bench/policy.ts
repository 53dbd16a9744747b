// npm run bench:policy — 10,000 generated items against the Meda rules plus 500 extra blocked words.
// Deterministic (seeded), no network. Prints items per second.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NewsItem, SourceKind } from '../core/item';
import { evaluate, rulesFromObject, type Decision } from '../core/rules';
import { parseDocument } from '../core/vendor';

const ITEMS = 10_000;
const EXTRA_WORDS = 500;
const ROUNDS = 5;

/** mulberry32: the same items on every run, so figures compare across commits. */
function random(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let x = Math.imul(a ^ (a >>> 15), 1 | a);
		x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
		return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
	};
}

const rand = random(2026);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];

const SYLLABLES = ['ca', 'lo', 'me', 'ri', 'sta', 'ven', 'tu', 'gra', 'bel', 'don', 'fi', 'que', 'zio', 'nar', 'pol'];
const VOCABULARY = [
	'comune', 'città', 'servizi', 'cittadini', 'ufficio', 'anagrafe', 'biblioteca', 'scuola', 'mensa', 'strada',
	'lavori', 'cantiere', 'parco', 'piazza', 'mercato', 'orari', 'apertura', 'domanda', 'contributo', 'famiglie',
	'giovani', 'anziani', 'sportello', 'tributi', 'TARI', 'IMU', 'rifiuti', 'raccolta', 'differenziata', 'verde',
	'è', 'perché', 'più', 'attività', 'viabilità', 'sabato', 'domenica', 'lunedì', 'pomeriggio', 'mattina',
	'iscrizioni', 'aperte', 'nuovo', 'nuova', 'progetto', 'bando', 'avviso', 'ordinanza', 'allerta', 'meteo',
	'concerto', 'mostra', 'festa', 'evento', 'emergenza', 'sconto', 'partito', 'lista', 'votazione', 'candidati',
];
const BLOCKED_PHRASES = ['vota', 'lista civica', 'codice sconto', 'centrodestra', 'candidato sindaco'];
const CATEGORIES = ['Notizie', 'Avvisi', 'Eventi', 'Ordinanze', 'Comunicati', 'Allerta meteo', 'Cultura', 'Sport'];
const PATHS = ['/novita/notizie/', '/vivere-il-comune/eventi/', '/avvisi/', '/ordinanze/', '/amministrazione/'];
const KINDS: SourceKind[] = ['rss', 'rss', 'html', 'atom', 'youtube'];

function word(): string {
	let w = '';
	const n = 2 + Math.floor(rand() * 3);
	for (let i = 0; i < n; i++) w += pick(SYLLABLES);
	return w;
}

function sentence(words: number): string {
	const out: string[] = [];
	for (let i = 0; i < words; i++) out.push(pick(VOCABULARY));
	out[0] = out[0][0].toUpperCase() + out[0].slice(1);
	return out.join(' ');
}

function makeItems(extra: string[]): NewsItem[] {
	const items: NewsItem[] = [];
	// Published in the three days before "now" (2026-04-01 10:00Z), some a little older.
	const base = Date.parse('2026-03-29T10:00:00Z');
	for (let i = 0; i < ITEMS; i++) {
		let summary = `${sentence(25 + Math.floor(rand() * 40))}.`;
		// One item in twenty carries one of the office's extra words.
		if (rand() < 0.05) summary += ` ${pick(extra)}.`;
		if (rand() < 0.03) summary += ` ${pick(BLOCKED_PHRASES)}.`;
		const link = `https://www.comune.meda.mb.it${pick(PATHS)}voce-${i}`;
		items.push({
			id: link,
			title: sentence(6 + Math.floor(rand() * 8)),
			summary,
			link,
			publishedAt: new Date(base + Math.floor(rand() * 3 * 86_400_000)).toISOString(),
			updatedAt: null,
			categories: rand() < 0.7 ? [pick(CATEGORIES)] : [],
			image: rand() < 0.3 ? 'https://www.comune.meda.mb.it/img.jpg' : null,
			source: { name: 'Sito', url: 'https://www.comune.meda.mb.it/feed', kind: pick(KINDS) },
		});
	}
	return items;
}

interface Run {
	compileMs: number;
	rate: number;
	best: number;
	counts: Record<'accept' | 'hold' | 'reject', number>;
	entries: number;
}

/** The rules compiled from `data`, then every item judged ROUNDS times: the median rate. */
function measure(data: unknown, items: NewsItem[], now: Date): Run {
	const t0 = performance.now();
	const compiled = rulesFromObject(data);
	const compileMs = performance.now() - t0;
	if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems, null, 2));
	const rules = compiled.rules;
	for (let i = 0; i < 1000; i++) evaluate(items[i], rules, { now });
	const rates: number[] = [];
	let last: Decision[] = [];
	for (let round = 0; round < ROUNDS; round++) {
		const start = performance.now();
		last = items.map((it) => evaluate(it, rules, { now }));
		rates.push(ITEMS / ((performance.now() - start) / 1000));
	}
	rates.sort((a, b) => a - b);
	const counts = { accept: 0, hold: 0, reject: 0 };
	for (const d of last) counts[d.verdict]++;
	return { compileMs, rate: rates[Math.floor(ROUNDS / 2)], best: rates[ROUNDS - 1], counts, entries: rules.blocked.reduce((n, b) => n + b.words.size, 0) };
}

const n = (x: number): string => Math.round(x).toLocaleString('en-US');

function main(): void {
	const root = join(__dirname, '..', '..');
	const data = parseDocument(readFileSync(join(root, 'rules', 'meda.yaml'), 'utf8')).toJS() as {
		blocked: Array<{ id: string; words?: string[] }>;
		election: { periods: unknown[]; calendar?: boolean };
		classifier?: { enabled: boolean };
	};
	const unique = new Set<string>();
	while (unique.size < EXTRA_WORDS) unique.add(unique.size % 3 === 0 ? `${word()} ${word()}` : word());
	const extra = [...unique];
	data.blocked.push({ id: 'ufficio', words: extra, ...{ reason: 'Parola esclusa dall’ufficio' } });
	// An election period in force half of the time, so that path is measured too.
	data.election.periods = [{ name: 'Comunali', start: '2026-03-25', end: '2026-04-05 15:00' }];
	data.election.calendar = false;
	const items = makeItems(extra);
	const now = new Date('2026-04-01T10:00:00Z');
	// The baseline is the rules alone; then the same rules with the learned classifier on.
	const alone = measure({ ...data, classifier: { enabled: false } }, items, now);
	const withClassifier = measure({ ...data, classifier: { enabled: true } }, items, now);
	const costUs = (1 / withClassifier.rate - 1 / alone.rate) * 1e6;
	const line = (name: string, r: Run): string =>
		`  ${name.padEnd(18)} ${n(r.rate).padStart(7)} items/s (best ${n(r.best)}), ${(1e6 / r.rate).toFixed(1)} µs/item; verdicts accept ${r.counts.accept}, hold ${r.counts.hold}, reject ${r.counts.reject}; compile ${r.compileMs.toFixed(0)} ms`;
	process.stdout.write(
		[
			`bench:policy  ${ITEMS} items, Meda rules + ${EXTRA_WORDS} extra blocked words (${alone.entries} blocked entries in all), median of ${ROUNDS} rounds`,
			line('rules alone', alone),
			line('+ classifier', withClassifier),
			`  classifier cost: ${costUs.toFixed(1)} µs per item; with it ${(withClassifier.rate / alone.rate * 100).toFixed(0)}% of the rules-alone rate (baseline)`,
			'',
		].join('\n'),
	);
}

main();
