// The election calendar from a terminal and at the scheduler's start: which periods bind a comune,
// an update installed only when valid, and the same calendar used by `rules check` and the scheduler.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useCalendarUpdate } from '../../core/election';
import { startScheduler } from '../../scheduler/src/index';
import { runCliSync } from '../cli-runner';
import { freshDatabase, rulesFile, tempDir, testConfig } from '../scheduler/helpers';

const dir = mkdtempSync(join(tmpdir(), 'banditore-election-'));
const none = join(dir, 'none.json');
// Every run names its calendar file, so a developer's own data/election-calendar.json never counts.
const banditore = (args: string[], calendar = none) => runCliSync(args, { env: { BANDITORE_ELECTION_CALENDAR: calendar } });

/** A round of comunali published after the package was built, listing Meda by its ISTAT code. */
const UPDATE = {
	version: 1,
	votes: [
		{
			id: 'comunali-2027-meda',
			kind: 'comunali',
			name: 'Elezioni comunali 2027 a Meda',
			firstVoteDay: '2027-05-23',
			pollsClose: '2027-05-24 15:00',
			runoffClose: '2027-06-07 15:00',
			scope: { kind: 'comuni', comuni: ['108030'] },
			source: 'https://dait.interno.gov.it/elezioni',
		},
	],
};

beforeAll(() => writeFileSync(none, JSON.stringify({ version: 1, votes: [] })));
afterEach(() => useCalendarUpdate(null));

describe('banditore election show', () => {
	it('lists the periods that bind a comune, the one in force marked, with their source', () => {
		const run = banditore(['election', 'show', '--istat', '108030', '--at', '2024-05-01T10:00:00+02:00']);
		expect(run.code).toBe(0);
		expect(run.stdout).toMatch(/^Meda \(MB, Lombardia\), ISTAT 108030\n/);
		expect(run.stdout).toMatch(/11\/04\/2024 00:00 → 09\/06\/2024 23:00 {2}IN CORSO Elezioni europee 2024\n {4}fonte: https:\/\/www\.gazzettaufficiale\.it\//);
		// A round of comunali the calendar has no list for: the office is asked, not bound silently.
		expect(run.stdout).toContain('Elezioni comunali 2024 (turno ordinario) — da confermare: aggiungere «comunali-2024» a election.votes se il comune vota');
	});

	it('an unknown ISTAT code is one Italian sentence and exit 1', () => {
		const run = banditore(['election', 'show', '--istat', '999999']);
		expect(run).toMatchObject({ code: 1, stdout: '' });
		expect(run.stderr).toContain('Nessun comune ha il codice ISTAT «999999»');
	});
});

describe('banditore election update', () => {
	it('a file with problems is not installed, and each problem is said', () => {
		const bad = join(dir, 'bad.json');
		writeFileSync(bad, JSON.stringify({ version: 1, votes: [{ id: 'x', kind: 'europee' }] }));
		const out = join(dir, 'not-installed.json');
		const run = banditore(['election', 'update', bad, '--out', out]);
		expect(run.code).toBe(1);
		expect(run.stderr).toContain('votes[0].pollsClose: Manca il campo obbligatorio');
		expect(run.stderr).toContain('the update was not installed');
		expect(existsSync(out)).toBe(false);
		expect(banditore(['election', 'update', join(dir, 'missing.json')]).stderr).toContain('cannot read');
	});

	it('a valid update is installed, and rules check then says the new period applies', () => {
		const source = join(dir, 'update.json');
		writeFileSync(source, JSON.stringify(UPDATE));
		const out = join(dir, 'installed.json');
		const run = banditore(['election', 'update', source, '--out', out]);
		expect(run).toMatchObject({ code: 0, stderr: '' });
		expect(run.stdout).toContain('1 votes (1 new, 0 replacing shipped ones)');
		expect(JSON.parse(readFileSync(out, 'utf8')).votes[0].id).toBe('comunali-2027-meda');
		// Comizi convened 45 days before the vote; the runoff included.
		const check = banditore(['rules', 'check', 'rules/meda.yaml', '--at', '2027-04-10T10:00:00Z'], out);
		expect(check).toMatchObject({ code: 0, stderr: '' });
		expect(check.stdout).toBe(
			'meda.yaml: regole valide: 6 categorie, al massimo 10 messaggi a settimana\nmeda.yaml: Periodo elettorale in corso: «Elezioni comunali 2027 a Meda», fino al 07/06/2027 15:00 (L. 28/2000, art. 9)\n',
		);
		expect(banditore(['rules', 'check', 'rules/meda.yaml', '--at', '2027-04-10T10:00:00Z']).stdout).toBe('meda.yaml: regole valide: 6 categorie, al massimo 10 messaggi a settimana\n');
	});
});

describe('the scheduler and an installed calendar', () => {
	it('a named update that is broken stops the start with a sentence, not a stack trace', async () => {
		const work = tempDir();
		const db = await freshDatabase('sqlite', work);
		const broken = join(work, 'calendar.json');
		writeFileSync(broken, '{ "version": 1, "votes": [');
		const config = { ...testConfig(db.database, { id: 'meda', name: 'Meda', rules: rulesFile(work), delivery: { kind: 'outbox' as const, file: join(work, 'o.jsonl') } }), electionCalendar: { file: broken, required: true } };
		await expect(startScheduler(config, { dispatch: false })).rejects.toThrow(/the election calendar update .*calendar\.json is not valid: Not valid JSON/);
	});

	it('a valid update binds the channel: an event is rejected in its period', async () => {
		const work = tempDir();
		const db = await freshDatabase('sqlite', work);
		const file = join(work, 'calendar.json');
		writeFileSync(file, JSON.stringify(UPDATE));
		const config = { ...testConfig(db.database, { id: 'meda', name: 'Meda', rules: rulesFile(work), delivery: { kind: 'outbox' as const, file: join(work, 'o.jsonl') } }), electionCalendar: { file, required: true } };
		const scheduler = await startScheduler(config, { dispatch: false, clock: () => new Date('2027-05-03T08:00:00Z') });
		try {
			const periods = scheduler.ctx.channels.get('meda')!.rules.election.periods.map((p) => p.name);
			expect(periods).toContain('Elezioni comunali 2027 a Meda');
		} finally {
			await scheduler.close();
		}
	});
});
