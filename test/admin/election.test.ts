// The election callout of the dashboard (issue #12), over HTTP on a real SQLite file and on
// PostgreSQL: the period in force and what the rules do meanwhile, the next one, the calendar votes to
// confirm, and nothing when there is nothing to say. The scheduler's clock is moved, never Date.now().
import { rulesFromObject } from '../../core/rules';
import { saveUser } from '../../scheduler/src/admin/users';
import { electionEffects, electionView, sourceLabel } from '../../scheduler/src/admin/election';
import { skipPostgres, type Kind } from '../scheduler/helpers';
import { Client, startAdmin, type AdminHarness } from './helpers';

const NOW = '2026-06-10T08:00:00Z';

/** The part of the dashboard the callout fills, or null when the page has none. */
function callout(text: string): string | null {
	const m = text.match(/<section class="election[^"]*" id="election"[\s\S]*?<\/section>/);
	return m ? m[0] : null;
}

describe.each<Kind>(['sqlite', 'postgres'])('election callout on %s', (kind) => {
	let h: AdminHarness;
	let skip = false;
	const client = () => new Client(() => h.scheduler.url);

	/** The dashboard of Meda at `at`, seen by a user logged in at that moment. */
	async function dashboard(at: string, user?: { name: string; password: string }): Promise<string> {
		h.set(at);
		const c = client();
		const login = user ? await c.login(user.name, user.password) : await c.login();
		expect(login.status).toBe(303);
		const page = await c.get('/admin?channel=meda');
		expect(page.status).toBe(200);
		return page.text;
	}

	beforeAll(async () => {
		skip = await skipPostgres(kind);
		if (!skip) h = await startAdmin(kind, NOW, 8);
	});
	afterAll(async () => {
		if (!skip) await h.close();
	});

	test('nothing when no period holds, none is known later and no vote is to confirm', async () => {
		if (skip) return;
		const page = await dashboard(NOW);
		expect(callout(page)).toBeNull();
		expect(page).not.toContain('Periodo elettorale');
	});

	test('a calendar period in force (European elections 2024 for Meda, istat 108030): its end, its source, what passes', async () => {
		if (skip) return;
		const box = callout(await dashboard('2024-05-01T10:00:00Z')) as string;
		expect(box).not.toBeNull();
		expect(box).toContain('class="callout warning election-current"');
		expect(box).toContain('Periodo elettorale in corso: «Elezioni europee 2024», fino al 09/06/2024 23:00 (L. 28/2000, art. 9).');
		expect(box).toMatch(/Fonte: <a href="https:\/\/www\.gazzettaufficiale\.it\/gazzetta\/serie_generale\/caricaDettaglio\?dataPubblicazioneGazzetta=2024-04-11&amp;numeroGazzetta=85"[^>]*>Gazzetta Ufficiale<\/a>/);
		expect(box).toContain('Partono come sempre: Emergenza, Allerta meteo, Ordinanza, Avviso.');
		expect(box).toContain('Restano in attesa, e partono solo se la redazione li approva nella Coda: Notizia.');
		expect(box).toContain('Vengono respinti e non partono: Evento.');
		expect(box).toContain('Le immagini non vengono pubblicate: i messaggi escono senza immagine.');
		// While a period holds, the next one is not announced.
		expect(box).not.toContain('Prossimo periodo elettorale');
		// The comunali of 2024 started on 24 April: Meda may vote in them, the office confirms.
		expect(box).toContain(
			'Il Comune di Meda vota alle «Elezioni comunali 2024 (turno ordinario)»? Se sì, aggiungete «comunali-2024» ai voti confermati nelle regole (<a href="/admin/rules?channel=meda&amp;section=election">',
		);
		expect(box).toContain('Il periodo è già iniziato (dal 24/04/2024 00:00 al 24/06/2024 15:00)');
		// A round a year away is not asked about yet: only those under way or due within about four months.
		expect(box).not.toContain('comunali-2025');
		// Past votes are not offered.
		expect(box).not.toContain('comunali-2023');
	});

	test('a possible period: the 2026 comunali round (comuniListed: false) asks the office to confirm it', async () => {
		if (skip) return;
		const before = callout(await dashboard('2026-04-01T10:00:00Z')) as string;
		expect(before).toContain(
			'Il Comune di Meda vota alle «Elezioni comunali 2026 (turno ordinario)»? Se sì, aggiungete «comunali-2026» ai voti confermati nelle regole (<a href="/admin/rules?channel=meda&amp;section=election">vai alla pagina Regole</a>).',
		);
		expect(before).toContain('Il periodo andrebbe dal 09/04/2026 00:00 al 08/06/2026 15:00.');
		expect(before).toContain('Nel file delle regole: sotto election, votes: [comunali-2026].');
		expect(before).not.toContain('Periodo elettorale in corso');

		const during = callout(await dashboard('2026-04-15T10:00:00Z')) as string;
		expect(during).toContain('«Elezioni comunali 2026 (turno ordinario)»? Se sì, aggiungete «comunali-2026» ai voti confermati nelle regole');
		expect(during).toContain('Il periodo è già iniziato (dal 09/04/2026 00:00 al 08/06/2026 15:00)');
		// Not confirmed: it does not hold, so no "in corso".
		expect(during).not.toContain('Periodo elettorale in corso');

		// An editor cannot edit the rules: the page asks them to turn to the administration, without the link.
		await saveUser(h.scheduler.ctx.store, 'redattrice', 'editor', 'password-redazione', 'test', h.now().getTime());
		const editor = callout(await dashboard('2026-04-15T10:00:00Z', { name: 'redattrice', password: 'password-redazione' })) as string;
		expect(editor).toContain('Il Comune di Meda vota alle «Elezioni comunali 2026 (turno ordinario)»? Se sì, chiedete all&#39;amministrazione di aggiungere «comunali-2026» ai voti confermati nelle regole.');
		expect(editor).not.toContain('/admin/rules');

		// After the runoff closed: nothing.
		expect(callout(await dashboard('2026-06-08T13:00:00Z'))).toBeNull();
	});

	test('a local period: announced before, in force with its end and the categories, gone after', async () => {
		if (skip) return;
		h.set(NOW);
		const admin = client();
		await admin.login();
		const saved = await admin.saveRules({ section: 'period-add', name: 'Comunali 2029 <i>Meda</i>', start: '2029-04-10', end: '2029-06-08 15:00' });
		expect(saved.status).toBe(303);

		const now = callout(await dashboard(NOW)) as string;
		expect(now).toContain('class="alert alert-info election-next"');
		expect(now).toContain('Prossimo periodo elettorale: «Comunali 2029 &lt;i&gt;Meda&lt;/i&gt;» dal 10/04/2029 00:00 al 08/06/2029 15:00.');
		expect(now).not.toContain('<i>Meda</i>');
		expect(now).not.toContain('Periodo elettorale in corso');

		const during = callout(await dashboard('2029-05-01T10:00:00Z')) as string;
		expect(during).toContain('Periodo elettorale in corso: «Comunali 2029 &lt;i&gt;Meda&lt;/i&gt;», fino al 08/06/2029 15:00 (L. 28/2000, art. 9).');
		expect(during).toContain('Periodo inserito nelle regole del canale.');
		expect(during).not.toContain('Fonte:');
		expect(during).toContain('Partono come sempre: Emergenza, Allerta meteo, Ordinanza, Avviso.');
		expect(during).toContain('partono solo se la redazione li approva nella Coda: Notizia.');
		expect(during).toContain('Vengono respinti e non partono: Evento.');
		expect(during).not.toContain('Prossimo periodo elettorale');

		// The end is exclusive: at 15:00 in Rome the period is over, and nothing else is known.
		const after = await dashboard('2029-06-08T13:00:00Z');
		expect(callout(after)).toBeNull();
		expect(after).not.toContain('Comunali 2029');
	});
});

