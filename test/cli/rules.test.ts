// `banditore rules check` as people run it: the built dist/cli/banditore.js in a child process (npm
// test builds it first), on the shipped rules files and on broken ones under test/fixtures/rules/.
import { runCliSync } from '../cli-runner';

const banditore = (...args: string[]) => runCliSync(args);

const fixture = (name: string) => `test/fixtures/rules/${name}.yaml`;
const lines = (text: string) => text.split('\n').filter(Boolean);

describe('banditore rules check', () => {
	// A day with no election period near (the calendar's periods are said otherwise: test/cli/election.test.ts).
	const QUIET = ['--at', '2026-12-06T10:00:00Z'];

	it('says that each shipped rules file is valid, in one line, and exits 0', () => {
		const valid = 'regole valide: 6 categorie, al massimo 10 messaggi a settimana';
		expect(banditore('rules', 'check', 'rules/meda.yaml', ...QUIET)).toEqual({ code: 0, stdout: `meda.yaml: ${valid}\n`, stderr: '' });
		const all = banditore('rules', 'check', 'rules/meda.yaml', 'rules/magenta.yaml', 'rules/valmorena.yaml', ...QUIET);
		expect(all).toMatchObject({ code: 0, stderr: '' });
		expect(lines(all.stdout)).toEqual([`meda.yaml: ${valid}`, expect.stringMatching(/^magenta\.yaml: regole valide: \d+ categorie, al massimo \d+ messaggi a settimana$/), `valmorena.yaml: ${valid}`]);
	});

	it('says the election period in force for the comune the rules name', () => {
		const run = banditore('rules', 'check', 'rules/magenta.yaml', '--at', '2024-05-01T10:00:00Z');
		expect(run).toMatchObject({ code: 0, stderr: '' });
		expect(run.stdout).toContain('magenta.yaml: Periodo elettorale in corso: «Elezioni europee 2024», fino al 09/06/2024 23:00 (L. 28/2000, art. 9)');
	});

	it.each([
		['unknown-key', 'unknown-key.yaml:4:3 quota.perWeeek: Chiave sconosciuta «perWeeek». Forse intendevi «perWeek»?'],
		[
			'bad-regex',
			'bad-regex.yaml:8:11 categories[0].match.patterns[0]: Espressione regolare non valida «chius[ae .* scuol». ' +
				'Errore: parentesi quadra non chiusa. Per cercare un carattere speciale (. ? + * ( ) [ ]) mettici davanti \\.',
		],
		[
			'end-before-start',
			"end-before-start.yaml:12:12 election.periods[0].end: Il periodo «Comunali» finisce prima di iniziare. La fine (end) deve venire dopo l'inizio (start).",
		],
		[
			'overlap',
			'overlap.yaml:14:14 election.periods[1].start: Il periodo «Referendum» si sovrappone al periodo «Comunali». ' +
				'Unisci i due periodi in uno solo (il ballottaggio fa parte dello stesso periodo) o correggi le date.',
		],
		['unknown-category', 'unknown-category.yaml:14:10 election.pass[0]: Categoria sconosciuta «emergenze». Forse intendevi «emergenza»?'],
		[
			'syntax-error',
			'syntax-error.yaml:7:1: Errore di sintassi YAML: tabulazione usata per il rientro. Per rientrare usa gli spazi, non il tasto Tab.',
		],
	])('%s: prints the problem with line and column on stderr and exits 1', (name, problem) => {
		const run = banditore('rules', 'check', fixture(name));
		expect(run.code).toBe(1);
		expect(run.stdout).toBe('');
		expect(run.stderr).toBe(`${problem}\n`);
	});

	it('lists every problem of a file, in the order of its lines', () => {
		const run = banditore('rules', 'check', fixture('several'));
		expect(run.code).toBe(1);
		expect(lines(run.stderr)).toEqual([
			'several.yaml:3:11 timezone: Fuso orario sconosciuto «Europe/Roma». Usa un nome IANA, per esempio Europe/Rome.',
			'several.yaml:5:36 quota.quietHours.to: Orario non valido «7:30». Scrivi l\'ora come "HH:MM", tra virgolette, da "00:00" a "23:59".',
			'several.yaml:7:9 categories[0].id: Identificativo di categoria non valido «Avviso». ' +
				'Usa lettere minuscole senza accenti, cifre e trattini, per esempio allerta-meteo.',
			'several.yaml:11:18 categories[0].match.urlPaths[0]: Percorso non valido «avvisi/». Un percorso inizia con «/», per esempio /eventi/.',
			'several.yaml:12:19 fallbackCategory: Categoria sconosciuta «notizie». Categorie definite: Avviso.',
		]);
	});

	it('checks several files and fails when one of them is broken', () => {
		const run = banditore('rules', 'check', 'rules/meda.yaml', fixture('overlap'), 'rules/magenta.yaml');
		expect(run.code).toBe(1);
		expect(lines(run.stderr)).toHaveLength(1);
		expect(run.stderr).toMatch(/^overlap\.yaml:14:14 /);
	});

	it('says in one line when the file cannot be read', () => {
		const run = banditore('rules', 'check', 'rules/meda.yml');
		expect(run.code).toBe(1);
		expect(run.stdout).toBe('');
		expect(run.stderr).toBe(
			'banditore: The rules file rules/meda.yml does not exist. Check the path and the file name.\n',
		);
	});

	it('shows its usage when called wrongly (exit 2)', () => {
		const missing = banditore('rules');
		expect(missing.code).toBe(2);
		expect(missing.stderr).toMatch(/^banditore: missing action: the only one is "check"\./);
		expect(banditore('rules', 'check').stderr).toMatch(/give at least one rules file/);
		expect(banditore('rules', 'lint', 'rules/meda.yaml').code).toBe(2);
		const help = banditore('rules', '--help');
		expect(help.code).toBe(0);
		expect(help.stdout).toMatch(/^Usage: banditore rules check <file>/);
	});
});
