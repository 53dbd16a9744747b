// banditore admin token add|list|revoke (issue #17), as IT staff run them: the built CLI in a child
// process, on the configuration file and SQLite database of a scheduler serving two comuni. A token
// made on the command line works at once on the API for its own comune only, shows its last use in
// the list, and stops working when revoked; bad input is a usage error that says what to do.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../scheduler/src/config';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import { runCli, ROOT } from '../cli-runner';
import { call, tempDir } from '../scheduler/helpers';

const CONFIG = (dir: string) => `comuni:
  - id: meda
    name: Comune di Meda
    istat: "108030"
    contacts: { email: stampa@comune.meda.mb.it }
  - id: magenta
    name: Comune di Magenta
    istat: "015130"
    contacts: { email: urp@comune.magenta.mi.it }
channels:
  - { id: meda, comune: meda, rules: rules/meda.yaml, delivery: { kind: outbox, file: ${join(dir, 'meda.jsonl')} } }
  - { id: magenta, comune: magenta, rules: rules/meda.yaml, delivery: { kind: outbox, file: ${join(dir, 'magenta.jsonl')} } }
database: { path: ${join(dir, 'banditore.sqlite')} }
`;

describe('banditore admin token', () => {
	let dir: string;
	let env: Record<string, string>;
	let scheduler: Scheduler;
	const run = (args: string[]) => runCli(['admin', 'token', ...args], { env });

	beforeAll(async () => {
		dir = tempDir();
		copyFileSync(join(ROOT, 'rules', 'meda.yaml'), join(dir, 'meda.yaml'));
		const file = join(dir, 'banditore.config.yaml');
		writeFileSync(file, CONFIG(dir).replaceAll('rules/meda.yaml', join(dir, 'meda.yaml')));
		env = { BANDITORE_CONFIG: file, BANDITORE_DB: '', DATABASE_URL: '' };
		scheduler = await startScheduler({ ...loadConfig({ BANDITORE_CONFIG: file, BANDITORE_API_TOKEN: 'installazione-di-prova', PORT: '0' }, dir), logLevel: 'silent' }, { dispatch: false });
	});
	afterAll(() => scheduler?.close());

	test('a token made on the command line reaches its own comune at once, shows its last use, and stops when revoked', async () => {
		const added = await run(['add', 'magenta', '--name', 'n8n della provincia']);
		expect(added.code).toBe(0);
		expect(added.stderr).toBe('');
		const [line, secret] = added.stdout.trim().split('\n');
		expect(line).toMatch(/^created API token "n8n della provincia" of comune "magenta" \(id [\w-]+\); it is shown only now:$/);
		expect(secret).toMatch(/^bdt_/);
		const id = /\(id ([\w-]+)\)/.exec(line)?.[1] as string;

		// Only the hash is stored.
		const stored = await scheduler.ctx.store.all<Record<string, unknown>>('SELECT * FROM api_tokens');
		expect(JSON.stringify(stored)).not.toContain(secret);

		const before = await run(['list', '--comune', 'magenta']);
		expect(before.stdout).toBe(`id\tcomune\tname\tlast used\trevoked\n${id}\tmagenta\tn8n della provincia\t-\t-\n`);

		const channels = await call<{ channels: Array<{ id: string }> }>(scheduler.url, 'GET', '/v1/channels', undefined, secret);
		expect(channels.status).toBe(200);
		expect(channels.body.channels.map((c) => c.id)).toEqual(['magenta']);
		expect((await call(scheduler.url, 'POST', '/v1/channels/meda/messages', { dedupeKey: 'x', text: 'Avviso' }, secret)).status).toBe(404);
		expect((await call(scheduler.url, 'POST', '/v1/channels/magenta/messages', { dedupeKey: 'x', text: 'Avviso' }, secret)).status).toBe(201);

		const used = await run(['list']);
		expect(used.stdout.split('\n')[1]).toMatch(new RegExp(`^${id}\tmagenta\tn8n della provincia\t\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\t-$`));
		expect((await run(['list', '--comune', 'meda'])).stdout).toBe('id\tcomune\tname\tlast used\trevoked\n');

		expect(await run(['revoke', id])).toEqual({ code: 0, stdout: `revoked API token ${id}\n`, stderr: '' });
		expect((await call(scheduler.url, 'GET', '/v1/channels', undefined, secret)).status).toBe(401);
		expect(await run(['revoke', id])).toEqual({ code: 0, stdout: `API token ${id} was already revoked\n`, stderr: '' });
		expect((await run(['list'])).stdout.split('\n')[1]).toMatch(/\t\d{4}-\d\d-\d\dT[\d:.]+Z$/);
		const audit = await scheduler.ctx.store.all<{ type: string; actor: string }>("SELECT type, actor FROM audit WHERE type LIKE 'token.%' ORDER BY id");
		expect(audit.map((a) => a.actor)).toEqual(['cli', 'cli']);
	});

	test('bad input is a usage error that says what to do, and changes nothing', async () => {
		const count = async () => (await scheduler.ctx.store.all('SELECT id FROM api_tokens')).length;
		const tokens = await count();
		expect(await run(['add', 'nowhere', '--name', 'x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('comune "nowhere" is not configured: the comuni are meda, magenta') });
		expect(await run(['add', 'meda', '--name', '   '])).toMatchObject({ code: 2, stderr: expect.stringContaining('--name must have 1 to') });
		expect(await run(['add', 'meda'])).toMatchObject({ code: 2, stderr: expect.stringContaining('banditore admin token add <comune> --name <name>') });
		expect(await run(['revoke', 'non-esiste'])).toMatchObject({ code: 2, stderr: expect.stringContaining('no API token has id "non-esiste": see "banditore admin token list"') });
		expect(await run(['list', '--comune', 'nowhere'])).toMatchObject({ code: 2, stderr: expect.stringContaining('comune "nowhere" is not configured') });
		expect(await count()).toBe(tokens);
	});
});
