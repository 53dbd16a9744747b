// `npm start`: the whole demo on one machine. Builds, starts the scheduler (SQLite under data/,
// outbox transport, the demo comune Valmorena's rules), serves the demo comune site, starts a real n8n (installed on
// first use) with our package and the workflows, and prints where everything is. Ctrl-C stops it all.
//
// Environment: BANDITORE_DATA_DIR (data/), PORT (scheduler, 8787), N8N_PORT (5678; its task broker N8N_PORT+1),
// BANDITORE_SITE_PORT (8790), BANDITORE_RULES (rules/valmorena.yaml), BANDITORE_ADMIN_USER/PASSWORD,
// BANDITORE_CACHE_DIR (n8n's install cache), BANDITORE_SKIP_BUILD=1 (dist/ is already built),
// BANDITORE_INSTALL (how the package goes into n8n: community-nodes, the default, or manual; see README).
// Tests only: BANDITORE_CLOCK (scheduler's start time), BANDITORE_EVALUATE_AT (Policy node's time),
// BANDITORE_START_JSON=1 (one machine-readable "BANDITORE_READY {...}" line when everything is up).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { startDemoSite } from './demo-site.mjs';
import {
	FORM_PATH,
	ROOT,
	WORKFLOW_IDS,
	activate,
	cleanEnv,
	ensureN8n,
	importAll,
	installPackage,
	n8nEnv,
	packPackage,
	setupOwner,
	startN8n,
} from './n8n.mjs';

const env = process.env;
const dataDir = resolve(env.BANDITORE_DATA_DIR || join(ROOT, 'data'));
const schedulerPort = Number(env.PORT || 8787);
const n8nPort = Number(env.N8N_PORT || 5678);
const sitePort = Number(env.BANDITORE_SITE_PORT || 8790);
const rulesFile = resolve(env.BANDITORE_RULES || join(ROOT, 'rules', 'valmorena.yaml'));
const log = (line) => process.stdout.write(`[banditore] ${line}\n`);

const stops = [];
let stopping = false;
async function stopAll(code) {
	if (stopping) return;
	stopping = true;
	log('Stopping…');
	for (const stop of stops.reverse()) await stop().catch((error) => log(`while stopping: ${error.message}`));
	process.exit(code);
}
process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

/** Secrets made once and kept in data/secrets.json (0600): the same logins on every start. */
function secrets() {
	const file = join(dataDir, 'secrets.json');
	const saved = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
	const token = (bytes) => randomBytes(bytes).toString('base64url');
	const value = {
		apiToken: token(32),
		adminUser: 'admin',
		adminPassword: token(12),
		n8nEncryptionKey: token(32),
		n8nOwnerEmail: 'admin@banditore.local',
		// n8n wants 8+ characters with a digit and an upper-case letter.
		n8nOwnerPassword: `Banditore-${token(9)}-1`,
		formUser: 'protezione-civile',
		formPassword: token(12),
		...saved,
	};
	writeFileSync(file, JSON.stringify(value, null, 2), { mode: 0o600 });
	return value;
}

async function waitFor(url, what, child, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child?.exitCode !== null && child?.exitCode !== undefined) throw new Error(`${what} exited with code ${child.exitCode}`);
		try {
			if ((await fetch(url)).ok) return;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) throw new Error(`${what} did not answer on ${url} within ${timeoutMs / 1000} s`);
		await new Promise((done) => setTimeout(done, 300));
	}
}

function startScheduler(secret) {
	const configFile = join(dataDir, 'scheduler.yaml');
	// Generated on every start; paths are relative to this file, i.e. to data/.
	writeFileSync(
		configFile,
		[
			'# Written by scripts/start.mjs on every start: the demo channel, SQLite and the outbox in this folder.',
			'database: { path: banditore.sqlite }',
			'channels:',
			'  - id: demo',
			'    name: Comune di Valmorena (demo)',
			`    rules: ${JSON.stringify(rulesFile)}`,
			'    delivery: { kind: outbox, file: outbox.jsonl }',
			'',
		].join('\n'),
	);
	const url = `http://127.0.0.1:${schedulerPort}`;
	const { NODE_FLAGS } = createRequire(import.meta.url)(join(ROOT, 'scheduler', 'dist', 'scheduler', 'src', 'heap.js'));
	const child = spawn(process.execPath, [...NODE_FLAGS, join(ROOT, 'scheduler', 'dist', 'main.js')], {
		cwd: dataDir,
		stdio: ['ignore', 'inherit', 'inherit'],
		env: cleanEnv({
			BANDITORE_CONFIG: configFile,
			BANDITORE_API_TOKEN: secret.apiToken,
			HOST: '127.0.0.1',
			PORT: String(schedulerPort),
			BANDITORE_PUBLIC_URL: url,
			BANDITORE_ADMIN_USER: env.BANDITORE_ADMIN_USER || secret.adminUser,
			BANDITORE_ADMIN_PASSWORD: env.BANDITORE_ADMIN_PASSWORD || secret.adminPassword,
			LOG_LEVEL: env.LOG_LEVEL || 'warn',
		}),
	});
	stops.push(async () => {
		if (child.exitCode !== null) return;
		child.kill('SIGTERM');
		await new Promise((done) => child.once('exit', done));
	});
	child.once('exit', (code) => {
		if (!stopping) {
			log(`The scheduler stopped (exit ${code}).`);
			void stopAll(1);
		}
	});
	return { url, child };
}

