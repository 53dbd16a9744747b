// The clients of `npm run bench:scheduler`, in their own process (as real clients are): N concurrent
// clients over keep-alive connections (one socket each), for SECONDS after a short warm-up.
//   node load.mjs <url>[,<url>…] <clients> <seconds> decisions|healthz <token> [channels|channel]
// decisions: POST /v1/channels/bench/messages then POST /v1/channels/bench/slots (a decision: a 201
// slot or a 409 refusal); healthz: GET /healthz, the empty round trip on the same server.
// With several URLs (scheduler processes sharing one database) client i talks to URL i mod their
// number; with [channels], decision j goes to channel bench-(j mod channels) instead of bench; with a
// channel's id, every decision goes there.
// Prints one JSON line: { count, rate, p50, p99, requestP50, requestP99, cpu } (latency of one decision /
// one round trip, and of each HTTP request on its own, ms; cpu: cores this process used while measuring).
import http from 'node:http';

const [urls, clientsArg, secondsArg, mode, token, channelsArg] = process.argv.slice(2);
const clients = Number(clientsArg);
const seconds = Number(secondsArg);
const channels = /^\d+$/.test(channelsArg ?? '') ? Number(channelsArg) : 0;
const fixedChannel = channelsArg && !channels ? channelsArg : 'bench';
const targets = urls.split(',').map((url) => new URL(url));
const agent = new http.Agent({ keepAlive: true, maxSockets: clients, maxFreeSockets: clients });
const auth = `Bearer ${token}`;

/** Per-request latencies during the measured run (null during warm-up). */
let requestLatencies = null;

function request(target, method, path, body) {
	const started = performance.now();
	return new Promise((resolve, reject) => {
		const data = body === undefined ? undefined : JSON.stringify(body);
		const headers = data === undefined ? { authorization: auth } : { authorization: auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) };
		const req = http.request({ agent, host: target.hostname, port: target.port, path, method, headers }, (res) => {
			res.resume();
			res.on('end', () => {
				requestLatencies?.push(performance.now() - started);
				if (res.statusCode >= 400 && res.statusCode !== 409) reject(new Error(`${method} ${path}: HTTP ${res.statusCode}`));
				else resolve();
			});
		});
		req.on('error', reject);
		req.end(data);
	});
}

const tag = `${clients}-${Date.now()}`;
let i = 0;
const op =
	mode === 'healthz'
		? (target) => request(target, 'GET', '/healthz')
		: async (target) => {
				const j = i++;
				const dedupeKey = `b-${tag}-${j}`;
				const channel = channels ? `bench-${j % channels}` : fixedChannel;
				await request(target, 'POST', `/v1/channels/${channel}/messages`, { dedupeKey, text: `Messaggio ${j}` });
				await request(target, 'POST', `/v1/channels/${channel}/slots`, { dedupeKey });
			};

async function run(ms, latencies) {
	const end = performance.now() + ms;
	await Promise.all(
		Array.from({ length: clients }, async (_, client) => {
			const target = targets[client % targets.length];
			while (performance.now() < end) {
				const t = performance.now();
				await op(target);
				latencies?.push(performance.now() - t);
			}
		}),
	);
}

await run(Math.min(1000, seconds * 200), null); // warm-up: connections open, JIT warm
const latencies = [];
requestLatencies = [];
const start = performance.now();
const cpuStart = process.cpuUsage();
await run(seconds * 1000, latencies);
const elapsed = (performance.now() - start) / 1000;
const cpuUsed = process.cpuUsage(cpuStart);
latencies.sort((a, b) => a - b);
requestLatencies.sort((a, b) => a - b);
const pct = (list, p) => list[Math.min(list.length - 1, Math.floor((p / 100) * list.length))];
const result = { count: latencies.length, rate: latencies.length / elapsed, p50: pct(latencies, 50), p99: pct(latencies, 99), requestP50: pct(requestLatencies, 50), requestP99: pct(requestLatencies, 99), cpu: (cpuUsed.user + cpuUsed.system) / 1e6 / elapsed };
process.stdout.write(`${JSON.stringify(result)}\n`);
agent.destroy();
