// A real scheduler with one subscribers channel ("magenta"), the fake Graph API on 127.0.0.1 (every
// body we send checked against the Cloud API spec), signed inbound webhooks, direct database reads.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Config } from '../../scheduler/src/config';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import { parseSubscriberKeys, type SubscriberKeys } from '../../scheduler/src/subscribers/crypto';
import type { SubscribersDelivery } from '../../scheduler/src/subscribers/settings';
import { APP_SECRET, call, freshDatabase, postWebhook, rulesFile, sign, tempDir, testClock, testConfig, VERIFY, webhookBody, type Kind, type TestDatabase } from '../scheduler/helpers';
import { startFakeGraph, type FakeGraph, type FakeGraphOptions } from '../whatsapp/fake-graph';
import { cloudErrors } from '../whatsapp/spec';

export { APP_SECRET, sign, VERIFY };
export const PHONE_NUMBER_ID = '1234567890';
export const ACCESS = ['graph', 'token'].join('-');

/** Three citizens; the national part is what every written form of the number contains. */
export const CITIZENS = ['393471234567', '393489876543', '393331112222'];
export const national = (n: string) => n.slice(2);

export const key = () => randomBytes(32).toString('base64');

export function keysEnv(ids = ['k1']): { BANDITORE_SUBSCRIBER_KEYS: string; BANDITORE_SUBSCRIBER_HASH_KEY: string } {
	return { BANDITORE_SUBSCRIBER_KEYS: ids.map((id) => `${id}:${key()}`).join(','), BANDITORE_SUBSCRIBER_HASH_KEY: key() };
}

export function magentaDelivery(graphUrl: string, patch: Partial<SubscribersDelivery> = {}): SubscribersDelivery {
	return {
		kind: 'subscribers',
		phoneNumberId: PHONE_NUMBER_ID,
		businessNumber: '390297351',
		accessToken: ACCESS,
		graphUrl,
		graphVersion: 'v23.0',
		template: { name: 'notizie_comune', language: 'it', body: 'Notizie dal Comune: {{1}}' },
		rate: 50,
		keyword: 'ISCRIVIMI',
		termsUrl: 'https://www.comune.magenta.mi.it/whatsapp/condizioni',
		privacyUrl: 'https://www.comune.magenta.mi.it/whatsapp/privacy',
		policyVersion: '2024-03',
		reportEmail: 'ufficio.stampa@comune.magenta.mi.it',
		traditionalChannels: "l'URP (02 9735 1), la PEC e lo sportello in piazza Formenti 3",
		consentRetentionDays: 365,
		repliesPerHour: 3,
		...patch,
	};
}

export interface SubscriberHarness {
	scheduler: Scheduler;
	graph: FakeGraph;
	db: TestDatabase;
	keys: SubscriberKeys;
	/** Bodies that broke the Cloud API spec. */
	specErrors: string[];
	set(iso: string): void;
	now(): number;
	/** A signed inbound text from a citizen; returns the HTTP status. */
	inbound(from: string, text: string, id?: string): Promise<number>;
	post(body: string, signature?: string): Promise<Response>;
	/** Texts the comune's number sent to one citizen, in order. */
	repliesTo(number: string): string[];
	api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
	close(): Promise<void>;
}

export function inboundPayload(from: string, text: string, id: string, timestamp: number): string {
	return webhookBody({
		metadata: { display_phone_number: '390297351', phone_number_id: PHONE_NUMBER_ID },
		contacts: [{ profile: { name: 'Maria Rossi' }, wa_id: from }],
		messages: [{ from, id, timestamp: String(timestamp), type: 'text', text: { body: text } }],
	});
}

/** Meta's message ids embed the sender's number (base64 after a 3-byte header), as real ones do. */
export function realisticWamid(from: string): string {
	return `wamid.${Buffer.concat([Buffer.from([0x1c, 0x18, 0x0b]), Buffer.from(from), Buffer.from([0x15, 0x02, 0x00]), randomBytes(9)]).toString('base64')}`;
}

