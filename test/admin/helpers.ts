// The admin page's test harness: a scheduler on 127.0.0.1 over a real SQLite file or PostgreSQL
// schema, with an administrator from the environment, and a small cookie-keeping HTTP client.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../scheduler/src/config';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import { parseSubscriberKeys } from '../../scheduler/src/subscribers/crypto';
import { freshDatabase, rulesFile, tempDir, testClock, testConfig, type Kind, type TestDatabase } from '../scheduler/helpers';
import { APP_SECRET, keysEnv, magentaDelivery, postInbound, realisticWamid, VERIFY } from '../subscribers/harness';
import { startFakeGraph, type FakeGraph } from '../whatsapp/fake-graph';

/** Meda's rules file as the office wrote it (comments included), without spacing, quiet hours or pacing. */
export function medaRules(dir: string): string {
	const text = readFileSync(join(__dirname, '..', '..', 'rules', 'meda.yaml'), 'utf8')
		.replace(/minSpacingMinutes: 60/, 'minSpacingMinutes: 0')
		.replace(/ {2}quietHours:.*\n.*\n.*\n/, '')
		.replace(/pacing: true/, 'pacing: false');
	const file = join(dir, 'meda.yaml');
	writeFileSync(file, text);
	return file;
}

/** What a person sees: the text between the tags (attribute values, such as links, are not read). */
export const visible = (page: string): string =>
	page
		.replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
		.replace(/<[^>]*>/g, ' ')
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&amp;/g, '&')
		.replace(/\s+/g, ' ');

export const ADMIN = { user: 'ufficio', password: 'una-password-lunga' };

/** The quota section of the rules page as Meda's file fills it in, with no quiet hours; change what the test is about. */
export const quotaForm = (fields: Record<string, string> = {}): Record<string, string> => ({
	section: 'quota',
	perWeek: '10',
	week: 'iso',
	minSpacingMinutes: '0',
	quietFrom: '',
	quietTo: '',
	emergenciesExempt: 'on',
	...fields,
});

export interface AdminHarness {
	scheduler: Scheduler;
	dir: string;
	rules: string;
	db: TestDatabase;
	config: Config;
	set(iso: string): void;
	now(): Date;
	restart(): Promise<void>;
	close(): Promise<void>;
}

/** The harness around a configuration: the scheduler on the test clock, restartable; `after` closes extras. */
async function launch(config: Config, parts: { dir: string; rules: string; db: TestDatabase; at: string }, after?: () => Promise<void>): Promise<AdminHarness> {
	const clock = testClock(parts.at);
	const start = () => startScheduler(config, { clock: clock.now, dispatch: false });
	const h: AdminHarness = {
		scheduler: await start(),
		dir: parts.dir,
		rules: parts.rules,
		db: parts.db,
		config,
		set: clock.set,
		now: clock.now,
		restart: async () => {
			await h.scheduler.close();
			h.scheduler = await start();
		},
		close: async () => {
			await h.scheduler.close();
			await after?.();
			await parts.db.drop();
		},
	};
	return h;
}

export async function startAdmin(kind: Kind, at: string, sessionHours = 8): Promise<AdminHarness> {
	const dir = tempDir();
	const db = await freshDatabase(kind, dir);
	const rules = medaRules(dir);
	const config = testConfig(
		db.database,
		{ id: 'meda', name: 'Comune di Meda', rules, delivery: { kind: 'outbox', file: join(dir, 'outbox.jsonl') } },
		{ admin: { user: ADMIN.user, password: ADMIN.password, sessionHours } },
	);
	return launch(config, { dir, rules, db, at });
}

/** Two comuni in one installation (issue #17), each with its channel. */
export const COMUNI = [
	{ id: 'meda', name: 'Comune di Meda', istat: '108030', email: 'stampa@comune.meda.mb.it', phone: null },
	{ id: 'magenta', name: 'Comune di Magenta', istat: '015130', email: 'urp@comune.magenta.mi.it', phone: '02 97351' },
];

/** Meda's channel `meda` and Magenta's channel `magenta`, and the installation administrator from the environment. */
export async function startComuni(kind: Kind, at: string): Promise<AdminHarness> {
	const dir = tempDir();
	const db = await freshDatabase(kind, dir);
	const rules = medaRules(dir);
	const meda = { id: 'meda', name: 'Canale di Meda', comune: 'meda', rules, delivery: { kind: 'outbox' as const, file: join(dir, 'meda.jsonl') } };
	const magenta = { id: 'magenta', name: 'Canale di Magenta', comune: 'magenta', rules: rulesFile(dir), delivery: { kind: 'outbox' as const, file: join(dir, 'magenta.jsonl') } };
	const config = testConfig(db.database, meda, { comuni: COMUNI, channels: [meda, magenta], admin: { user: ADMIN.user, password: ADMIN.password, sessionHours: 8 } });
	return launch(config, { dir, rules, db, at });
}

