// `banditore demo` (npm run demo) as people run it: the built CLI in a child process, the bundled demo
// comune, the real scheduler in-process over a week on its own SQLite file, nothing sent.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse, stringify } from 'yaml';
import { ROOT, runCliSync } from '../cli-runner';

function demo(...args: string[]) {
	return demoIn(mkdtempSync(join(tmpdir(), 'banditore-demo-')), ...args);
}

function demoIn(dir: string, ...args: string[]) {
	const run = runCliSync(['demo', '--dir', dir, ...args], { timeout: 60_000 });
	const outbox = (() => {
		try {
			return readFileSync(join(dir, 'outbox.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { message: { text: string } }).message);
		} catch {
			return [];
		}
	})();
	return { ...run, outbox, dir };
}

/** The lines of one section of the report, up to the next blank line. */
function section(report: string, heading: RegExp): string[] {
	const lines = report.split('\n');
	const start = lines.findIndex((line) => heading.test(line));
	if (start < 0) throw new Error(`no section ${heading} in:\n${report}`);
	const end = lines.indexOf('', start);
	return lines.slice(start + 1, end < 0 ? undefined : end);
}

describe('banditore demo', () => {
	it('simulates the demo comune\'s week with its own rules (Meda\'s, with its name and footer): the alert first, the rest spaced an hour apart, old and electoral news refused', () => {
		const run = demo();
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		expect(run.stdout).toMatch(/Settimana dal 16\/11\/2026 00:00 al 22\/11\/2026 23:59/);
		// The alert is an emergency: Meda's rules let it pass without counting.
		const posted = section(run.stdout, /^Pubblicati nella settimana simulata, dal 16\/11\/2026 al 22\/11\/2026: 6, di cui 5 nel limite di 10 a settimana$/m);
		expect(posted[0]).toMatch(/20\/11\/2026 \d\d:\d\d {2}EMERGENZA Allerta meteo arancione/);
		expect(posted).toHaveLength(6);
		// The Pro Loco's Befana reads to the learned classifier like a sponsored event: the office decides.
		const held = section(run.stdout, /^In attesa di approvazione della redazione \(1\)/).join('\n');
		expect(held).toMatch(/Arriva la Befana in piazza[\s\S]*Il classificatore vede un possibile contenuto pubblicitario \(\d+%\): serve la verifica della redazione/);
		const rejected = section(run.stdout, /^Scartati dalle regole \(4\)/).join('\n');
		expect(rejected).toMatch(/Il sindaco invita a votare la lista civica[\s\S]*Contenuto elettorale: contiene «lista civica»/);
		expect(rejected).toMatch(/Sconto del 20%[\s\S]*Contenuto pubblicitario: contiene «nuovo negozio»/);
		// From the site's RSS of notices, read alongside its pages.
		expect(rejected).toMatch(/Cena elettorale del candidato sindaco[\s\S]*Contenuto elettorale/);
		expect(run.stdout).toMatch(/Notizie lette: 11 da index\.html, avvisi\.xml/);
		// What the report calls posted is exactly what reached the outbox, once each.
		expect(run.outbox).toHaveLength(6);
		expect(run.outbox[0].text).toMatch(/Allerta meteo arancione/);
		// The demo comune's own rules: its footer, never Meda's.
		for (const message of run.outbox) expect(message.text).toMatch(/\n\nCanale informativo del Comune di Valmorena, non è possibile rispondere\. Info: urp@comune\.valmorena\.example$/);
		expect(run.outbox.map((m) => m.text).join('\n')).not.toMatch(/Meda/);
		expect(run.stdout).toMatch(/Regole: valmorena\.yaml/);
		expect(run.stdout).toMatch(/Prova a secco: nessun messaggio è stato inviato a WhatsApp\./);
	});

	it('with a limit of 2 a week, the third and later non-emergency items are deferred to Monday or expire, with the reason', () => {
		const dir = mkdtempSync(join(tmpdir(), 'banditore-demo-rules-'));
		const rules = parse(readFileSync(join(ROOT, 'rules', 'meda.yaml'), 'utf8'));
		rules.quota.perWeek = 2;
		const file = join(dir, 'due.yaml');
		writeFileSync(file, stringify(rules));
		const run = demo('--rules', file);
		expect(run.code).toBe(0);
		// The alert is an emergency: Meda's rules let it pass beyond the limit without counting.
		const posted = section(run.stdout, /^Pubblicati nella settimana simulata, dal 16\/11\/2026 al 22\/11\/2026: 3, di cui 2 nel limite di 2 a settimana$/m);
		expect(posted).toHaveLength(3);
		const deferred = section(run.stdout, /^Rinviati alla settimana dopo: non c'era più posto \(2\)/).join('\n');
		expect(deferred).toMatch(/Limite di 2 messaggi della settimana raggiunto: rinviato al 23\/11\/2026 00:00/);
		// A notice that would be stale by Monday is not kept waiting: it expires, with its reason.
		expect(section(run.stdout, /^Scaduti prima di trovare posto \(1\)/).join('\n')).toMatch(/Uffici comunali chiusi[\s\S]*non lascia posto prima della scadenza/);
		expect(run.outbox).toHaveLength(3);
	});

	it('with the weekly digest on and a limit of 3, the overflow goes out in one riepilogo that takes the last place and counts once', () => {
		const dir = mkdtempSync(join(tmpdir(), 'banditore-demo-digest-'));
		const rules = parse(readFileSync(join(ROOT, 'rules', 'meda.yaml'), 'utf8'));
		rules.quota.perWeek = 3;
		rules.quota.digest = { ...rules.quota.digest, enabled: true, maxPriority: 60 };
		const file = join(dir, 'riepilogo.yaml');
		writeFileSync(file, stringify(rules));
		const run = demo('--rules', file);
		expect(run.code).toBe(0);
		expect(run.stdout).toMatch(/Notizie lette: 11 da/);
		const posted = section(run.stdout, /^Pubblicati nella settimana simulata, dal 16\/11\/2026 al 22\/11\/2026: 4, di cui 3 nel limite di 3 a settimana$/m);
		const digestAt = posted.findIndex((line) => /\d\d:\d\d {2}Riepilogo della settimana$/.test(line));
		expect(digestAt).toBe(3);
		const parts = posted.slice(digestAt + 1).map((line) => line.trim());
		expect(parts.length).toBeGreaterThanOrEqual(2);
		for (const part of parts) expect(part).toMatch(/^· \S/);
		// Nothing waits for next week: what did not fit went out in the digest, listed in its text.
		expect(section(run.stdout, /^Rinviati alla settimana dopo: non c'era più posto \(0\)/)).toEqual(['  nessuno']);
		expect(run.outbox).toHaveLength(4);
		const digest = run.outbox[3].text;
		for (const part of parts) expect(digest).toContain(part.slice(2));
	});

	it('an election period that starts mid-week stops every event queued before it: rejected with the Italian reason, audited', () => {
		const dir = mkdtempSync(join(tmpdir(), 'banditore-demo-period-'));
		const rules = parse(readFileSync(join(ROOT, 'rules', 'meda.yaml'), 'utf8'));
		// Friday 20/11 at 11:30: everything was queued at 08:00, before the period.
		rules.election.periods = [{ name: 'Elezioni comunali suppletive', start: '2026-11-20 11:30', end: '2026-12-07 15:00' }];
		const file = join(dir, 'periodo.yaml');
		writeFileSync(file, stringify(rules));
		const run = demoIn(dir, '--rules', file);
		expect(run.code).toBe(0);
		expect(run.stdout).toContain('Periodo elettorale «Elezioni comunali suppletive» dal 20/11/2026 11:30 al 07/12/2026 15:00');
		const posted = section(run.stdout, /^Pubblicati nella settimana simulata, /m);
		expect(posted.join('\n')).not.toMatch(/Concerto di Natale|Befana/);
		for (const line of posted) {
			const [day, month, year, hour, minute] = line.trim().split(/[/ :]+/).map(Number);
			// Nothing but emergencies, ordinances and notices after 11:30.
			if (Date.UTC(year, month - 1, day, hour - 1, minute) >= Date.UTC(2026, 10, 20, 10, 30)) expect(line).not.toMatch(/Concerto|Befana/);
		}
		const rejected = section(run.stdout, /^Scartati dalle regole \(\d+\)/).join('\n');
		expect(rejected).toMatch(/Concerto di Natale della banda cittadina\n.*\n\s+Fermato prima dell'invio, le regole ora non lo consentono: Periodo elettorale «Elezioni comunali suppletive»: la categoria «Evento» non è ammessa \(L\. 28\/2000, art\. 9\)/);
		// Held for the office before the period, then stopped by it: the office cannot approve it into the period.
		expect(rejected).toMatch(/Arriva la Befana in piazza\n.*\n.*\n\s+Fermato prima dell'invio/);
		expect(run.outbox.map((m) => m.text).join('\n')).not.toMatch(/Concerto di Natale|Befana/);
		// The audit log of the demo's own database says so.
		const db = new Database(join(dir, 'demo.sqlite'), { readonly: true });
		try {
			const rows = db.prepare("SELECT details FROM audit WHERE type = 'message.rejected'").all() as Array<{ details: string }>;
			const stopped = rows.map((r) => JSON.parse(r.details)).filter((d) => d.recheck && d.codes.includes('election.reject'));
			expect(stopped).toHaveLength(2);
		} finally {
			db.close();
		}
	});

	it('a second run in the same folder simulates its week afresh: the same report, no outbox lines left from the first', () => {
		const dir = mkdtempSync(join(tmpdir(), 'banditore-demo-again-'));
		const first = demoIn(dir);
		const second = demoIn(dir);
		expect(second.code).toBe(0);
		expect(second.stdout).toBe(first.stdout);
		expect(second.outbox).toHaveLength(6);
	});

	it('says what is wrong with a bad date or a missing rules file', () => {
		expect(demo('--at', 'venerdì')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--at must be a date and time/) });
		expect(demo('--rules', 'nessuno.yaml')).toMatchObject({ code: 2, stderr: expect.stringMatching(/the rules file .*nessuno\.yaml does not exist/) });
	});
});