export async function startSubscriberHarness(kind: Kind, options: { graph?: FakeGraphOptions; delivery?: Partial<SubscribersDelivery>; keys?: SubscriberKeys; db?: TestDatabase; extra?: Partial<Config> } = {}): Promise<SubscriberHarness> {
	const dir = tempDir();
	const db = options.db ?? (await freshDatabase(kind, dir));
	const specErrors: string[] = [];
	const graphOptions: FakeGraphOptions = {
		...options.graph,
		appSecret: APP_SECRET,
		script: (body, n) => {
			for (const error of cloudErrors(body)) specErrors.push(error);
			return options.graph?.script?.(body, n);
		},
	};
	const graph = await startFakeGraph(graphOptions);
	const keys = options.keys ?? parseSubscriberKeys(keysEnv().BANDITORE_SUBSCRIBER_KEYS, keysEnv().BANDITORE_SUBSCRIBER_HASH_KEY);
	const clock = testClock('2026-03-02T09:00:00Z');
	const channel = { id: 'magenta', name: 'Comune di Magenta', rules: rulesFile(dir), delivery: magentaDelivery(graph.url, options.delivery) };
	const config = testConfig(db.database, channel, { whatsapp: { appSecret: APP_SECRET, verifyToken: VERIFY }, subscribers: keys, ...options.extra });
	const scheduler = await startScheduler(config, { clock: clock.now, dispatch: false });
	// Meta posts statuses to the same callback URL as messages.
	graphOptions.webhookUrl = `${scheduler.url}/webhooks/whatsapp`;
	const post = (body: string, signature?: string) => postWebhook(scheduler.url, body, signature);
	return {
		scheduler,
		graph,
		db,
		keys,
		specErrors,
		set: clock.set,
		now: () => clock.now().getTime(),
		post,
		inbound: (from, text, id = realisticWamid(from)) => postInbound(scheduler.url, from, text, id, clock.now()),
		repliesTo: (number) => graph.bodies.filter((b) => b.to === number && b.type === 'text').map((b) => (b.text as { body: string }).body),
		api: (method, path, body) => call(scheduler.url, method, path, body),
		close: async () => {
			await scheduler.close();
			await graph.close();
			if (!options.db) await db.drop();
		},
	};
}

/** Each citizen subscribes: the keyword, then yes to the terms. */
export async function subscribeAll(h: { inbound(from: string, text: string): Promise<unknown> }, numbers: string[]): Promise<void> {
	for (const n of numbers) {
		await h.inbound(n, 'ISCRIVIMI');
		await h.inbound(n, 'SI');
	}
}

/** A signed inbound text through the scheduler's real webhook, sent at `at`; returns the HTTP status. */
export async function postInbound(base: string, from: string, text: string, id: string, at: Date): Promise<number> {
	const body = inboundPayload(from, text, id, Math.floor(at.getTime() / 1000));
	const response = await postWebhook(base, body, sign(body));
	await response.arrayBuffer();
	return response.status;
}

/** Every row of every table, as text: what a dump of the database holds. */
export async function dumpTables(db: TestDatabase): Promise<Record<string, string>> {
	const out: Record<string, string> = {};
	if (db.database.kind === 'sqlite') {
		const sqlite = new Database(db.database.file, { readonly: true });
		for (const { name } of sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>) {
			out[name] = JSON.stringify(sqlite.prepare(`SELECT * FROM "${name}"`).all());
		}
		sqlite.close();
		return out;
	}
	const client = new pg.Client({ connectionString: db.database.url });
	await client.connect();
	try {
		const tables = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'");
		for (const { table_name } of tables.rows) out[table_name] = JSON.stringify((await client.query(`SELECT t::text AS row FROM "${table_name}" t`)).rows);
	} finally {
		await client.end();
	}
	return out;
}

/** The raw bytes of the SQLite database and its write-ahead log, or null for PostgreSQL. */
export function sqliteBytes(db: TestDatabase): Buffer | null {
	if (db.database.kind !== 'sqlite') return null;
	const file = db.database.file;
	return Buffer.concat([file, `${file}-wal`, `${file}-journal`].filter((path) => existsSync(path)).map((path) => readFileSync(path)));
}
