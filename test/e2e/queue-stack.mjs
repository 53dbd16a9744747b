// n8n in queue mode for test/e2e/n8n-queue.e2e.test.ts, as README's "Many comuni" section sets it up:
// one main (`n8n start`) and one worker (`n8n worker`) sharing a PostgreSQL database, Redis and the
// encryption key, each with our packed tarball installed as a community package (a worker runs the
// nodes, so it needs them too); a real scheduler with two comuni, each channel with the sources of
// its own site; the shared workflow "Siti dei comuni → coda" active, on a short schedule.
// Prints one line "QUEUE_READY {...}" once everything is up; SIGTERM stops it all.
//
// Environment, from the test: BANDITORE_N8N_VERSION, QUEUE_DIR (a folder of its own, with the second
// comune's site in borgo/), QUEUE_DB (n8n's database, created by the test), QUEUE_PREFIX (the Bull
// key prefix of this run), QUEUE_TOKEN (the scheduler's API token).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { startDemoSite } from '../../scripts/demo-site.mjs';
import {
	ROOT,
	activate,
	cleanEnv,
	ensureN8n,
	importCredentials,
	importWorkflows,
	installPackage,
	n8nEnv,
	packPackage,
	schedulerCredential,
	startN8n,
	startN8nWorker,
} from '../../scripts/n8n.mjs';

export const WORKFLOW_ID = 'bndtSitoComuni01';
const env = process.env;
const dir = env.QUEUE_DIR;
const log = (line) => process.stderr.write(`[queue stack] ${line}\n`);
const stops = [];
let stopping = false;

async function freePort() {
	const server = createServer();
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	await new Promise((resolve) => server.close(resolve));
	return port;
}

async function stopAll(code) {
	if (stopping) return;
	stopping = true;
	for (const stop of stops.reverse()) await stop().catch((error) => log(`while stopping: ${error.message}`));
	process.exit(code);
}
process.once('SIGTERM', () => void stopAll(0));
process.once('SIGINT', () => void stopAll(0));

async function startScheduler(sites) {
	const port = await freePort();
	const config = join(dir, 'scheduler.yaml');
	const channels = [
		{
			id: 'valmorena',
			name: 'Comune di Valmorena',
			rules: join(ROOT, 'rules', 'valmorena.yaml'),
			delivery: { kind: 'outbox', file: join(dir, 'outbox-valmorena.jsonl') },
			sources: [{ url: sites.valmorena }, { url: `${sites.valmorena}avvisi.xml`, kind: 'rss' }],
		},
		{
			id: 'borgo',
			name: 'Comune di Borgo',
			rules: join(ROOT, 'rules', 'meda.yaml'),
			delivery: { kind: 'outbox', file: join(dir, 'outbox-borgo.jsonl') },
			sources: [{ url: `${sites.borgo}avvisi.xml`, kind: 'rss', name: 'Comune di Borgo' }],
		},
	];
	writeFileSync(config, JSON.stringify({ database: { path: join(dir, 'banditore.sqlite') }, channels }, null, 2)); // JSON is YAML
	const child = spawn(process.execPath, [join(ROOT, 'scheduler', 'dist', 'main.js')], {
		cwd: dir,
		stdio: ['ignore', 'inherit', 'inherit'],
		env: cleanEnv({ BANDITORE_CONFIG: config, BANDITORE_API_TOKEN: env.QUEUE_TOKEN, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' }),
	});
	stops.push(async () => {
		if (child.exitCode !== null) return;
		child.kill('SIGTERM');
		await new Promise((done) => child.once('exit', done));
	});
	const url = `http://127.0.0.1:${port}`;
	for (const deadline = Date.now() + 60_000; ; ) {
		if (child.exitCode !== null) throw new Error(`the scheduler exited with code ${child.exitCode}`);
		if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) return url;
		if (Date.now() > deadline) throw new Error(`the scheduler did not answer on ${url}`);
		await new Promise((done) => setTimeout(done, 300));
	}
}

/** The shared workflow as shipped, with its schedule every few seconds instead of every 10 minutes. */
function sharedWorkflow() {
	const workflow = JSON.parse(readFileSync(join(ROOT, 'workflows', 'sito-coda-comuni.json'), 'utf8'));
	const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.scheduleTrigger');
	trigger.parameters.rule = { interval: [{ field: 'seconds', secondsInterval: 5 }] };
	return { file: 'sito-coda-comuni.json', workflow };
}

async function main() {
	const n8n = await ensureN8n({ version: env.BANDITORE_N8N_VERSION, log });
	const valmorena = await startDemoSite(); // as written (20 November 2026): the titles the test expects
	const borgo = await startDemoSite({ dir: join(dir, 'borgo') });
	stops.push(valmorena.close, borgo.close);
	const sites = { valmorena: valmorena.url, borgo: borgo.url };
	const schedulerUrl = await startScheduler(sites);

	const tarball = await packPackage();
	const folders = { main: join(dir, 'n8n-main'), worker: join(dir, 'n8n-worker') };
	for (const userFolder of Object.values(folders)) await installPackage({ userFolder, tarball });
	rmSync(dirname(tarball), { recursive: true, force: true });

	// What main and worker share: the database, Redis with this run's key prefix, the encryption key.
	const queue = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: '6379',
		QUEUE_BULL_PREFIX: env.QUEUE_PREFIX,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: '5432',
		DB_POSTGRESDB_DATABASE: env.QUEUE_DB,
		DB_POSTGRESDB_USER: 'postgres',
		DB_POSTGRESDB_PASSWORD: '',
		// The editor's "Execute workflow" runs on a worker too (n8n 1.x's default keeps it on the main).
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_LOG_LEVEL: 'info',
	};
	const encryptionKey = randomBytes(24).toString('base64url');
	const mainPort = await freePort();
	const mainEnv = n8nEnv({ userFolder: folders.main, port: mainPort, brokerPort: await freePort(), encryptionKey, extra: queue });
	const workerEnv = n8nEnv({
		userFolder: folders.worker,
		port: await freePort(),
		brokerPort: await freePort(),
		encryptionKey,
		extra: { ...queue, QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(await freePort()) },
	});

	await importCredentials(n8n, mainEnv, [schedulerCredential({ schedulerUrl, schedulerToken: env.QUEUE_TOKEN })]);
	await importWorkflows(n8n, mainEnv, [sharedWorkflow()]);
	await activate(n8n, mainEnv, [WORKFLOW_ID]);

	const logs = { main: join(dir, 'n8n-main.log'), worker: join(dir, 'n8n-worker.log') };
	const writer = (file) => {
		const stream = createWriteStream(file);
		return (text) => stream.write(text);
	};
	const worker = await startN8nWorker(n8n, workerEnv, { log: writer(logs.worker) });
	stops.push(worker.stop);
	const started = await startN8n(n8n, mainEnv, { log: writer(logs.main) });
	stops.push(started.stop);
	for (const [name, child] of [['worker', worker.child], ['main', started.child]]) {
		child.once('exit', (code) => {
			if (stopping) return;
			log(`n8n ${name} stopped (exit ${code})`);
			void stopAll(1);
		});
	}
	const ready = { n8nUrl: started.url, schedulerUrl, sites, logs, workflowId: WORKFLOW_ID, version: n8n.version };
	process.stdout.write(`QUEUE_READY ${JSON.stringify(ready)}\n`);
}

main().catch((error) => {
	log(`could not start: ${error.stack ?? error.message}`);
	void stopAll(1);
});
