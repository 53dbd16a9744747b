// A real scheduler with one subscribers channel ("magenta"), the fake Graph API on 127.0.0.1 (every
// body we send checked against the Cloud API spec), signed inbound webhooks, direct database reads.
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Config } from '../../scheduler/src/config';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import { parseSubscriberKeys, type SubscriberKeys } from '../../scheduler/src/subscribers/crypto';
import type { SubscribersDelivery } from '../../scheduler/src/subscribers/settings';
import { freshDatabase, rulesFile, tempDir, testConfig, call, type Kind, type TestDatabase } from '../scheduler/helpers';
import { startFakeGraph, type FakeGraph, type FakeGraphOptions } from '../whatsapp/fake-graph';
import { cloudErrors } from '../whatsapp/spec';

export const APP_SECRET = ['meta', 'app', 'secret'].join('-');
export const VERIFY = 'banditore-verifica';
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

export const sign = (body: string, secret = APP_SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export function inboundPayload(from: string, text: string, id: string, timestamp: number): string {
	return JSON.stringify({
		object: 'whatsapp_business_account',
		entry: [
			{
				id: 'WABA',
				changes: [
					{
						field: 'messages',
						value: {
							messaging_product: 'whatsapp',
							metadata: { display_phone_number: '390297351', phone_number_id: PHONE_NUMBER_ID },
							contacts: [{ profile: { name: 'Maria Rossi' }, wa_id: from }],
							messages: [{ from, id, timestamp: String(timestamp), type: 'text', text: { body: text } }],
						},
					},
				],
			},
		],
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
	let now = Date.parse('2026-03-02T09:00:00Z');
	const channel = { id: 'magenta', name: 'Comune di Magenta', rules: rulesFile(dir), delivery: magentaDelivery(graph.url, options.delivery) };
	const config = testConfig(db.database, channel, { whatsapp: { appSecret: APP_SECRET, verifyToken: VERIFY }, subscribers: keys, ...options.extra });
	const scheduler = await startScheduler(config, { clock: () => new Date(now), dispatch: false });
	// Meta posts statuses to the same callback URL as messages.
	graphOptions.webhookUrl = `${scheduler.url}/webhooks/whatsapp`;
	const post = (body: string, signature?: string) =>
		fetch(`${scheduler.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) }, body });
	return {
		scheduler,
		graph,
		db,
		keys,
		specErrors,
		set: (iso) => {
			now = Date.parse(iso);
		},
		now: () => now,
		post,
		inbound: async (from, text, id = realisticWamid(from)) => {
			const body = inboundPayload(from, text, id, Math.floor(now / 1000));
			const response = await post(body, sign(body));
			await response.arrayBuffer();
			return response.status;
		},
		repliesTo: (number) => graph.bodies.filter((b) => b.to === number && b.type === 'text').map((b) => (b.text as { body: string }).body),
		api: (method, path, body) => call(scheduler.url, method, path, body),
		close: async () => {
			await scheduler.close();
			await graph.close();
			if (!options.db) await db.drop();
		},
	};
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