describe('election view model', () => {
	const meda = () => {
		const result = rulesFromObject({
			version: 1,
			comune: 'Città di Meda',
			istat: '108030',
			categories: [
				{ id: 'emergenza', label: 'Emergenza', emergency: true, match: { words: ['incendio'] } },
				{ id: 'avviso', label: 'Avviso', match: { words: ['avviso'] } },
				{ id: 'biblioteca', label: 'Biblioteca', approval: true, match: { words: ['libri'] } },
				{ id: 'evento', label: 'Evento', match: { words: ['festa'] } },
			],
			election: { pass: ['emergenza', 'avviso', 'biblioteca'], reject: ['evento'], persons: ['Mario Rossi'], dropImages: false },
		});
		if (!result.ok) throw new Error(JSON.stringify(result.problems));
		return result.rules;
	};

	test('the categories as the rules judge them: a passing one that needs approval still waits', () => {
		expect(electionEffects(meda())).toEqual({
			pass: ['Emergenza', 'Avviso'],
			hold: ['Biblioteca'],
			reject: ['Evento'],
			holdUncategorised: true,
			dropImages: false,
			persons: true,
		});
	});

	test('periods in the rules\' time zone; the vote id of a possible period; nothing after the last one', () => {
		const rules = meda();
		const view = electionView(rules, new Date('2024-05-01T10:00:00Z'));
		expect(view?.comune).toBe('Meda');
		expect(view?.current.map((p) => [p.name, p.start, p.end])).toEqual([['Elezioni europee 2024', '11/04/2024 00:00', '09/06/2024 23:00']]);
		expect(view?.next).toBeNull();
		expect(view?.possible.map((p) => [p.vote, p.running])).toEqual([['comunali-2024', true]]);
		// Within four months of its comizi, the 2025 round is asked about before it starts.
		expect(electionView(rules, new Date('2025-01-15T10:00:00Z'))?.possible.map((p) => [p.vote, p.running])).toEqual([['comunali-2025', false]]);
		expect(electionView(rules, new Date('2030-01-01T00:00:00Z'))).toBeNull();
	});

	test('source names', () => {
		expect(sourceLabel('https://www.gazzettaufficiale.it/gazzetta/x?y=1')).toBe('Gazzetta Ufficiale');
		expect(sourceLabel('https://dait.interno.gov.it/elezioni')).toBe("Ministero dell'interno");
		expect(sourceLabel('https://www.quotidianodelsud.it/a')).toBe('quotidianodelsud.it');
	});
});