export interface SubscribersAdminHarness extends AdminHarness {
	graph: FakeGraph;
	/** A signed inbound text from a citizen to Magenta's number, through the real webhook; returns the HTTP status. */
	inbound(from: string, text: string): Promise<number>;
}

/**
 * Two channels: Meda publishing to a WhatsApp Channel (outbox), Magenta sending to its subscribers
 * over the Cloud API (the fake Graph API on 127.0.0.1, subscriber keys set), and the administrator.
 */
export async function startSubscribersAdmin(kind: Kind, at: string): Promise<SubscribersAdminHarness> {
	const dir = tempDir();
	const db = await freshDatabase(kind, dir);
	const graph = await startFakeGraph({ appSecret: APP_SECRET });
	const keys = keysEnv();
	const rules = medaRules(dir);
	const meda = { id: 'meda', name: 'Comune di Meda', rules, delivery: { kind: 'outbox' as const, file: join(dir, 'outbox.jsonl') } };
	const magenta = { id: 'magenta', name: 'Comune di Magenta', rules: rulesFile(dir), delivery: magentaDelivery(graph.url) };
	const config = testConfig(db.database, meda, {
		channels: [meda, magenta],
		admin: { user: ADMIN.user, password: ADMIN.password, sessionHours: 8 },
		whatsapp: { appSecret: APP_SECRET, verifyToken: VERIFY },
		subscribers: parseSubscriberKeys(keys.BANDITORE_SUBSCRIBER_KEYS, keys.BANDITORE_SUBSCRIBER_HASH_KEY),
	});
	const h = await launch(config, { dir, rules, db, at }, () => graph.close());
	return Object.assign(h, { graph, inbound: (from: string, text: string) => postInbound(h.scheduler.url, from, text, realisticWamid(from), h.now()) });
}

export interface Page {
	status: number;
	text: string;
	location: string | null;
	headers: Headers;
}

/** A browser without a browser: keeps cookies, never follows redirects. */
export class Client {
	readonly cookies = new Map<string, string>();
	/** `headers`: sent with every request (X-Forwarded-For, to be another client behind a proxy). */
	constructor(
		private readonly base: () => string,
		private readonly headers: Record<string, string> = {},
	) {}

	private remember(response: Response): void {
		for (const line of response.headers.getSetCookie()) {
			const [pair, ...attributes] = line.split(';');
			const eq = pair.indexOf('=');
			const name = pair.slice(0, eq).trim();
			const value = pair.slice(eq + 1).trim();
			const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0\b/i.test(a));
			if (expired || value === '') this.cookies.delete(name);
			else this.cookies.set(name, value);
		}
	}

	private header(): string {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	async get(path: string): Promise<Page> {
		const response = await this.raw(path);
		return { status: response.status, text: await response.text(), location: response.headers.get('location'), headers: response.headers };
	}

	/** A GET whose body the caller reads (downloads). */
	async raw(path: string): Promise<Response> {
		const response = await fetch(`${this.base()}${path}`, { redirect: 'manual', headers: { ...this.headers, cookie: this.header() } });
		this.remember(response);
		return response;
	}

	async post(path: string, fields: Record<string, string>): Promise<Page> {
		const response = await fetch(`${this.base()}${path}`, {
			method: 'POST',
			redirect: 'manual',
			headers: { ...this.headers, cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(fields).toString(),
		});
		this.remember(response);
		return { status: response.status, text: await response.text(), location: response.headers.get('location'), headers: response.headers };
	}

	/** The CSRF token of a page's forms. */
	static csrf(page: Page): string {
		const match = page.text.match(/name="_csrf" value="([^"]+)"/);
		if (!match) throw new Error(`no CSRF token in the page (status ${page.status})`);
		return match[1];
	}

	async login(user = ADMIN.user, password = ADMIN.password): Promise<Page> {
		const form = await this.get('/admin/login');
		return this.post('/admin/login', { _csrf: Client.csrf(form), username: user, password });
	}

	/** Posts one section of the rules page of a channel, with the page's CSRF token and rules version. */
	async saveRules(fields: Record<string, string>, channel = 'meda'): Promise<Page> {
		const page = await this.get(`/admin/rules?channel=${channel}`);
		if (page.status !== 200) throw new Error(`the rules page answered ${page.status}`);
		const version = (page.text.match(/name="version" value="(\d+)"/) as RegExpMatchArray)[1];
		return this.post('/admin/rules', { _csrf: Client.csrf(page), channel, version, ...fields });
	}

	/** The session's token, read from any page. */
	async token(): Promise<string> {
		return Client.csrf(await this.get('/admin'));
	}
}
