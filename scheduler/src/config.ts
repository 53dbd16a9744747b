// Configuration: environment variables over an optional YAML file, validated with clear errors.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { INSTALLED_CALENDAR } from '../../core/election';
import { INSTALLED_CLASSIFIER } from '../../core/classifier/active';
import { MAX_ALIASES } from '../../core/rules';
import { sourceListSchema, type SourceEntry } from '../../core/sources';
import { parseDocument, z } from '../../core/vendor';
import { checkDelivery, deliverySchema, outletsOf, resolveDelivery, type DeliverySettings } from './delivery/kinds';
import { ConfigInvalid } from './errors';
import { isSender } from './notify/kinds';
import type { Database } from './store';
import { KeysInvalid, parseSubscriberKeys, type SubscriberKeys } from './subscribers/crypto';

export const DEFAULT_CONFIG_FILE = 'banditore.config.yaml';

/**
 * A language model's second opinion on the items the rules accept (core/opinion): any OpenAI-compatible
 * chat-completions API. Off unless configured; the key, when the server needs one, is read from `apiKeyEnv`.
 */
const secondOpinion = z
	.object({
		url: z.string().url(),
		model: z.string().min(1),
		apiKeyEnv: z.string().min(1).optional(),
		timeoutMs: z.number().int().min(100).max(120_000).default(8000),
	})
	.strict();

export type SecondOpinionConfig = Omit<z.infer<typeof secondOpinion>, 'apiKeyEnv'> & { apiKeyEnv?: string; apiKey: string | null };

/** Notifications to the office (scheduler/src/notify): e-mail over SMTP and an optional webhook (e.g. n8n). */
const notify = z
	.object({
		smtp: z
			.object({
				host: z.string().min(1),
				port: z.number().int().min(1).max(65535).optional(),
				/** true: TLS from the start (port 465); false: STARTTLS when the server offers it. */
				secure: z.boolean().default(false),
				user: z.string().min(1).optional(),
				passEnv: z.string().min(1).default('BANDITORE_SMTP_PASS'),
				from: z.string().min(3),
			})
			.strict()
			.optional(),
		webhookUrl: z.string().url().optional(),
		intervalMs: z.number().int().min(10).optional(),
	})
	.strict();

export interface SmtpConfig {
	host: string;
	port: number;
	secure: boolean;
	user: string | null;
	pass: string | null;
	from: string;
}

export interface NotifyConfig {
	smtp: SmtpConfig | null;
	webhookUrl: string | null;
	intervalMs: number;
}

const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, "-" and "_"');

/** A comune of the installation (issue #17): it owns its channels, users, API tokens and audit log. */
const comune = z
	.object({
		id: slug,
		name: z.string().min(1),
		istat: z.string().regex(/^\d{6}$/, 'the ISTAT code of the comune: 6 digits, e.g. "015136"'),
		contacts: z.object({ email: z.string().email('the press office e-mail address'), phone: z.string().min(3).max(40).optional() }).strict(),
	})
	.strict();

export interface ComuneConfig {
	id: string;
	name: string;
	/** null only for the default comune of an installation that configures none. */
	istat: string | null;
	email: string | null;
	phone: string | null;
}

const channel = z
	.object({
		id: slug,
		name: z.string().min(1).optional(),
		/** The comune that owns the channel: one of `comuni`; may be left out when there is only one. */
		comune: slug.optional(),
		rules: z.string().min(1),
		delivery: deliverySchema.default({ kind: 'outbox', file: 'data/outbox.jsonl' }),
		secondOpinion: secondOpinion.optional(),
		// The same notice from the site and social accounts (issue #14): how many days apart two texts are compared.
		crosspost: z.object({ windowDays: z.number().min(0).max(30) }).strict().optional(),
		// The comune's site and feeds, for one set of n8n workflows serving many channels (GET /v1/channels).
		sources: sourceListSchema.optional(),
	})
	.strict();

