// The workflows of workflows/ in a real n8n (the pinned release, installed once into a cache outside
// the clone), with our packed tarball installed as a community package, started by the README's
// one command (scripts/start.mjs) against the demo comune site, a real scheduler on SQLite and the
// WhatsApp node's outbox. Slow the first time: installing n8n takes minutes (progress on stderr).
// README's two install ways are both run: the Community Nodes page (n8n's installer steps, from the
// tarball instead of the registry) for the whole workflow suite, and the manual `npm install` in
// ~/.n8n/nodes, after which n8n must load the same nodes.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseDocument } from 'yaml';
import { ACCEPTED, ALL_TITLES, HELD, REJECTED } from './demo-news';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);
// Friday 20 November 2026, 18:00 in Rome: the demo site's news are fresh, quiet hours are hours away.
const CLOCK = '2026-11-20T17:00:00.000Z';
const LIMIT = 4;
const IDS = { sitoCoda: 'bndtSitoCoda0001' };
const BANDITORE_TYPES = ['banditoreFeed', 'banditorePolicy', 'banditoreScheduler', 'banditoreSchedulerTrigger', 'banditoreWhatsApp'].map(
	(name) => `n8n-nodes-banditore.${name}`,
);

const ADMIN = { user: 'redazione', password: 'una-password-di-prova-lunga' };
const ALL = ALL_TITLES.length; // accepted and held, rejected: Sito → coda sends every item to the scheduler

interface Ready {
	n8nUrl: string;
	schedulerUrl: string;
	apiToken: string;
	form: { url: string; user: string; password: string };
	owner: { email: string; password: string };
	n8nBin: string;
	n8nEnv: Record<string, string>;
	packageDir: string;
	installWay: string;
	whatsappOutbox: string;
	schedulerOutbox: string;
}
interface Message {
	id: string;
	state: string;
	text: string;
	emergency: boolean;
	justification: string | null;
	providerMessageId: string | null;
	reasons: string[];
	item: { title: string } | null;
}

const progress = (line: string) => process.stderr.write(`[e2e n8n] ${line}\n`);

async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise((resolve) => server.close(resolve));
	return port;
}

// Every pinned n8n release (scripts/n8n/versions.json), or only BANDITORE_N8N_VERSION when set.
const VERSIONS: string[] = process.env.BANDITORE_N8N_VERSION
	? [process.env.BANDITORE_N8N_VERSION]
	: (JSON.parse(readFileSync(join(ROOT, 'scripts', 'n8n', 'versions.json'), 'utf8')) as { tested: string[] }).tested;

/**
 * scripts/start.mjs with n8n `version`, the package installed into n8n the given README way, the
 * rules of `dir`/rules.yaml; resolves once it prints that everything is up.
 */
async function launch(version: string, dir: string, way: 'community-nodes' | 'manual'): Promise<{ stack: ChildProcess; ready: Ready }> {
	const n8nPort = await freePort();
	const env = {
		...process.env,
		NODE_ENV: 'production',
		BANDITORE_N8N_VERSION: version,
		BANDITORE_DATA_DIR: join(dir, 'data'),
		BANDITORE_RULES: join(dir, 'rules.yaml'),
		BANDITORE_SKIP_BUILD: '1',
		BANDITORE_START_JSON: '1',
		BANDITORE_CLOCK: CLOCK,
		BANDITORE_EVALUATE_AT: '2026-11-20T18:00:00',
		BANDITORE_DISPATCH_MS: '200',
		PORT: String(await freePort()),
		N8N_PORT: String(n8nPort),
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		BANDITORE_SITE_PORT: String(await freePort()),
		BANDITORE_ADMIN_USER: ADMIN.user,
		BANDITORE_ADMIN_PASSWORD: ADMIN.password,
		BANDITORE_INSTALL: way,
	};
	progress(`starting scripts/start.mjs with n8n ${version} (installed into the cache on first use: several minutes)`);
	const stack = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	const ready = await new Promise<Ready>((resolve, reject) => {
		const take = (chunk: Buffer) => {
			const text = chunk.toString();
			output += text;
			for (const line of text.split('\n')) if (line.startsWith('[banditore]')) progress(line);
			const match = /^BANDITORE_READY (.*)\n/m.exec(output);
			if (match) resolve(JSON.parse(match[1]) as Ready);
		};
		stack.stdout!.on('data', take);
		stack.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
		stack.once('exit', (code) => reject(new Error(`scripts/start.mjs exited (code ${code}) before it was ready:\n${output.slice(-6000)}`)));
	});
	return { stack, ready };
}

