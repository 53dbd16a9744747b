// banditore admin user add, as IT staff run it: the built CLI in a child process, on the scheduler's
// SQLite file; the user then logs in to a scheduler on that database.
import { runCli } from '../cli-runner';
import { Client, startAdmin, type AdminHarness } from './helpers';

const run = (args: string[], env: Record<string, string>, input?: string) => runCli(args, { env: { BANDITORE_PASSWORD: '', ...env }, input });

describe('banditore admin user add', () => {
	let h: AdminHarness;
	let env: Record<string, string>;
	beforeAll(async () => {
		h = await startAdmin('sqlite', '2026-06-10T08:00:00Z');
		env = { BANDITORE_DB: (h.config.database as { file: string }).file, BANDITORE_CONFIG: '' };
	});
	afterAll(() => h.close());

	test('adds an editor with the password from the environment, then changes it from stdin', async () => {
		const added = await run(['admin', 'user', 'add', 'mario', '--role', 'editor'], { ...env, BANDITORE_PASSWORD: 'password-di-mario' });
		expect(added).toEqual({ code: 0, stdout: 'created user "mario" (editor)\n', stderr: '' });
		expect((await new Client(() => h.scheduler.url).login('mario', 'password-di-mario')).status).toBe(303);

		const changed = await run(['admin', 'user', 'add', 'mario', '--role', 'administrator'], env, 'nuova-password-mario\n');
		expect(changed).toEqual({ code: 0, stdout: 'updated user "mario" (administrator)\n', stderr: '' });
		expect((await new Client(() => h.scheduler.url).login('mario', 'password-di-mario')).status).toBe(401);
		expect((await new Client(() => h.scheduler.url).login('mario', 'nuova-password-mario')).status).toBe(303);
		const entry = await h.scheduler.ctx.store.get<{ actor: string; details: string }>("SELECT actor, details FROM audit WHERE type = 'admin.user.updated'");
		expect(entry?.actor).toBe('cli');
		expect(entry?.details).not.toContain('nuova-password');
	});

	test('bad input is a usage error that says what is wrong', async () => {
		expect(await run(['admin', 'user', 'add', 'mario'], { ...env, BANDITORE_PASSWORD: 'password-lunga' })).toMatchObject({ code: 2, stderr: expect.stringContaining('--role is required') });
		expect(await run(['admin', 'user', 'add', 'mario', '--role', 'boss'], { ...env, BANDITORE_PASSWORD: 'password-lunga' })).toMatchObject({
			code: 2,
			stderr: expect.stringContaining('--role must be editor or administrator, got "boss"'),
		});
		expect(await run(['admin', 'user', 'add', 'mario', '--role', 'editor'], { ...env, BANDITORE_PASSWORD: 'corta' })).toMatchObject({
			code: 2,
			stderr: expect.stringContaining('at least 10 characters'),
		});
		expect(await run(['admin', 'user', 'add', 'Mario Rossi', '--role', 'editor'], { ...env, BANDITORE_PASSWORD: 'password-lunga' })).toMatchObject({
			code: 2,
			stderr: expect.stringContaining('is not a valid user name'),
		});
	});
});