const fileSchema = z
	.object({
		apiToken: z.string().min(1).optional(),
		host: z.string().min(1).optional(),
		port: z.number().int().min(0).max(65535).optional(),
		publicUrl: z.string().url().optional(),
		trustProxy: z.union([z.boolean(), z.string().min(1)]).optional(),
		database: z.union([z.object({ url: z.string().min(1) }).strict(), z.object({ path: z.string().min(1) }).strict()]).optional(),
		logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
		comuni: z.array(comune).min(1).optional(),
		channels: z.array(channel).min(1).optional(),
		whatsapp: z.object({ appSecret: z.string().min(1).optional(), verifyToken: z.string().min(1).optional() }).strict().optional(),
		notify: notify.optional(),
		dispatch: z
			.object({
				intervalMs: z.number().int().min(10).optional(),
				leaseSeconds: z.number().min(1).optional(),
				slotMinutes: z.number().min(0.01).optional(),
				maxAttempts: z.number().int().min(1).optional(),
				backoffSeconds: z.number().min(0).optional(),
			})
			.strict()
			.optional(),
	})
	.strict();

export type ChannelConfig = {
	id: string;
	name: string;
	/** The comune that owns it; the default comune when absent (comuni.ts). */
	comune?: string;
	rules: string;
	/** One outlet, or several: each message goes to every one and counts once (delivery/kinds.ts). */
	delivery: DeliverySettings | DeliverySettings[];
	/** Off when absent. */
	secondOpinion?: SecondOpinionConfig;
	/** Cross-posts: texts published up to `windowDays` apart (default 3; 0: the link alone decides). */
	crosspost?: { windowDays: number };
	/** What n8n reads for this channel (Banditore Scheduler "Get Many channels" → Banditore Feed); none when absent. */
	sources?: SourceEntry[];
};

export interface Config {
	apiToken: string;
	host: string;
	port: number;
	publicUrl: string | null;
	/**
	 * The reverse proxies whose X-Forwarded-For is believed (fastify's trustProxy: true, or their
	 * addresses and ranges): the client's address limits logins, so behind a proxy it must be the real one.
	 */
	trustProxy?: boolean | string;
	database: Database;
	logLevel: string;
	/** The comuni of the installation; none: everything belongs to the default comune (comuni.ts). */
	comuni?: ComuneConfig[];
	channels: ChannelConfig[];
	dispatch: { intervalMs: number; leaseSeconds: number; slotMinutes: number; maxAttempts: number; backoffSeconds: number };
	/** Cloud API status webhooks (the Meta app's secret and the verify token typed in its dashboard). */
	whatsapp?: { appSecret: string | null; verifyToken: string | null };
	/** Keys for subscribers' numbers (BANDITORE_SUBSCRIBER_KEYS, BANDITORE_SUBSCRIBER_HASH_KEY), when a channel has subscribers. */
	subscribers?: SubscriberKeys | null;
	/** The admin page: the administrator created at start, how long an unused session lasts. */
	admin?: { user: string | null; password: string | null; sessionHours: number };
	/** An election calendar update (`banditore election update`): required when named, used when present. */
	electionCalendar?: { file: string; required: boolean };
	/** E-mail and webhook notifications to the office; off when absent. */
	notify?: NotifyConfig;
	/** A classifier model a comune trained on its own news (`banditore policy train`), used when present. */
	classifierModel?: string;
}

export { ConfigInvalid };

function issues(error: z.ZodError, where: string): string {
	return error.issues.map((i) => `${where}${i.path.length ? ` ${i.path.join('.')}` : ''}: ${i.message}`).join('\n');
}

const integer = (name: string, value: string | undefined): number | undefined => {
	if (value === undefined || value === '') return undefined;
	const n = Number(value);
	if (!Number.isFinite(n)) throw new ConfigInvalid(`${name} must be a number, got "${value}"`);
	return n;
};