/** The node types n8n serves to its editor include ours (logged in as the owner the start command printed). */
async function expectTypesLoaded(ready: Ready, version: string): Promise<void> {
	const browser = { 'browser-id': 'banditore-e2e' };
	const login = await fetch(new URL('rest/login', ready.n8nUrl), {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...browser },
		body: JSON.stringify({ emailOrLdapLoginId: ready.owner.email, password: ready.owner.password }),
	});
	expect(login.status).toBe(200);
	const cookie = login.headers.getSetCookie().map((value) => value.split(';')[0]).join('; ');
	const settings = (await (await fetch(new URL('rest/settings', ready.n8nUrl), { headers: { cookie, ...browser } })).json()) as { data: { versionCli: string } };
	expect(settings.data.versionCli).toBe(version);
	const typesResponse = await fetch(new URL('types/nodes.json', ready.n8nUrl), { headers: { cookie, ...browser } });
	expect(typesResponse.status).toBe(200);
	const types = (await typesResponse.json()) as Array<{ name: string }>;
	const names = new Set(types.map((type) => type.name));
	for (const type of BANDITORE_TYPES) expect(names).toContain(type);
}

/** Meda's rules with a small week and no spacing (the limit is reached within a test), written to `dir`/rules.yaml. */
function writeRules(dir: string): void {
	const rules = parseDocument(readFileSync(join(ROOT, 'rules', 'meda.yaml'), 'utf8'));
	rules.setIn(['quota', 'perWeek'], LIMIT);
	rules.setIn(['quota', 'minSpacingMinutes'], 0);
	rules.setIn(['quota', 'pacing'], false);
	// A category the office approves first, so that Sito → coda also sends a held item.
	rules.addIn(['categories'], { id: 'festa', label: 'Festa', emoji: '🎉', priority: 45, approval: true, match: { words: ['befana'] }, expires: { afterEvent: true } });
	writeFileSync(join(dir, 'rules.yaml'), String(rules));
}

function expectBuilt(): void {
	for (const built of ['dist/nodes/BanditoreFeed/BanditoreFeed.node.js', 'scheduler/dist/main.js']) {
		if (!existsSync(join(ROOT, built))) throw new Error(`${built} is missing: run "npm run build" first (npm test does).`);
	}
}

/** Stops a stack scripts/start.mjs started, and waits until it has. */
async function stopStack(stack: ChildProcess | undefined): Promise<void> {
	if (!stack || stack.exitCode !== null) return;
	const exited = new Promise((resolve) => stack.once('exit', resolve));
	stack.kill('SIGTERM');
	await exited;
}

