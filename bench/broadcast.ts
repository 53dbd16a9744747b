// npm run bench:broadcast [-- --recipients 20000 --rates 80,1000 --throttle 0.01 --latency 50]
// A fake Graph API on 127.0.0.1 (50 ms latency, a share of random 130429 answers) and a template
// broadcast at each rate cap, with the real engine, keep-alive client and fsynced send log. Prints
// the achieved rate as a fraction of the cap, duplicates (must be 0) and the peak memory of the
// process (engine and fake server together).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { broadcast, FileSendLog, type Recipient } from '../core/whatsapp/broadcast';
import { createHttpClient } from '../core/whatsapp/http';
import { cloudBody, sendCloud } from '../core/whatsapp/transports/cloud';
import { graphError, startFakeGraph } from '../test/whatsapp/fake-graph';

function option(name: string, fallback: string): string {
	const at = process.argv.indexOf(`--${name}`);
	return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const RECIPIENTS = Number(option('recipients', '20000'));
const RATES = option('rates', '80,1000').split(',').map(Number);
const THROTTLE = Number(option('throttle', '0.01'));
const LATENCY = Number(option('latency', '50'));

let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

async function runAt(rate: number): Promise<boolean> {
	const seed = { value: 42 };
	const random = () => ((seed.value = (seed.value * 1103515245 + 12345) % 2147483648) / 2147483648);
	const graph = await startFakeGraph({ latencyMs: LATENCY, script: () => (random() < THROTTLE ? graphError(130429, 'Rate limit hit') : undefined) });
	graph.keepBodies = false;
	const http = createHttpClient({ maxSockets: 256 });
	const dir = mkdtempSync(join(tmpdir(), 'bench-broadcast-'));
	const recipients: Recipient[] = Array.from({ length: RECIPIENTS }, (_, i) => ({ key: `s${i}`, to: `39333${String(i).padStart(7, '0')}` }));
	const config = { baseUrl: graph.url, version: 'v23.0', phoneNumberId: '1234567890', accessToken: 'bench', http };
	peak = 0;
	const report = await broadcast({
		broadcastId: `bench-${rate}`,
		recipients,
		log: new FileSendLog(join(dir, 'log.jsonl')),
		rate,
		backoffMs: 1000,
		send: (recipient, data) =>
			sendCloud(config, cloudBody(recipient.to, { kind: 'template', name: 'notizia_comune', language: 'it', body: ['Allerta meteo arancione: scuole chiuse domani'] }, data)),
		onProgress: (p) => process.stdout.write(`\r  ${p.sent} sent, ${p.failed} failed, ${p.remaining} left, ${p.rate.toFixed(0)}/s, ${p.secondsLeft === null ? '?' : p.secondsLeft.toFixed(0)} s left   `),
	});
	process.stdout.write('\n');
	const duplicates = [...graph.accepted.values()].filter((count) => count > 1).length;
	const seconds = report.durationMs / 1000;
	const pacedShare = report.pacedRate / rate;
	const sentRate = report.sent / seconds;
	const pct = (value: number) => `${((value / rate) * 100).toFixed(1)}%`;
	console.log(
		`  cap ${rate}/s: ${report.sent}/${RECIPIENTS} sent in ${seconds.toFixed(1)} s\n` +
			`    paced rate (first pass, every recipient tried once): ${report.pacedRate.toFixed(1)}/s = ${pct(report.pacedRate)} of cap\n` +
			`    whole run incl. retry backoff tail: requests ${report.requestRate.toFixed(1)}/s = ${pct(report.requestRate)}, accepted ${sentRate.toFixed(1)}/s = ${pct(sentRate)}\n` +
			`    130429 answers ${report.errors.throttle ?? 0}; duplicates ${duplicates}; missing ${RECIPIENTS - graph.accepted.size}; peak RSS ${mb(peak)} MB`,
	);
	http.close();
	await graph.close();
	rmSync(dir, { recursive: true, force: true });
	return duplicates === 0 && graph.accepted.size === RECIPIENTS && pacedShare >= 0.97 && peak < 200 * 1024 * 1024;
}

async function main(): Promise<void> {
	console.log(`broadcast: ${RECIPIENTS} recipients, latency ${LATENCY} ms, ${(THROTTLE * 100).toFixed(1)}% random 130429, rates ${RATES.join(', ')}/s`);
	let ok = true;
	for (const rate of RATES) ok = (await runAt(rate)) && ok;
	clearInterval(sampler);
	console.log(ok ? 'target met: ≥ 97% of the cap, 0 duplicates, < 200 MB' : 'target NOT met');
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
