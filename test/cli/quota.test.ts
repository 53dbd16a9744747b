// banditore quota as IT staff run it: the built CLI in a child process, asking a real scheduler.
import { runCli } from '../cli-runner';
import { startHarness, TOKEN, type Harness } from '../scheduler/helpers';

const run = (args: string[], env: Record<string, string>) => runCli(args, { env });

describe('banditore quota', () => {
	let h: Harness;
	beforeAll(async () => {
		// Wednesday 25 November 2026, 10:00 in Rome: the week resets on Monday 30 at midnight.
		h = await startHarness('sqlite', { at: '2026-11-25T09:00:00Z', quota: { perWeek: 3 } });
		for (const i of [1, 2]) await h.api('POST', '/v1/channels/meda/messages', { dedupeKey: `a-${i}`, text: `Avviso ${i}`, category: 'avviso' });
		await h.tick();
		await h.api('POST', '/v1/channels/meda/slots', { dedupeKey: 'slot-1' });
	});
	afterAll(async () => h.close());

	it('prints used, in flight and left for each channel, and when the week resets', async () => {
		const result = await run(['quota', '--url', h.scheduler.url], { BANDITORE_API_TOKEN: TOKEN });
		expect(result).toEqual({
			code: 0,
			stdout: 'meda: 2 / 3 used, 1 in flight, 0 left, 0 emergencies; resets 2026-11-30 00:00 Europe/Rome\n',
			stderr: '',
		});
	});

	it('prints JSON lines with --json', async () => {
		const result = await run(['quota', '--channel', 'meda', '--url', h.scheduler.url, '--json'], { BANDITORE_API_TOKEN: TOKEN });
		expect(JSON.parse(result.stdout)).toEqual(expect.objectContaining({ channel: 'meda', limit: 3, used: 2, inFlight: 1, remaining: 0 }));
	});

	it('says what is wrong in one line: no token, a wrong token, an unknown channel, no scheduler', async () => {
		expect((await run(['quota', '--url', h.scheduler.url], { BANDITORE_API_TOKEN: '' })).stderr).toMatch(/^banditore: BANDITORE_API_TOKEN is not set/);
		const wrong = await run(['quota', '--url', h.scheduler.url], { BANDITORE_API_TOKEN: 'nope' });
		expect(wrong.code).toBe(1);
		expect(wrong.stderr.split('\n').filter(Boolean)).toHaveLength(1);
		// The scheduler's message and its hint as two sentences, not run together.
		expect(wrong.stderr).toBe('banditore: missing, wrong or revoked bearer token. Send "Authorization: Bearer <token>": BANDITORE_API_TOKEN, or a live token of your comune.\n');
		const unknown = await run(['quota', '--channel', 'nessuno', '--url', h.scheduler.url], { BANDITORE_API_TOKEN: TOKEN });
		expect(unknown.stderr).toMatch(/^banditore: .*nessuno/);
		const down = await run(['quota', '--url', 'http://127.0.0.1:9'], { BANDITORE_API_TOKEN: TOKEN });
		expect(down.stderr).toBe('banditore: The scheduler at http://127.0.0.1:9 cannot be reached. Start it with "banditore scheduler", or give its address with --url.\n');
	});
});
