// banditore signup-link and banditore subscribers as IT staff run them: the built CLI in a child
// process, asking a real scheduler; the number always on stdin or in the environment, never in argv.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { numberHash } from '../../scheduler/src/subscribers/crypto';
import { runCli } from '../cli-runner';
import { tempDir, TOKEN } from '../scheduler/helpers';
import { CITIZENS, startSubscriberHarness, subscribeAll, type SubscriberHarness } from './harness';

const [ANNA, BRUNO] = CITIZENS;

const run = (args: string[], env: Record<string, string>, input?: string) => runCli(args, { env: { BANDITORE_SUBSCRIBER_NUMBER: '', ...env }, input });

describe('banditore signup-link and subscribers', () => {
	let h: SubscriberHarness;
	let env: Record<string, string>;
	beforeAll(async () => {
		h = await startSubscriberHarness('sqlite');
		env = { BANDITORE_API_TOKEN: TOKEN, BANDITORE_URL: h.scheduler.url };
		await subscribeAll(h, [ANNA, BRUNO]);
	});
	afterAll(async () => h.close());

	it('prints the link and writes the QR codes for the website', async () => {
		const out = tempDir();
		const result = await run(['signup-link', '--channel', 'magenta', '--out', out], env);
		expect(result).toEqual({ code: 0, stdout: `https://wa.me/390297351?text=ISCRIVIMI\n${out}/magenta-iscrizione.svg\n${out}/magenta-iscrizione.png\n`, stderr: '' });
		expect(readFileSync(join(out, 'magenta-iscrizione.svg'), 'utf8')).toMatch(/^<svg [^>]*viewBox/);
		expect(readFileSync(join(out, 'magenta-iscrizione.png')).subarray(1, 4).toString()).toBe('PNG');
		const offline = await run(['signup-link', '--channel', 'meda', '--number', '+39 0362 3961', '--keyword', 'ISCRIVIMI MEDA', '--out', out], {});
		expect(offline.stdout.split('\n')[0]).toBe('https://wa.me/3903623961?text=ISCRIVIMI%20MEDA');
		expect((await run(['signup-link', '--channel', 'meda'], env)).stderr).toMatch(/channel "meda" has no subscribers/);
	});

	it('exports one person from stdin, and deletes from the environment', async () => {
		const exported = await run(['subscribers', 'export', '--channel', 'magenta'], env, '+39 347 123 4567\n');
		expect(exported.code).toBe(0);
		expect(JSON.parse(exported.stdout)).toEqual(expect.objectContaining({ number: `+${ANNA}`, consents: [expect.objectContaining({ event: 'given', policyVersion: '2024-03' })] }));
		const deleted = await run(['subscribers', 'delete'], { ...env, BANDITORE_SUBSCRIBER_NUMBER: `+${BRUNO}` });
		expect(JSON.parse(deleted.stdout)).toEqual({ deleted: expect.objectContaining({ subscribers: 1, consents: 1 }) });
		expect(await h.scheduler.ctx.store.all('SELECT id FROM subscribers WHERE number_hash = ?', [numberHash(h.keys, BRUNO)])).toEqual([]);
	});

	it('refuses a number in the arguments, and says when none was given', async () => {
		const argv = await run(['subscribers', 'export', `+${ANNA}`], env);
		expect([argv.code, argv.stderr]).toEqual([2, expect.stringMatching(/not from the arguments/)]);
		const none = await run(['subscribers', 'delete'], env, '');
		expect([none.code, none.stderr]).toEqual([2, expect.stringMatching(/no number/)]);
		const bad = await run(['subscribers', 'export'], env, 'ciao\n');
		expect([bad.code, bad.stderr]).toEqual([1, expect.stringMatching(/not a phone number.*country code/)]);
	});
});
