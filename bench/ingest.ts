// npm run bench:ingest — the full read of a feed (decode, parse, normalise) against bare
// rss-parser.parseString on the same bytes, and a 500-card AGID listing. Each variant runs in its
// own child process so that its peak memory (maxRSS) is its own.
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import RssParser from 'rss-parser';
import { parseDocument } from '../core/read';
import { agidListing, rssFeed } from './documents';

const FEED_ITEMS = 5_000;
const CARDS = 500;
const ROUNDS = 7;

type Variant = 'full' | 'bare' | 'listing';
interface Measure {
	variant: Variant;
	items: number;
	firstMs: number;
	medianMs: number;
	maxRssMb: number;
}

async function runOnce(variant: Variant, bytes: Buffer): Promise<number> {
	if (variant === 'bare') {
		const feed = await new RssParser().parseString(bytes.toString('utf8'));
		return feed.items.length;
	}
	const url = variant === 'full' ? 'https://www.comune.esempio.it/feed/' : 'https://www.comune.esempio.it/novita';
	const doc = await parseDocument({ body: bytes, url, contentType: variant === 'full' ? 'application/rss+xml' : 'text/html; charset=utf-8' }, { kind: 'auto' }, { now: new Date('2026-11-23T12:00:00Z') });
	return doc.items.length;
}

async function measure(variant: Variant): Promise<Measure> {
	const bytes = variant === 'listing' ? agidListing(CARDS) : rssFeed(FEED_ITEMS);
	const times: number[] = [];
	let items = 0;
	for (let round = 0; round < ROUNDS; round++) {
		const start = performance.now();
		items = await runOnce(variant, bytes);
		times.push(performance.now() - start);
	}
	const sorted = [...times].sort((a, b) => a - b);
	return {
		variant,
		items,
		firstMs: times[0],
		medianMs: sorted[Math.floor(sorted.length / 2)],
		maxRssMb: process.resourceUsage().maxRSS / 1024,
	};
}

function child(variant: Variant): Measure {
	const out = execFileSync(process.execPath, [__filename, variant], { encoding: 'utf8' });
	return JSON.parse(out) as Measure;
}

function main(): void {
	const variant = process.argv[2] as Variant | undefined;
	if (variant) {
		void measure(variant).then((result) => process.stdout.write(JSON.stringify(result)));
		return;
	}
	// Alternate the variants over three runs and keep each one's best median: the machine is shared.
	const runs: Record<Variant, Measure[]> = { bare: [], full: [], listing: [] };
	for (let run = 0; run < 3; run++) for (const name of ['bare', 'full', 'listing'] as Variant[]) runs[name].push(child(name));
	const best = (name: Variant) => runs[name].reduce((a, b) => (b.medianMs < a.medianMs ? b : a));
	const bare = best('bare');
	const full = best('full');
	const listing = best('listing');
	const perSecond = (m: Measure) => Math.round((m.items / m.medianMs) * 1000).toLocaleString('en');
	const ratio = full.medianMs / bare.medianMs;
	const coldListing = Math.min(...runs.listing.map((m) => m.firstMs));
	const rows = [
		['variant', 'items', 'median ms', 'items/s', 'first ms', 'peak RSS MB'],
		[`bare rss-parser.parseString (${FEED_ITEMS} items)`, bare.items, bare.medianMs.toFixed(1), perSecond(bare), bare.firstMs.toFixed(1), bare.maxRssMb.toFixed(0)],
		[`Banditore full read (${FEED_ITEMS} items)`, full.items, full.medianMs.toFixed(1), perSecond(full), full.firstMs.toFixed(1), full.maxRssMb.toFixed(0)],
		[`AGID listing (${CARDS} cards)`, listing.items, listing.medianMs.toFixed(1), perSecond(listing), listing.firstMs.toFixed(1), listing.maxRssMb.toFixed(0)],
	].map((row) => row.map(String));
	const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
	for (const row of rows) console.log(row.map((cell, col) => cell.padEnd(widths[col])).join('  '));
	console.log('');
	console.log(`full read / bare parse: ${ratio.toFixed(2)}x (target <= 1.5x) ${ratio <= 1.5 ? 'OK' : 'OVER TARGET'}`);
	console.log(`500-card listing: ${listing.medianMs.toFixed(1)} ms warm, ${coldListing.toFixed(1)} ms first read in a fresh process (target < 150 ms) ${listing.medianMs < 150 ? 'OK' : 'OVER TARGET'}`);
}

main();
