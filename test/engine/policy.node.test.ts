import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import type { IDataObject, INode } from 'n8n-workflow';
import { parse } from 'yaml';
import { STANDARD_MODEL } from '../../nodes/BanditorePolicy/standard';
import { RulesCache } from '../../nodes/shared/rules.source';
import { makeWorkflow, PACKAGE_ROOT, runWorkflow, type RunResult } from './harness';
import { rss, type FeedEntry } from './feeds';

const SITE = 'https://www.comune.meda.mb.it';
const FEED = 'Banditore Feed';
const POLICY = 'Banditore Policy';
const MEDA = join(PACKAGE_ROOT, 'rules', 'meda.yaml');
const medaText = readFileSync(MEDA, 'utf8');
const ACCEPTED = 0;
const REJECTED = 1;
const HELD = 2;

// A morning on the comune's site; the node judges them at EVALUATE_AT (workflow zone: Europe/Rome).
const EVALUATE_AT = '2026-04-01T12:00:00';
const allerta: FeedEntry = {
	guid: 'allerta',
	title: 'Allerta meteo rossa per temporali forti',
	link: `${SITE}/novita/allerta-meteo-arancione`,
	description: '<p>Protezione civile: evitare i sottopassi fino a domani sera.</p>',
	pubDate: 'Wed, 01 Apr 2026 07:00:00 +0200',
	category: 'Protezione civile',
};
const ordinanza: FeedEntry = {
	guid: 'ordinanza',
	title: 'Chiusura del parco Città di Meda',
	link: `${SITE}/ordinanze/chiusura-parco`,
	description: 'Il parco resta chiuso per la potatura degli alberi.',
	pubDate: 'Wed, 01 Apr 2026 08:00:00 +0200',
};
const vota: FeedEntry = {
	guid: 'vota',
	title: 'Vota la lista civica per il futuro di Meda',
	link: `${SITE}/novita/appello`,
	pubDate: 'Wed, 01 Apr 2026 09:00:00 +0200',
};
const concerto: FeedEntry = {
	guid: 'concerto',
	title: 'Concerto di primavera in piazza',
	link: `${SITE}/novita/concerto-primavera`,
	description: 'Sabato sera la banda cittadina in piazza Cavour.',
	pubDate: 'Fri, 03 Apr 2026 21:00:00 +0200',
	category: 'Eventi',
};
const biblioteca: FeedEntry = {
	guid: 'biblioteca',
	title: 'La biblioteca civica si rinnova',
	link: `${SITE}/novita/orari-biblioteca`,
	pubDate: 'Tue, 31 Mar 2026 10:00:00 +0200',
};
const MORNING = [allerta, ordinanza, vota, concerto, biblioteca];

function serve(entries: FeedEntry[] = MORNING): void {
	nock(SITE).get('/feed').reply(200, rss(entries, 'Città di Meda - Novità'), { 'content-type': 'application/rss+xml' });
}

function feedNode(): INode {
	return {
		id: 'feed',
		name: FEED,
		type: 'n8n-nodes-banditore.banditoreFeed',
		typeVersion: 1,
		position: [0, 0],
		parameters: { sources: { source: [{ url: `${SITE}/feed`, kind: 'auto' }] } },
	};
}

function policyNode(parameters: IDataObject, settings: Partial<INode> = {}): INode {
	return {
		id: 'policy',
		name: POLICY,
		type: 'n8n-nodes-banditore.banditorePolicy',
		typeVersion: 1,
		position: [200, 0],
		parameters: { options: { evaluateAt: EVALUATE_AT }, ...parameters },
		...settings,
	};
}

async function feedThenPolicy(policy: INode): Promise<RunResult> {
	const workflow = await makeWorkflow({
		nodes: [feedNode(), policy],
		connections: { [FEED]: { main: [[{ node: POLICY, type: 'main', index: 0 }]] } },
	});
	return runWorkflow(workflow, { startNode: FEED });
}

const titles = (result: RunResult, output: number) => result.output(POLICY, output).map((item) => item.title);
const decisionOf = (result: RunResult, output: number, id: string) =>
	result.output(POLICY, output).find((item) => item.id === id)?.decision as IDataObject | undefined;

function tempFile(name: string, text: string): string {
	const path = join(mkdtempSync(join(tmpdir(), 'banditore-rules-')), name);
	writeFileSync(path, text);
	return path;
}

