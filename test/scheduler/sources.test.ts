// A channel's `sources:` (the comune's site and feeds): validated when the config is read, and
// answered by GET /v1/channels for n8n's one workflow for many comuni.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigInvalid, loadConfig } from '../../scheduler/src/config';
import { startScheduler } from '../../scheduler/src/index';
import { call, freshDatabase, rulesFile, tempDir, testConfig } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'banditore-sources-'));
const config = (lines: string) => {
	const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
	writeFileSync(file, `channels:\n  - id: meda\n    rules: ../rules/meda.yaml\n${lines}`);
	return loadConfig({ BANDITORE_API_TOKEN: 'x', BANDITORE_CONFIG: file }, dir).channels[0];
};

describe("a channel's sources in the scheduler's config", () => {
	test('are optional, and kept as written: address, kind and name', () => {
		expect(config('').sources).toBeUndefined();
		const channel = config(['    sources:', '      - { url: "https://www.comune.meda.mb.it/" }', '      - { url: "https://www.comune.meda.mb.it/feed/", kind: rss, name: Comune di Meda }', '      - { url: "123456789", kind: facebook }', ''].join('\n'));
		expect(channel.sources).toEqual([
			{ url: 'https://www.comune.meda.mb.it/' },
			{ url: 'https://www.comune.meda.mb.it/feed/', kind: 'rss', name: 'Comune di Meda' },
			{ url: '123456789', kind: 'facebook' },
		]);
	});

	test.each([
		['    sources: https://www.comune.meda.mb.it/\n', /channels\.0\.sources: Expected array, received string/],
		['    sources:\n      - { url: "https://www.comune.meda.mb.it/", kind: atom }\n', /channels\.0\.sources\.0\.kind: Invalid enum value\. Expected 'auto' \| 'rss' \| 'html' \| 'youtube' \| 'facebook' \| 'instagram', received 'atom'/],
		['    sources:\n      - { kind: rss }\n', /channels\.0\.sources\.0\.url: Required/],
		['    sources:\n      - { url: "  " }\n', /channels\.0\.sources\.0\.url: String must contain at least 1 character/],
		['    sources:\n      - { url: "https://x.example.it/", selector: h3 }\n', /channels\.0\.sources\.0: Unrecognized key\(s\) in object: 'selector'/],
	])('%s is refused with where and what', (lines, message) => {
		expect(() => config(lines)).toThrow(ConfigInvalid);
		expect(() => config(lines)).toThrow(message);
	});
});

test('GET /v1/channels answers each channel with its sources, and an empty list for a channel without', async () => {
	const work = tempDir();
	const db = await freshDatabase('sqlite', work);
	const base = testConfig(db.database, { id: 'meda', name: 'Comune di Meda', rules: rulesFile(work), delivery: { kind: 'outbox', file: join(work, 'outbox.jsonl') } });
	const meda = { ...base.channels[0], sources: [{ url: 'https://www.comune.meda.mb.it/' }, { url: 'https://www.comune.meda.mb.it/feed/', kind: 'rss' as const, name: 'Meda' }] };
	const scheduler = await startScheduler({ ...base, channels: [meda, { ...base.channels[0], id: 'seveso', name: 'Comune di Seveso' }] }, { dispatch: false });
	try {
		const { status, body } = await call<{ channels: Array<{ id: string; sources: unknown }> }>(scheduler.url, 'GET', '/v1/channels');
		expect(status).toBe(200);
		expect(body.channels.map((c) => [c.id, c.sources])).toEqual([
			['meda', meda.sources],
			['seveso', []],
		]);
	} finally {
		await scheduler.close();
		await db.drop();
	}
});
