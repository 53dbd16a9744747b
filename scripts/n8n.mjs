// A real, pinned n8n for the end-to-end test and `npm start`: installed once into a cache outside
// the clone, with our packed tarball installed as a community package, the workflows and their
// credentials imported, and n8n kept off the network.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The n8n releases the end-to-end test runs; the first is the default. */
export const N8N_VERSIONS = JSON.parse(readFileSync(join(ROOT, 'scripts', 'n8n', 'versions.json'), 'utf8')).tested;
export const N8N_VERSION = process.env.BANDITORE_N8N_VERSION || N8N_VERSIONS[0];
export const WORKFLOW_FILES = ['sito-coda.json', 'consegna.json', 'allerta.json'];
export const WORKFLOW_IDS = { sitoCoda: 'bndtSitoCoda0001', consegna: 'bndtConsegna0001', allerta: 'bndtAllerta00001' };
export const CREDENTIAL_IDS = { scheduler: 'bndtSchedApi0001', allerta: 'bndtAllertaAuth1' };
export const FORM_PATH = 'banditore-allerta';
const PACKAGE = 'n8n-nodes-banditore';
const MARKER = '.banditore-complete';

export const cacheDir = () => process.env.BANDITORE_CACHE_DIR || join(homedir(), '.cache', 'banditore');