async function main() {
	mkdirSync(dataDir, { recursive: true });
	if (env.BANDITORE_SKIP_BUILD !== '1') {
		log('Building (npm run build)…');
		execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit', env: cleanEnv() });
	}
	const secret = secrets();

	const scheduler = startScheduler(secret);
	await waitFor(`${scheduler.url}/healthz`, 'The scheduler', scheduler.child);
	log(`Scheduler on ${scheduler.url} (SQLite ${join(dataDir, 'banditore.sqlite')}).`);

	// Dates follow today (the news stay fresh for the rules), except on a test's fixed clock.
	const site = await startDemoSite({ port: sitePort, live: !env.BANDITORE_CLOCK });
	stops.push(site.close);
	log(`Demo comune site on ${site.url}`);

	const n8n = await ensureN8n({ log });
	const tarball = await packPackage();
	const userFolder = join(dataDir, 'n8n');
	const installed = await installPackage({ userFolder, tarball, way: env.BANDITORE_INSTALL || 'community-nodes' });
	rmSync(dirname(tarball), { recursive: true, force: true });
	const how = installed.way === 'manual' ? 'with npm install in the nodes folder, as README documents' : 'as n8n does for community nodes';
	log(`Installed ${tarball.split('/').pop()} into ${installed.dir} (${how}).`);

	const brokerPort = Number(env.N8N_RUNNERS_BROKER_PORT || n8nPort + 1);
	const environment = n8nEnv({ userFolder, port: n8nPort, brokerPort, encryptionKey: secret.n8nEncryptionKey });
	const imported = join(userFolder, '.banditore-imported');
	// Imported once: later starts keep what the user changed in the editor.
	if (!existsSync(imported) || env.BANDITORE_REIMPORT === '1') {
		log('Importing the workflows and their credentials into n8n…');
		await importAll(n8n, environment, {
			schedulerUrl: scheduler.url,
			schedulerToken: secret.apiToken,
			formUser: secret.formUser,
			formPassword: secret.formPassword,
			siteUrl: site.url,
			rulesFile,
			outboxFile: join(dataDir, 'whatsapp-outbox.jsonl'),
			evaluateAt: env.BANDITORE_EVALUATE_AT,
		});
		await activate(n8n, environment, [WORKFLOW_IDS.consegna, WORKFLOW_IDS.allerta]);
		writeFileSync(imported, new Date().toISOString());
	}

	log('Starting n8n…');
	const started = await startN8n(n8n, environment, { log: env.BANDITORE_N8N_LOG === '1' ? (text) => process.stdout.write(text) : undefined });
	stops.push(started.stop);
	started.child.once('exit', (code) => {
		if (!stopping) {
			log(`n8n stopped (exit ${code}):\n${started.output().slice(-3000)}`);
			void stopAll(1);
		}
	});
	const owner = await setupOwner(started.url, { email: secret.n8nOwnerEmail, password: secret.n8nOwnerPassword });

	const admin = { user: env.BANDITORE_ADMIN_USER || secret.adminUser, password: env.BANDITORE_ADMIN_PASSWORD || secret.adminPassword };
	const lines = [
		'',
		'Banditore is running. Ctrl-C stops everything.',
		'',
		`  n8n editor        ${started.url}`,
		`                    login ${secret.n8nOwnerEmail} / ${secret.n8nOwnerPassword}${owner === 'created' ? ' (account just created)' : ''}`,
		`  admin page        ${scheduler.url}/admin`,
		`                    login ${admin.user} / ${admin.password}`,
		`  emergency form    ${started.url}form/${FORM_PATH}`,
		`                    login ${secret.formUser} / ${secret.formPassword}`,
		`  demo comune site  ${site.url}`,
		`  scheduler API     ${scheduler.url} (token in ${join(dataDir, 'secrets.json')})`,
		'',
		`  WhatsApp outbox   ${join(dataDir, 'whatsapp-outbox.jsonl')} (dry run of the Consegna workflow)`,
		`  scheduler outbox  ${join(dataDir, 'outbox.jsonl')} (used only while Consegna is not active)`,
		'',
		'In n8n, open "Banditore – Sito → coda" and press "Execute workflow": the accepted news of the',
		'demo site go into the queue, and the active "Banditore – Consegna" writes them to the outbox.',
		'',
	];
	process.stdout.write(`${lines.join('\n')}\n`);
	if (env.BANDITORE_START_JSON === '1') {
		const ready = {
			n8nUrl: started.url,
			schedulerUrl: scheduler.url,
			siteUrl: site.url,
			apiToken: secret.apiToken,
			form: { url: `${started.url}form/${FORM_PATH}`, user: secret.formUser, password: secret.formPassword },
			owner: { email: secret.n8nOwnerEmail, password: secret.n8nOwnerPassword },
			n8nBin: n8n.bin,
			n8nEnv: Object.fromEntries(Object.entries(environment).filter(([key]) => /^(N8N_|DB_|WEBHOOK_URL|GENERIC_TIMEZONE|EXTERNAL_)/.test(key))),
			packageDir: installed.dir,
			installWay: installed.way,
			whatsappOutbox: join(dataDir, 'whatsapp-outbox.jsonl'),
			schedulerOutbox: join(dataDir, 'outbox.jsonl'),
		};
		process.stdout.write(`BANDITORE_READY ${JSON.stringify(ready)}\n`);
	}
}

main().catch((error) => {
	log(`Could not start: ${error.message}`);
	void stopAll(1);
});