describe.each(VERSIONS)('the workflows in a real n8n %s', (version) => {
	let dir: string;
	let stack: ChildProcess;
	let ready: Ready;

	async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
		const response = await fetch(`${ready.schedulerUrl}${path}`, { ...init, headers: { authorization: `Bearer ${ready.apiToken}`, ...init.headers } });
		if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
		return (await response.json()) as T;
	}

	const messages = async () => (await api<{ messages: Message[] }>('/v1/channels/demo/messages?limit=100')).messages;
	const titles = (list: Message[]) => list.map((m) => m.item?.title).sort();
	const outboxLines = () => (existsSync(ready.whatsappOutbox) ? readFileSync(ready.whatsappOutbox, 'utf8').trim().split('\n').filter(Boolean) : []).map((line) => JSON.parse(line) as { messageId: string; text: string });

	/** Waits (a wait, not a timing check) until the ledger settles: nothing queued or in flight. */
	async function settled(count: number): Promise<Message[]> {
		const deadline = Date.now() + 120_000;
		for (;;) {
			const list = await messages();
			if (list.length === count && list.every((m) => !['queued', 'sending'].includes(m.state))) return list;
			if (Date.now() > deadline) throw new Error(`the ledger did not settle: ${JSON.stringify(list.map((m) => [m.state, m.item?.title ?? m.text]))}`);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	beforeAll(async () => {
		expectBuilt();
		dir = mkdtempSync(join(tmpdir(), 'banditore-e2e-'));
		writeRules(dir);
		const started = await launch(version, dir, 'community-nodes');
		stack = started.stack;
		ready = started.ready;
		progress(`n8n on ${ready.n8nUrl}, scheduler on ${ready.schedulerUrl}`);
	}, 30 * 60_000);

	afterAll(async () => {
		await stopStack(stack);
		if (dir) rmSync(dir, { recursive: true, force: true });
	}, 60_000);

	test('n8n loads the nodes of the installed tarball as n8n-nodes-banditore.*, and Consegna registers with the scheduler', async () => {
		// Unpacked into the nodes folder as n8n's community-package installer does: a real copy, not a link to the repo.
		const ours = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
		expect(ready.packageDir).toBe(join(ready.n8nEnv.N8N_USER_FOLDER, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-banditore'));
		expect(lstatSync(ready.packageDir).isSymbolicLink()).toBe(false);
		const installed = JSON.parse(readFileSync(join(ready.packageDir, 'package.json'), 'utf8')) as { name: string; version: string; peerDependencies?: object };
		expect(installed).toMatchObject({ name: ours.name, version: ours.version });
		expect(installed.peerDependencies).toBeUndefined();

		expect(ready.installWay).toBe('community-nodes');
		await expectTypesLoaded(ready, version);

		const { webhooks } = await api<{ webhooks: Array<{ url: string; channels: string[] | null }> }>('/v1/webhooks');
		expect(webhooks).toHaveLength(1);
		expect(webhooks[0].url.startsWith(`${ready.n8nUrl}webhook/`)).toBe(true);
		expect(webhooks[0].url.endsWith('/banditore')).toBe(true);
	});

	/** The admin page as the office sees it, logged in (login form with its CSRF token, session cookie). */
	async function adminPage(path: string): Promise<{ status: number; html: string }> {
		const jar = new Map<string, string>();
		const keep = (response: Response) => {
			for (const line of response.headers.getSetCookie()) {
				const [pair] = line.split(';');
				const eq = pair.indexOf('=');
				jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
			}
		};
		const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
		const form = await fetch(`${ready.schedulerUrl}/admin/login`, { redirect: 'manual' });
		keep(form);
		const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
		const login = await fetch(`${ready.schedulerUrl}/admin/login`, {
			method: 'POST',
			redirect: 'manual',
			headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ _csrf: csrf, username: ADMIN.user, password: ADMIN.password }).toString(),
		});
		keep(login);
		expect(login.status).toBe(303);
		const page = await fetch(`${ready.schedulerUrl}${path}`, { redirect: 'manual', headers: { cookie: cookie() } });
		return { status: page.status, html: await page.text() };
	}

	/**
	 * The execution `n8n execute --rawOutput` prints: the JSON object between the lines n8n logs
	 * before and, in some releases and runs, after it.
	 */
	function rawOutput(stdout: string): unknown {
		const start = stdout.indexOf('{');
		for (let end = stdout.lastIndexOf('}'); end > start; end = stdout.lastIndexOf('}', end - 1)) {
			try {
				return JSON.parse(stdout.slice(start, end + 1));
			} catch {
				// Text after the object that ends here, or not its end yet: try the previous brace.
			}
		}
		throw new Error(`n8n execute printed no execution JSON:\n${stdout.slice(0, 2000)}`);
	}

	test('Sito → coda, run by `n8n execute`, sends every item to the scheduler, which decides with the channel rules', async () => {
		// Paused while queueing, so that dispatch sees the whole batch at once (priority, not arrival, decides).
		await api('/v1/channels/demo/pause', { method: 'POST' });
		const { stdout } = await run(process.execPath, [ready.n8nBin, 'execute', `--id=${IDS.sitoCoda}`, '--rawOutput'], {
			env: { ...process.env, NODE_ENV: 'production', ...ready.n8nEnv, N8N_RUNNERS_BROKER_PORT: String(await freePort()) },
			cwd: ready.n8nEnv.N8N_USER_FOLDER,
			maxBuffer: 64 * 1024 * 1024,
		});
		const execution = rawOutput(stdout) as {
			data: { resultData: { error?: unknown; runData: Record<string, Array<{ data: { main: Array<Array<{ json: { title?: string; decision?: { reasons: string[] } } }>> } }>> } };
		};
		expect(execution.data.resultData.error).toBeUndefined();
		// The Policy node decided with the scheduler's rules of the channel (the test's rules, with "festa").
		const [accepted, rejected, held] = execution.data.resultData.runData['Regole del canale'][0].data.main;
		const named = (items: typeof accepted) => items.map((item) => item.json.title).sort();
		expect(accepted).toHaveLength(6);
		expect(named(held)).toEqual(HELD);
		expect(named(rejected)).toEqual([...REJECTED].sort());

		// Every item reached the scheduler, which judged it again: queued, rejected and held, with the reasons.
		const list = await messages();
		expect(list).toHaveLength(ALL);
		const inState = (state: string) => list.filter((m) => m.state === state);
		expect(titles(inState('queued'))).toEqual([...ACCEPTED.emergency, ...ACCEPTED.ordinanza, ...ACCEPTED.avviso, ...ACCEPTED.evento].sort());
		expect(titles(inState('queued').filter((m) => m.emergency))).toEqual(ACCEPTED.emergency);
		expect(titles(inState('rejected'))).toEqual([...REJECTED].sort());
		expect(titles(inState('held'))).toEqual(HELD);
		for (const m of [...inState('rejected'), ...inState('held')]) {
			const judged = [...rejected, ...held].find((item) => item.json.title === m.item?.title)!;
			expect(m.reasons.length).toBeGreaterThan(0);
			expect(m.reasons).toEqual(judged.json.decision?.reasons);
		}
		expect(inState('rejected').find((m) => m.item?.title === REJECTED[1])?.reasons.join(' ')).toMatch(/Contenuto elettorale/);

		// The held one waits for the office in the queue of the admin page.
		const queue = await adminPage('/admin/queue?channel=demo');
		expect(queue.status).toBe(200);
		const heldSection = queue.html.slice(queue.html.indexOf('id="held"'), queue.html.indexOf('</section>', queue.html.indexOf('id="held"')));
		expect(heldSection).toContain('Da approvare (1)');
		expect(heldSection).toContain(`id="m-${inState('held')[0].id}"`);
		expect(heldSection).toContain(HELD[0]);
	}, 120_000);

	test('Consegna delivers through n8n exactly what fits the week, by priority, and acknowledges it', async () => {
		await api('/v1/channels/demo/resume', { method: 'POST' });
		const list = await settled(ALL);
		const sent = list.filter((m) => m.state === 'sent');
		// The emergency does not count; the limit of 4 takes the ordinance and the three notices, not the event.
		expect(titles(sent)).toEqual([...ACCEPTED.emergency, ...ACCEPTED.ordinanza, ...ACCEPTED.avviso].sort());
		const deferred = list.filter((m) => m.state === 'deferred');
		expect(titles(deferred)).toEqual([...ACCEPTED.evento].sort());
		for (const m of deferred) expect(m.reasons.at(-1)).toMatch(/^Limite di 4 messaggi della settimana raggiunto: rinviato al 23\/11\/2026/);

		// The WhatsApp node (outbox target) wrote each one once with the scheduler's text, and acked it.
		const lines = outboxLines();
		expect(lines.map((line) => line.messageId).sort()).toEqual(sent.map((m) => m.id).sort());
		for (const m of sent) {
			expect(lines.find((line) => line.messageId === m.id)?.text).toBe(m.text);
			expect(m.providerMessageId).toBe(`outbox:${m.id}`);
		}
		const ordinance = sent.find((m) => m.item?.title === ACCEPTED.ordinanza[0])!;
		expect(ordinance.text.startsWith(`📜 *${ACCEPTED.ordinanza[0]}*`)).toBe(true);
		// Nothing went through the scheduler's own outbox: n8n delivered.
		expect(existsSync(ready.schedulerOutbox)).toBe(false);

		const sentList = await api<{ messages: Message[] }>('/v1/channels/demo/messages?state=sent');
		expect(sentList.messages.map((m) => m.id).sort()).toEqual(sent.map((m) => m.id).sort());
		expect(await api('/v1/channels/demo/quota')).toMatchObject({ limit: LIMIT, used: LIMIT, remaining: 0, inFlight: 0, emergencies: 1 });
	}, 180_000);

	test('Allerta: only an authorised person can use the form, and the emergency goes out beyond the limit with its justification', async () => {
		const text = '🚨 Allerta rossa: esondazione del torrente Valmorena, evacuare i piani terra di via Roma.';
		const justification = 'Allerta rossa della Protezione civile regionale n. 12/2026';
		const form = () => {
			const body = new FormData();
			body.append('field-0', text);
			body.append('field-1', justification);
			return body;
		};
		const refused = await fetch(ready.form.url, { method: 'POST', body: form() });
		expect(refused.status).toBe(401);
		expect(await messages()).toHaveLength(ALL);

		const basic = Buffer.from(`${ready.form.user}:${ready.form.password}`).toString('base64');
		const accepted = await fetch(ready.form.url, { method: 'POST', body: form(), headers: { authorization: `Basic ${basic}` } });
		expect(accepted.status).toBe(200);

		const list = await settled(ALL + 1);
		// The written text, with the channel's footer when the rules give one.
		const emergency = list.find((m) => !m.item && m.text.startsWith(text))!;
		expect(emergency).toMatchObject({ state: 'sent', emergency: true, justification, providerMessageId: `outbox:${emergency.id}` });
		expect(outboxLines().filter((line) => line.messageId === emergency.id).map((line) => line.text)).toEqual([emergency.text]);

		const { entries } = await api<{ entries: Array<{ messageId: string; details: { justification: string; counted: boolean } }> }>('/v1/audit?type=emergency.override');
		expect(entries.find((entry) => entry.messageId === emergency.id)?.details).toMatchObject({ justification, counted: false });
		expect(await api('/v1/channels/demo/quota')).toMatchObject({ limit: LIMIT, used: LIMIT, remaining: 0, emergencies: 2 });
	}, 180_000);
});

// README's manual path on the n8n host: `cd ~/.n8n/nodes && npm install <package>` (here the packed
// tarball), then n8n started. npm must leave the peer n8n-workflow out (it is optional): installing it
// would pull its latest release and build isolated-vm.
describe.each(VERSIONS)('the manual install into ~/.n8n/nodes in a real n8n %s', (version) => {
	let dir: string;
	let stack: ChildProcess | undefined;
	let ready: Ready;

	beforeAll(async () => {
		expectBuilt();
		dir = mkdtempSync(join(tmpdir(), 'banditore-e2e-manual-'));
		writeRules(dir);
		({ stack, ready } = await launch(version, dir, 'manual'));
	}, 30 * 60_000);

	afterAll(async () => {
		await stopStack(stack);
		if (dir) rmSync(dir, { recursive: true, force: true });
	}, 60_000);

	test('npm install of the tarball in the nodes folder installs our package alone, and n8n loads its nodes', async () => {
		expect(ready.installWay).toBe('manual');
		const nodes = join(ready.n8nEnv.N8N_USER_FOLDER, '.n8n', 'nodes');
		expect(ready.packageDir).toBe(join(nodes, 'node_modules', 'n8n-nodes-banditore'));
		expect(lstatSync(ready.packageDir).isSymbolicLink()).toBe(false);
		// The package as published, its optional peer declared but not installed.
		const installed = JSON.parse(readFileSync(join(ready.packageDir, 'package.json'), 'utf8')) as { peerDependenciesMeta?: Record<string, { optional?: boolean }> };
		expect(installed.peerDependenciesMeta?.['n8n-workflow']?.optional).toBe(true);
		expect(readdirSync(join(nodes, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(['n8n-nodes-banditore']);
		const folder = JSON.parse(readFileSync(join(nodes, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
		expect(Object.keys(folder.dependencies)).toEqual(['n8n-nodes-banditore']);
		await expectTypesLoaded(ready, version);
	});
});