/** Child processes get our environment minus npm's own variables (npm run sets dozens). */
export function cleanEnv(extra = {}) {
	const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
	return { ...env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', ...extra };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

/** A directory lock: mkdir is atomic. A lock whose owner died is taken over. */
async function withLock(path, log, fn) {
	mkdirSync(dirname(path), { recursive: true });
	let told = false;
	for (;;) {
		try {
			mkdirSync(path);
			writeFileSync(join(path, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			const pid = Number(readFileSync(join(path, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
			if (pid && !alive(pid)) {
				rmSync(path, { recursive: true, force: true });
				continue;
			}
			if (!told) log(`Another process (pid ${pid || '?'}) is installing n8n: waiting for it…`);
			told = true;
			await sleep(2000);
		}
	}
	try {
		return await fn();
	} finally {
		rmSync(path, { recursive: true, force: true });
	}
}

/**
 * Installs n8n@version (from the npm registry, with the overrides of scripts/n8n/package.json) into
 * the cache unless a complete install is there. Returns { dir, bin, version, installed, seconds }.
 */
export async function ensureN8n({ version = N8N_VERSION, log = console.log } = {}) {
	const dir = join(cacheDir(), `n8n-${version}`);
	const bin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const done = () => existsSync(join(dir, MARKER)) && existsSync(bin);
	if (done()) return { dir, bin, version, installed: false, seconds: 0 };
	return await withLock(`${dir}.lock`, log, async () => {
		if (done()) return { dir, bin, version, installed: false, seconds: 0 };
		const started = Date.now();
		log(`Installing n8n ${version} into ${dir} (first use only: about 10 minutes, it downloads ~1,900 packages and compiles sqlite3 and isolated-vm)…`);
		rmSync(dir, { recursive: true, force: true }); // a half install is redone from scratch
		mkdirSync(dir, { recursive: true });
		const manifest = JSON.parse(readFileSync(join(ROOT, 'scripts', 'n8n', 'package.json'), 'utf8'));
		manifest.dependencies.n8n = version;
		writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
		try {
			await run('npm', ['install', '--no-audit', '--no-fund', '--omit=dev', '--loglevel=error'], {
				cwd: dir,
				// @scarf/scarf (a dependency of n8n's) reports installs to scarf.sh unless told not to.
				env: cleanEnv({ SCARF_ANALYTICS: 'false', DO_NOT_TRACK: '1' }),
				maxBuffer: 64 * 1024 * 1024,
			});
		} catch (error) {
			throw new Error(`npm install of n8n ${version} failed in ${dir}:\n${String(error.stderr || error.message).slice(-4000)}`);
		}
		if (!existsSync(bin)) throw new Error(`npm install of n8n ${version} finished but ${bin} is missing`);
		const seconds = Math.round((Date.now() - started) / 1000);
		writeFileSync(join(dir, MARKER), JSON.stringify({ version, seconds, at: new Date().toISOString() }));
		log(`n8n ${version} installed in ${seconds} s.`);
		return { dir, bin, version, installed: true, seconds };
	});
}

/** `npm pack` of the repository (after a build): the tarball a user would install. */
export async function packPackage(destination = mkdtempSync(join(tmpdir(), 'banditore-pack-'))) {
	const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', destination], { cwd: ROOT, env: cleanEnv() });
	const name = stdout.trim().split('\n').pop();
	return join(destination, name);
}

/** The two ways README documents to install the package into an existing n8n. */
export const INSTALL_WAYS = ['community-nodes', 'manual'];

/**
 * Installs the tarball into <userFolder>/.n8n/nodes, so n8n loads its nodes as n8n-nodes-banditore.*,
 * one of the two ways README documents:
 * - 'community-nodes' (Settings → Community Nodes → Install): what n8n's installer does with the
 *   package it fetched (unpacked into node_modules/<name>, peer and dev dependencies dropped, `npm
 *   install` there, the folder's package.json updated), from our tarball instead of the registry;
 * - 'manual': README's command on the n8n host, `cd ~/.n8n/nodes && npm install <package>`, with
 *   the tarball as the package. npm must not install the peer n8n-workflow there (it is optional).
 */
export async function installPackage({ userFolder, tarball, way = 'community-nodes' }) {
	const nodes = join(userFolder, '.n8n', 'nodes');
	const target = join(nodes, 'node_modules', PACKAGE);
	if (way === 'manual') {
		mkdirSync(nodes, { recursive: true });
		try {
			await run('npm', ['install', tarball], { cwd: nodes, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 });
		} catch (error) {
			throw new Error(`npm install ${tarball} in ${nodes} failed:\n${String(error.stderr || error.message).slice(-4000)}`);
		}
		return { dir: target, version: JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')).version, way };
	}
	if (way !== 'community-nodes') throw new Error(`unknown install way "${way}": ${INSTALL_WAYS.join(' or ')}`);
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
	const manifestPath = join(target, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(readFileSync(manifestPath, 'utf8'));
	void devDependencies, peerDependencies, optionalDependencies;
	writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	await run('npm', ['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false', '--loglevel=error'], {
		cwd: target,
		env: cleanEnv(),
	});
	const folderManifest = join(nodes, 'package.json');
	const folder = existsSync(folderManifest) ? JSON.parse(readFileSync(folderManifest, 'utf8')) : { name: 'installed-nodes', private: true };
	folder.dependencies = { ...folder.dependencies, [PACKAGE]: manifest.version };
	writeFileSync(folderManifest, JSON.stringify(folder, null, 2));
	return { dir: target, version: manifest.version, way };
}

/** n8n's environment: its own user folder, SQLite, 127.0.0.1, and nothing that calls home. */
export function n8nEnv({ userFolder, port, brokerPort = port + 1, encryptionKey, extra = {} }) {
	return cleanEnv({
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		N8N_SECURE_COOKIE: 'false',
		DB_TYPE: 'sqlite',
		DB_SQLITE_POOL_SIZE: '2',
		N8N_ENCRYPTION_KEY: encryptionKey,
		GENERIC_TIMEZONE: 'Europe/Rome',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		N8N_RUNNERS_ENABLED: 'true',
		// The Code node's task broker listens too: its own port, so two n8n processes can run.
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_GIT_NODE_DISABLE_BARE_REPOS: 'true',
		N8N_BLOCK_ENV_ACCESS_IN_NODE: 'true',
		...extra,
	});
}

/** Runs an n8n CLI command to completion; rejects with its output when it fails. */
export async function n8nCli(n8n, args, env) {
	try {
		return await run(process.execPath, [n8n.bin, ...args], { env, cwd: env.N8N_USER_FOLDER, maxBuffer: 64 * 1024 * 1024 });
	} catch (error) {
		throw new Error(`n8n ${args.join(' ')} failed (exit ${error.code}):\n${String(error.stdout ?? '').slice(-3000)}\n${String(error.stderr ?? '').slice(-3000)}`);
	}
}

/**
 * The workflows of workflows/ with this installation's values: the site to read, the rules file,
 * the WhatsApp outbox file, the channel, and (tests) the time the Policy node judges at.
 */
export function configureWorkflows({ siteUrl, rulesFile, outboxFile, channel = 'demo', evaluateAt }) {
	return WORKFLOW_FILES.map((file) => {
		const workflow = JSON.parse(readFileSync(join(ROOT, 'workflows', file), 'utf8'));
		for (const node of workflow.nodes) {
			const p = node.parameters;
			if (node.type === `${PACKAGE}.banditoreFeed` && siteUrl) {
				const base = new URL(siteUrl);
				for (const source of p.sources.source) source.url = new URL(new URL(source.url).pathname, base).href;
			}
			if (node.type === `${PACKAGE}.banditorePolicy`) {
				if (rulesFile) p.rulesFile = rulesFile;
				if (evaluateAt) p.options = { ...p.options, evaluateAt };
			}
			if (node.type === `${PACKAGE}.banditoreWhatsApp` && outboxFile) p.options = { ...p.options, outboxFile };
			if (node.type === `${PACKAGE}.banditoreScheduler`) p.channel = channel;
		}
		return { file, workflow };
	});
}

/** Imports credentials given as plain data (`import:credentials` encrypts it with the instance's key). */
export async function importCredentials(n8n, env, credentials) {
	const dir = mkdtempSync(join(tmpdir(), 'banditore-import-'));
	try {
		const now = new Date().toISOString();
		writeFileSync(join(dir, 'credentials.json'), JSON.stringify(credentials.map((credential) => ({ ...credential, createdAt: now, updatedAt: now }))));
		await n8nCli(n8n, ['import:credentials', `--input=${join(dir, 'credentials.json')}`], env);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** Imports workflows given as [{ file, workflow }] (one file each, as in workflows/). */
export async function importWorkflows(n8n, env, workflows) {
	const dir = mkdtempSync(join(tmpdir(), 'banditore-import-'));
	try {
		for (const { file, workflow } of workflows) writeFileSync(join(dir, file), JSON.stringify(workflow));
		await n8nCli(n8n, ['import:workflow', '--separate', `--input=${dir}`], env);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** The scheduler's credential as the workflows reference it. */
export const schedulerCredential = ({ schedulerUrl, schedulerToken }) => ({
	id: CREDENTIAL_IDS.scheduler,
	name: 'Banditore Scheduler',
	type: 'banditoreSchedulerApi',
	data: { url: schedulerUrl, token: schedulerToken },
});

/** Imports the credentials and the workflows. */
export async function importAll(n8n, env, { schedulerUrl, schedulerToken, formUser, formPassword, ...settings }) {
	await importCredentials(n8n, env, [
		schedulerCredential({ schedulerUrl, schedulerToken }),
		{ id: CREDENTIAL_IDS.allerta, name: 'Banditore Allerta – accesso', type: 'httpBasicAuth', data: { user: formUser, password: formPassword } },
	]);
	await importWorkflows(n8n, env, configureWorkflows(settings));
}

/** Marks workflows active (2.x: publishes them); n8n activates them and their webhooks when it starts. */
export async function activate(n8n, env, ids) {
	const major = Number(n8n.version.split('.')[0]);
	for (const id of ids) await n8nCli(n8n, major >= 2 ? ['publish:workflow', `--id=${id}`] : ['update:workflow', `--id=${id}`, '--active=true'], env);
}

/** Starts `n8n start` and waits until it answers; stop() ends it (SIGTERM, then SIGKILL). */
export async function startN8n(n8n, env, { log = () => {}, timeoutMs = 180_000 } = {}) {
	const url = `http://127.0.0.1:${Number(env.N8N_PORT)}/`;
	return { url, ...(await startN8nProcess(n8n, env, { args: ['start'], readyUrl: new URL('healthz/readiness', url), readyLine: /Editor is now accessible/, log, timeoutMs })) };
}

/**
 * Starts `n8n worker` (queue mode: EXECUTIONS_MODE=queue and the same database, Redis and encryption
 * key as the main), with its health server on QUEUE_HEALTH_CHECK_PORT, and waits until it is ready.
 */
export async function startN8nWorker(n8n, env, { concurrency = 5, log = () => {}, timeoutMs = 180_000 } = {}) {
	const readyUrl = `http://127.0.0.1:${Number(env.QUEUE_HEALTH_CHECK_PORT)}/healthz/readiness`;
	return await startN8nProcess(n8n, env, { args: ['worker', `--concurrency=${concurrency}`], readyUrl, readyLine: /n8n worker is now ready/, log, timeoutMs });
}

async function startN8nProcess(n8n, env, { args, readyUrl, readyLine, log, timeoutMs }) {
	const child = spawn(process.execPath, [n8n.bin, ...args], { env, cwd: env.N8N_USER_FOLDER, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	const keep = (chunk) => {
		output = (output + chunk).slice(-20_000);
		log(String(chunk));
	};
	child.stdout.on('data', keep);
	child.stderr.on('data', keep);
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
	const stop = async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
		await exited;
		clearTimeout(timer);
	};
	const what = `n8n ${args[0]}`;
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`${what} exited (code ${child.exitCode}) before it was ready:\n${output}`);
		try {
			const response = await fetch(readyUrl);
			if (response.ok && readyLine.test(output)) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`${what} did not become ready on ${readyUrl} within ${timeoutMs / 1000} s:\n${output}`);
		}
		await sleep(500);
	}
	return { child, stop, output: () => output };
}

/** First start: n8n asks for an owner account; set it up over its REST API (once). */
export async function setupOwner(url, { email, password, firstName = 'Banditore', lastName = 'Demo' }) {
	const response = await fetch(new URL('rest/owner/setup', url), {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email, password, firstName, lastName }),
	});
	if (response.ok) return 'created';
	const text = await response.text();
	if (/already set up|Instance owner already setup/i.test(text)) return 'exists';
	throw new Error(`n8n owner setup failed: HTTP ${response.status} ${text.slice(0, 500)}`);
}

// `node scripts/n8n.mjs install`: install the tested n8n releases (or BANDITORE_N8N_VERSION) into the
// cache now; CI does it before the tests so that the install's progress is in its log.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	if (process.argv[2] !== 'install') {
		console.error('usage: node scripts/n8n.mjs install   (BANDITORE_N8N_VERSION, BANDITORE_CACHE_DIR)');
		process.exit(2);
	}
	for (const version of process.env.BANDITORE_N8N_VERSION ? [N8N_VERSION] : N8N_VERSIONS) {
		const n8n = await ensureN8n({ version });
		console.log(`n8n ${n8n.version}: ${n8n.bin}${n8n.installed ? ` (installed in ${n8n.seconds} s)` : ' (already installed)'}`);
	}
}