/** Reads BANDITORE_CONFIG (or ./banditore.config.yaml when present) and the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
	const explicit = env.BANDITORE_CONFIG;
	const path = explicit ? resolve(cwd, explicit) : join(cwd, DEFAULT_CONFIG_FILE);
	let file: z.infer<typeof fileSchema> = {};
	let base = cwd;
	if (explicit || existsSync(path)) {
		let text: string;
		try {
			text = readFileSync(path, 'utf8');
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
			throw new ConfigInvalid(`cannot read the config file ${path} (${code}): check the path in BANDITORE_CONFIG, that it is a file, and that the user running the scheduler may read it.`);
		}
		const doc = parseDocument(text);
		if (doc.errors.length) throw new ConfigInvalid(`${path}: ${doc.errors[0].message}`);
		let data: unknown;
		try {
			data = doc.toJS({ maxAliasCount: MAX_ALIASES });
		} catch (error) {
			throw new ConfigInvalid(`${path}: ${(error as Error).message}. Write the repeated parts out instead of aliases of aliases.`);
		}
		const parsed = fileSchema.safeParse(data ?? {});
		if (!parsed.success) throw new ConfigInvalid(issues(parsed.error, path));
		file = parsed.data;
		base = dirname(path);
	}
	const at = (p: string, dir: string): string => (isAbsolute(p) ? p : resolve(dir, p));

	const apiToken = env.BANDITORE_API_TOKEN || file.apiToken;
	if (!apiToken) {
		throw new ConfigInvalid(
			'BANDITORE_API_TOKEN is not set: the scheduler refuses to start without an API token. ' +
				'Set it in the environment (e.g. BANDITORE_API_TOKEN=$(openssl rand -hex 32)) or as apiToken in the config file.',
		);
	}
	const host = env.HOST || file.host || '127.0.0.1';
	const port = integer('PORT', env.PORT) ?? file.port ?? 8787;
	let database: Database;
	const url = env.DATABASE_URL || (file.database && 'url' in file.database ? file.database.url : undefined);
	if (url) {
		if (!/^postgres(ql)?:\/\//.test(url)) throw new ConfigInvalid(`DATABASE_URL must start with postgres:// or postgresql://, got "${url.replace(/\/\/[^@]*@/, '//***@')}"`);
		database = { kind: 'postgres', url };
	} else if (env.BANDITORE_DB) database = { kind: 'sqlite', file: at(env.BANDITORE_DB, cwd) };
	else if (file.database && 'path' in file.database) database = { kind: 'sqlite', file: at(file.database.path, base) };
	else database = { kind: 'sqlite', file: at('data/banditore.sqlite', cwd) };

	const comuni = comuniOf(file.comuni);
	const channels: ChannelConfig[] = (file.channels ?? []).map((c) => ({
		id: c.id,
		name: c.name ?? c.id,
		...(comuni.length || c.comune ? { comune: owner(comuni, c.id, c.comune) } : {}),
		rules: at(c.rules, base),
		delivery: resolveDelivery(c.delivery, { channel: c.id, env, path: (p) => at(p, base) }),
		...(c.secondOpinion ? { secondOpinion: { ...c.secondOpinion, apiKey: opinionKey(env, c.id, c.secondOpinion.apiKeyEnv) } } : {}),
		...(c.crosspost ? { crosspost: c.crosspost } : {}),
		...(c.sources ? { sources: c.sources } : {}),
	}));
	let subscribers: SubscriberKeys | null = null;
	if (channels.some((c) => outletsOf(c.delivery).some((outlet) => outlet.kind === 'subscribers'))) {
		try {
			subscribers = parseSubscriberKeys(env.BANDITORE_SUBSCRIBER_KEYS, env.BANDITORE_SUBSCRIBER_HASH_KEY);
		} catch (error) {
			if (error instanceof KeysInvalid) throw new ConfigInvalid(error.message);
			throw error;
		}
	}
	if (channels.length === 0) {
		// The demo: Meda's rules, messages written to a JSON-lines file (a dry run).
		channels.push({ id: 'demo', name: 'Demo', ...(comuni.length ? { comune: comuni[0].id } : {}), rules: demoRules(cwd), delivery: { kind: 'outbox', file: at('data/outbox.jsonl', cwd) } });
	}
	const ids = new Set<string>();
	for (const c of channels) {
		if (ids.has(c.id)) throw new ConfigInvalid(`channel "${c.id}" is configured twice`);
		ids.add(c.id);
	}
	const d = file.dispatch ?? {};
	const leaseSeconds = integer('BANDITORE_LEASE_SECONDS', env.BANDITORE_LEASE_SECONDS) ?? d.leaseSeconds ?? 300;
	for (const c of channels) {
		const problem = checkDelivery(c.delivery, leaseSeconds);
		if (problem) throw new ConfigInvalid(`channel "${c.id}": ${problem}`);
	}
	return {
		apiToken,
		host,
		port,
		publicUrl: env.BANDITORE_PUBLIC_URL || file.publicUrl || null,
		trustProxy: trustProxy(env.BANDITORE_TRUST_PROXY) ?? file.trustProxy ?? false,
		database,
		logLevel: env.LOG_LEVEL || file.logLevel || 'info',
		...(comuni.length ? { comuni } : {}),
		channels,
		dispatch: {
			intervalMs: integer('BANDITORE_DISPATCH_MS', env.BANDITORE_DISPATCH_MS) ?? d.intervalMs ?? 1000,
			leaseSeconds,
			slotMinutes: d.slotMinutes ?? 10,
			maxAttempts: d.maxAttempts ?? 5,
			backoffSeconds: integer('BANDITORE_BACKOFF_SECONDS', env.BANDITORE_BACKOFF_SECONDS) ?? d.backoffSeconds ?? 30,
		},
		whatsapp: {
			appSecret: env.WHATSAPP_APP_SECRET || file.whatsapp?.appSecret || null,
			verifyToken: env.WHATSAPP_VERIFY_TOKEN || file.whatsapp?.verifyToken || null,
		},
		subscribers,
		electionCalendar: env.BANDITORE_ELECTION_CALENDAR
			? { file: at(env.BANDITORE_ELECTION_CALENDAR, cwd), required: true }
			: { file: at(INSTALLED_CALENDAR, cwd), required: false },
		classifierModel: at(env.BANDITORE_CLASSIFIER || INSTALLED_CLASSIFIER, cwd),
		notify: notifyConfig(env, file.notify ?? {}),
		admin: {
			user: env.BANDITORE_ADMIN_USER || null,
			password: env.BANDITORE_ADMIN_PASSWORD || null,
			sessionHours: integer('BANDITORE_ADMIN_SESSION_HOURS', env.BANDITORE_ADMIN_SESSION_HOURS) ?? 8,
		},
	};
}

/** The configured comuni, each id once. */
function comuniOf(list: z.infer<typeof comune>[] | undefined): ComuneConfig[] {
	const seen = new Set<string>();
	return (list ?? []).map((c) => {
		if (seen.has(c.id)) throw new ConfigInvalid(`comune "${c.id}" is configured twice`);
		seen.add(c.id);
		return { id: c.id, name: c.name, istat: c.istat, email: c.contacts.email, phone: c.contacts.phone ?? null };
	});
}