/** Meda's rules with an election period around EVALUATE_AT. */
const medaInElection = medaText.replace(
	'  periods: []',
	'  periods:\n    - name: Comunali 2026\n      start: 2026-03-25\n      end: 2026-04-05 15:00',
);

describe('Banditore Policy through the n8n engine, fed by Banditore Feed', () => {
	it('sorts a morning of news with the Meda rules file: accepted, rejected, with the Italian reasons', async () => {
		serve();
		const result = await feedThenPolicy(policyNode({ rulesSource: 'file', rulesFile: MEDA }));
		expect(result.error(POLICY)).toBeUndefined();
		expect(titles(result, ACCEPTED)).toEqual([
			'Concerto di primavera in piazza',
			'Chiusura del parco Città di Meda',
			'Allerta meteo rossa per temporali forti',
			'La biblioteca civica si rinnova',
		]);
		expect(titles(result, REJECTED)).toEqual(['Vota la lista civica per il futuro di Meda']);
		expect(titles(result, HELD)).toEqual([]);

		expect(decisionOf(result, ACCEPTED, 'allerta')).toEqual(
			expect.objectContaining({
				verdict: 'accept',
				category: 'emergenza',
				emergency: true,
				priority: 100,
				codes: ['category', 'emergency'],
				reasons: [
					'Categoria «Emergenza»: contiene «Allerta meteo rossa»',
					'Emergenza: fuori dal limite settimanale, da registrare con la motivazione',
				],
				expiresAt: '2026-04-02T05:00:00.000Z',
			}),
		);
		expect(decisionOf(result, ACCEPTED, 'ordinanza')?.reasons).toEqual(['Categoria «Ordinanza»: indirizzo con «/ordinanze/»']);
		expect(decisionOf(result, ACCEPTED, 'concerto')?.reasons).toEqual(['Categoria «Evento»: categoria del sito «Eventi»']);
		expect(decisionOf(result, ACCEPTED, 'biblioteca')?.reasons).toEqual(['Categoria «Notizia»: indirizzo con «/novita/»']);
		expect(decisionOf(result, REJECTED, 'vota')).toEqual(
			expect.objectContaining({
				verdict: 'reject',
				codes: ['category', 'blocked.elettorale'],
				reasons: ['Categoria «Notizia»: indirizzo con «/novita/»', 'Contenuto elettorale: contiene «Vota»'],
			}),
		);
		const text = decisionOf(result, ACCEPTED, 'ordinanza')?.text as string;
		expect(text).toBe(
			'📜 *Chiusura del parco Città di Meda*\n\nIl parco resta chiuso per la potatura degli alberi.\n\n' +
				`${SITE}/ordinanze/chiusura-parco\n\n` +
				'Canale informativo del Comune di Meda, non è possibile rispondere. Info: comunicazione.istituzionale@comune.medab.it',
		);
		// The item itself goes on unchanged, with its pairing to the Feed's output.
		const first = result.run.data.resultData.runData[POLICY][0].data!.main[ACCEPTED]![0];
		expect(first.json).toEqual(expect.objectContaining({ id: 'concerto', link: concerto.link, categories: ['Eventi'] }));
		expect(first.pairedItem).toEqual({ item: 0 });
	});

	it('inside an election period (Evaluate At), holds the news, rejects the event, lets the emergency through', async () => {
		serve();
		const result = await feedThenPolicy(policyNode({ rulesSource: 'yaml', rulesYaml: medaInElection }));
		expect(result.error(POLICY)).toBeUndefined();
		expect(titles(result, ACCEPTED)).toEqual(['Chiusura del parco Città di Meda', 'Allerta meteo rossa per temporali forti']);
		expect(titles(result, REJECTED)).toEqual(['Concerto di primavera in piazza', 'Vota la lista civica per il futuro di Meda']);
		expect(titles(result, HELD)).toEqual(['La biblioteca civica si rinnova']);
		expect(decisionOf(result, REJECTED, 'concerto')?.reasons).toEqual([
			'Categoria «Evento»: categoria del sito «Eventi»',
			'Periodo elettorale «Comunali 2026»: la categoria «Evento» non è ammessa (L. 28/2000, art. 9)',
		]);
		expect(decisionOf(result, HELD, 'biblioteca')?.reasons).toEqual([
			'Categoria «Notizia»: indirizzo con «/novita/»',
			'Periodo elettorale «Comunali 2026» (fino al 05/04/2026 15:00): la categoria «Notizia» resta in attesa di verifica',
		]);
		expect(decisionOf(result, ACCEPTED, 'allerta')?.codes).toEqual(['category', 'election.pass', 'emergency']);
	});

	it('lets the event and the news through again once the polls close (15:00 on the last day)', async () => {
		const nextConcert = { ...concerto, pubDate: 'Sat, 11 Apr 2026 21:00:00 +0200' };
		const sundayNews = { ...biblioteca, pubDate: 'Sun, 05 Apr 2026 09:00:00 +0200' };
		const run = async (evaluateAt: string) => {
			serve([nextConcert, sundayNews]);
			return feedThenPolicy(policyNode({ rulesSource: 'yaml', rulesYaml: medaInElection, options: { evaluateAt } }));
		};
		const before = await run('2026-04-05T14:59:00');
		expect(titles(before, REJECTED)).toEqual([concerto.title]);
		expect(titles(before, HELD)).toEqual([biblioteca.title]);
		const after = await run('2026-04-05T15:00:00');
		expect(titles(after, ACCEPTED)).toEqual([concerto.title, biblioteca.title]);
	});

	it('composes the rules from node parameters, with the same checks as a file', async () => {
		serve([
			allerta,
			{ guid: 'slogan', title: 'Scegli il cambiamento: incontro in sala consiliare', link: `${SITE}/novita/incontro`, pubDate: 'Wed, 01 Apr 2026 10:00:00 +0200' },
			{ guid: 'sindaco', title: 'Il sindaco Mario Rossi inaugura la mostra', link: `${SITE}/novita/mostra`, pubDate: 'Wed, 01 Apr 2026 10:30:00 +0200' },
			{ guid: 'insulto', title: 'Risposta a chi ci ha dato degli idioti', link: `${SITE}/novita/risposta`, pubDate: 'Wed, 01 Apr 2026 11:00:00 +0200' },
		]);
		const result = await feedThenPolicy(
			policyNode({
				rulesSource: 'parameters',
				comune: 'Città di Meda',
				blockedWords: {
					list: [
						{ list: 'elettorale', words: 'scegli il cambiamento' },
						{ list: 'custom', reason: 'Linguaggio offensivo', words: 'idiota, idioti' },
					],
				},
				persons: 'Mario Rossi, Giulia Bianchi',
				electionPeriods: { period: [{ name: 'Comunali 2026', start: '2026-03-25T00:00:00', end: '2026-04-05T15:00:00' }] },
				template: '{emoji} *{title}*\n{link}',
				footer: 'Canale del Comune, non è possibile rispondere.',
			}),
		);
		expect(result.error(POLICY)).toBeUndefined();
		expect(titles(result, ACCEPTED)).toEqual(['Allerta meteo rossa per temporali forti']);
		expect(decisionOf(result, ACCEPTED, 'allerta')?.text).toBe(
			`🚨 *Allerta meteo rossa per temporali forti*\n${allerta.link}\n\nCanale del Comune, non è possibile rispondere.`,
		);
		const reasons = (id: string) => decisionOf(result, REJECTED, id)?.reasons;
		expect(reasons('insulto')).toContain('Linguaggio offensivo: contiene «idioti»');
		expect(decisionOf(result, REJECTED, 'insulto')?.codes).toContain('blocked.linguaggio-offensivo');
		expect(reasons('slogan')).toContain('Contenuto elettorale: contiene «Scegli il cambiamento»');
		expect(reasons('sindaco')).toEqual([
			'Categoria «Evento»: contiene «inaugura»',
			'Periodo elettorale «Comunali 2026»: nomina «Mario Rossi», la comunicazione deve essere impersonale',
			'Periodo elettorale «Comunali 2026»: la categoria «Evento» non è ammessa (L. 28/2000, art. 9)',
		]);
	});

	it('refuses node parameters that break the rules, listing every problem', async () => {
		serve();
		const result = await feedThenPolicy(
			policyNode({
				rulesSource: 'parameters',
				comune: 'Città di Meda',
				electionPeriods: {
					period: [
						{ name: 'Comunali', start: '2026-06-08T00:00:00', end: '2026-04-15T00:00:00' },
						{ name: 'Referendum', start: 'domani', end: '2026-06-02T00:00:00' },
					],
				},
				template: '*{titlo}*',
			}),
		);
		const error = result.error(POLICY) as Error & { description?: string };
		expect(error.message).toBe('The rules are invalid (4 problems): nothing passes until they are fixed');
		expect(error.description?.split('\n')).toEqual([
			'election.periods[0].end: Il periodo «Comunali» finisce prima di iniziare. La fine (end) deve venire dopo l\'inizio (start).',
			'election.periods[1].start: Data non valida «domani». Scrivi AAAA-MM-GG oppure AAAA-MM-GG HH:MM, ora di Europe/Rome.',
			'message.template: Segnaposto sconosciuto «{titlo}» nel modello del messaggio. Forse intendevi «{titolo}»?',
			'message.template: Il modello del messaggio non contiene {link}. Il collegamento alla notizia va sempre pubblicato: aggiungi {link} al modello.',
		]);
		for (const output of [ACCEPTED, REJECTED, HELD]) expect(result.output(POLICY, output)).toEqual([]);
	});

	describe('a broken rules file stops everything', () => {
		const broken = () => tempFile('meda.yaml', medaText.replace('perWeek: 10', 'perWeeek: 10').replace('  pass: [emergenza,', '  pass: [emergenze,'));
		/** Line of the shipped file where `text` is: the problems point there, wherever the file puts it. */
		const lineOf = (text: string) => medaText.split('\n').findIndex((line) => line.includes(text)) + 1;
		const problems = [
			`meda.yaml:${lineOf('perWeek: 10')}:3 quota.perWeeek: Chiave sconosciuta «perWeeek». Forse intendevi «perWeek»?`,
			`meda.yaml:${lineOf('  pass: [emergenza,')}:10 election.pass[0]: Categoria sconosciuta «emergenze». Forse intendevi «emergenza»?`,
		];

		it('with the problems listed and nothing on any output', async () => {
			serve();
			const result = await feedThenPolicy(policyNode({ rulesSource: 'file', rulesFile: broken() }));
			const error = result.error(POLICY) as Error & { description?: string };
			expect(error.message).toBe('The rules in meda.yaml are invalid (2 problems): nothing passes until they are fixed');
			expect(error.description?.split('\n')).toEqual(problems);
			for (const output of [ACCEPTED, REJECTED, HELD]) expect(result.output(POLICY, output)).toEqual([]);
			expect(result.run.data.resultData.error?.message).toBe(error.message);
		});

		it.each(['continueRegularOutput', 'continueErrorOutput'] as const)(
			'even when the node is set to continue on fail (%s), which would pass the input to Accepted',
			async (onError) => {
				serve();
				const result = await feedThenPolicy(policyNode({ rulesSource: 'file', rulesFile: broken() }, { onError }));
				const error = result.error(POLICY) as Error & { description?: string };
				expect(error.description?.split('\n')).toEqual(problems);
				for (const output of [ACCEPTED, REJECTED, HELD, 3]) expect(result.output(POLICY, output)).toEqual([]);
				// The Feed's own output is untouched: the run can be inspected and replayed.
				expect(result.output(FEED)).toHaveLength(MORNING.length);
			},
		);

		it('when the rules parameter itself fails (a broken expression), even on continue on fail', async () => {
			serve();
			const node = policyNode({ rulesSource: 'file', rulesFile: '={{ $json.rules.file.trim() }}' }, { onError: 'continueRegularOutput' });
			const result = await feedThenPolicy(node);
			expect(result.error(POLICY)).toBeDefined();
			for (const output of [ACCEPTED, REJECTED, HELD]) expect(result.output(POLICY, output)).toEqual([]);
		});

		it('when the file is missing, saying so', async () => {
			serve();
			const result = await feedThenPolicy(policyNode({ rulesSource: 'file', rulesFile: '/nonexistent/meda.yaml' }));
			expect(result.error(POLICY)?.message).toBe('The rules file /nonexistent/meda.yaml does not exist: nothing passes');
			expect((result.error(POLICY) as Error & { description?: string }).description).toBe('Check the path and the file name. The file is read on the n8n host (inside its container, if n8n runs in Docker).');
			for (const output of [ACCEPTED, REJECTED, HELD]) expect(result.output(POLICY, output)).toEqual([]);
		});

		it('when pasted YAML has a syntax error, with its line and column', async () => {
			serve();
			const result = await feedThenPolicy(policyNode({ rulesSource: 'yaml', rulesYaml: 'comune: Meda\ncategories:\n  - id: avviso\n\tlabel: Avviso\n' }));
			const error = result.error(POLICY) as Error & { description?: string };
			expect(error.message).toBe('The rules in Rules YAML are invalid (1 problem): nothing passes until they are fixed');
			expect(error.description).toBe(
				'Rules YAML:4:1: Errore di sintassi YAML: tabulazione usata per il rientro. Per rientrare usa gli spazi, non il tasto Tab.',
			);
		});
	});

	describe('items that are not news', () => {
		const input = [
			{ json: { error: 'https://www.comune.meda.mb.it/feed answered HTTP 404.', code: 'http_status' } },
			{ json: { id: 'x', title: 'Ordinanza viabilità', link: `${SITE}/ordinanze/1`, publishedAt: null, categories: [], source: { kind: 'rss' } } },
		];

		it('stop the node with the item index', async () => {
			const workflow = await makeWorkflow({ nodes: [policyNode({ rulesSource: 'file', rulesFile: MEDA })], connections: {} });
			const result = await runWorkflow(workflow, { input });
			const error = result.error(POLICY) as Error & { description?: string; context?: { itemIndex?: number } };
			expect(error.message).toBe('The item is not a Banditore news item: it has no title and no link');
			expect(error.description).toMatch(/Connect the output of Banditore Feed/);
			expect(error.context?.itemIndex).toBe(0);
		});

		it('go to Rejected with the error when the node continues on fail; the others are judged', async () => {
			const node = policyNode({ rulesSource: 'file', rulesFile: MEDA }, { onError: 'continueRegularOutput' });
			const result = await runWorkflow(await makeWorkflow({ nodes: [node], connections: {} }), { input });
			expect(result.output(POLICY, REJECTED)).toEqual([
				expect.objectContaining({
					error:
						'The item is not a Banditore news item: it has no title and no link (its error: https://www.comune.meda.mb.it/feed answered HTTP 404.)',
					code: 'http_status',
				}),
			]);
			expect(result.output(POLICY, ACCEPTED).map((item) => item.id)).toEqual(['x']);
		});
	});

	it('refuses an Evaluate At that is not a time, naming the item', async () => {
		serve([ordinanza]);
		const result = await feedThenPolicy(policyNode({ rulesSource: 'file', rulesFile: MEDA, options: { evaluateAt: 'domani' } }));
		const error = result.error(POLICY) as Error & { description?: string; context?: { itemIndex?: number } };
		expect(error.message).toBe('Evaluate At "domani" is not a date and time');
		expect(error.context?.itemIndex).toBe(0);
		for (const output of [ACCEPTED, REJECTED, HELD]) expect(result.output(POLICY, output)).toEqual([]);
	});

	it('can leave the items as they are, routing them all the same', async () => {
		serve([ordinanza, vota]);
		const result = await feedThenPolicy(policyNode({ rulesSource: 'file', rulesFile: MEDA, options: { evaluateAt: EVALUATE_AT, addDecision: false } }));
		expect(result.output(POLICY, ACCEPTED)).toEqual([expect.not.objectContaining({ decision: expect.anything() })]);
		expect(result.output(POLICY, REJECTED).map((item) => item.id)).toEqual(['vota']);
	});

	it('judges at the time of the run when Evaluate At is empty', async () => {
		const hourAgo = new Date(Date.now() - 3_600_000).toUTCString();
		const lastMonth = new Date(Date.now() - 30 * 86_400_000).toUTCString();
		serve([
			{ ...ordinanza, pubDate: hourAgo },
			{ ...biblioteca, pubDate: lastMonth },
		]);
		const result = await feedThenPolicy(policyNode({ rulesSource: 'file', rulesFile: MEDA, options: {} }));
		expect(titles(result, ACCEPTED)).toEqual([ordinanza.title]);
		expect(decisionOf(result, REJECTED, 'biblioteca')?.codes).toEqual(['category', 'expired.age']);
	});

	it('parses a rules source once per execution, however many items share it', async () => {
		const path = tempFile('meda.yaml', medaText);
		const cache = new RulesCache({ name: POLICY } as INode);
		const first = cache.get({ kind: 'file', path });
		await first;
		writeFileSync(path, 'broken: [');
		expect(cache.get({ kind: 'file', path })).toBe(first);
		await expect(new RulesCache({ name: POLICY } as INode).get({ kind: 'file', path })).rejects.toThrow(/invalid/);
	});

	it('starts "Node Parameters" from the category model of rules/meda.yaml', () => {
		const meda = parse(medaText);
		expect(STANDARD_MODEL).toEqual({
			categories: meda.categories,
			fallbackCategory: meda.fallbackCategory,
			expiry: meda.expiry,
			election: { pass: meda.election.pass, reject: meda.election.reject },
		});
	});
});