/** The comune a channel belongs to: the one it names (which must be configured), or the only one. */
function owner(comuni: ComuneConfig[], channel: string, named: string | undefined): string {
	const ids = comuni.map((c) => c.id);
	if (named) {
		if (ids.includes(named)) return named;
		if (!ids.length) throw new ConfigInvalid(`channel "${channel}": comune "${named}" is named but no comuni are configured. Add a "comuni:" list (id, name, istat, contacts.email) or remove "comune:" from the channel.`);
		throw new ConfigInvalid(`channel "${channel}": comune "${named}" is not in the "comuni:" list (${ids.join(', ')}). Add it there or name one of those.`);
	}
	if (ids.length === 1) return ids[0];
	throw new ConfigInvalid(`channel "${channel}" does not say which comune it belongs to: add "comune:" with one of ${ids.join(', ')}.`);
}

/** SMTP and webhook from the environment (BANDITORE_SMTP_*, BANDITORE_NOTIFY_WEBHOOK) over the file's `notify`. */
function notifyConfig(env: NodeJS.ProcessEnv, file: z.infer<typeof notify>): NotifyConfig {
	const f = file.smtp;
	const host = env.BANDITORE_SMTP_HOST || f?.host;
	let smtp: SmtpConfig | null = null;
	if (host) {
		const secureText = env.BANDITORE_SMTP_SECURE;
		if (secureText !== undefined && secureText !== '' && secureText !== 'true' && secureText !== 'false') {
			throw new ConfigInvalid(`BANDITORE_SMTP_SECURE must be true (TLS from the start, usually port 465) or false (STARTTLS, usually port 587), got "${secureText}"`);
		}
		const secure = secureText ? secureText === 'true' : (f?.secure ?? false);
		const port = integer('BANDITORE_SMTP_PORT', env.BANDITORE_SMTP_PORT) ?? f?.port ?? (secure ? 465 : 587);
		if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigInvalid(`BANDITORE_SMTP_PORT must be a port number from 1 to 65535, got "${port}"`);
		const from = env.BANDITORE_SMTP_FROM || f?.from;
		if (!from) throw new ConfigInvalid(`the SMTP server ${host} is set but not the sender: set BANDITORE_SMTP_FROM (e.g. "Banditore <banditore@comune.example.it>") or notify.smtp.from in the config file.`);
		if (!isSender(from)) throw new ConfigInvalid(`BANDITORE_SMTP_FROM (notify.smtp.from) must be an e-mail address, optionally as "Name <address>", got "${from}"`);
		const user = env.BANDITORE_SMTP_USER || f?.user || null;
		const passEnv = f?.passEnv ?? 'BANDITORE_SMTP_PASS';
		const pass = env[passEnv] || null;
		if (user && !pass) throw new ConfigInvalid(`the SMTP user "${user}" is set but ${passEnv} is not: set the password in the environment (it is never written in the config file).`);
		smtp = { host, port, secure, user, pass, from };
	}
	const webhookUrl = env.BANDITORE_NOTIFY_WEBHOOK || file.webhookUrl || null;
	if (webhookUrl && !/^https?:\/\/[^/\s]+/.test(webhookUrl)) throw new ConfigInvalid(`BANDITORE_NOTIFY_WEBHOOK (notify.webhookUrl) must be an http:// or https:// address, got "${webhookUrl}"`);
	const intervalMs = integer('BANDITORE_NOTIFY_MS', env.BANDITORE_NOTIFY_MS) ?? file.intervalMs ?? 30_000;
	return { smtp, webhookUrl, intervalMs };
}

/** BANDITORE_TRUST_PROXY: "true", or a comma-separated list of the proxies' addresses and ranges. */
function trustProxy(value: string | undefined): boolean | string | undefined {
	if (value === undefined || value === '') return undefined;
	return value === 'true' || value === 'false' ? value === 'true' : value;
}

/** The model server's key: none when no variable is named (a local Ollama or vLLM needs none). */
function opinionKey(env: NodeJS.ProcessEnv, channel: string, name: string | undefined): string | null {
	if (!name) return null;
	const key = env[name];
	if (key) return key;
	throw new ConfigInvalid(`channel "${channel}": ${name} is not set; it holds the API key of the second opinion's model server (secondOpinion.apiKeyEnv). Set it in the environment: the key is never written in the config file.`);
}

function demoRules(cwd: string): string {
	const local = join(cwd, 'rules', 'meda.yaml');
	if (existsSync(local)) return local;
	// From the repository: scheduler/src (sources) or scheduler/dist/scheduler/src (build).
	for (const up of ['../../rules/meda.yaml', '../../../../rules/meda.yaml']) {
		const candidate = resolve(__dirname, up);
		if (existsSync(candidate)) return candidate;
	}
	return local;
}
