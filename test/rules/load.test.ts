import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_WORDS, evaluate, formatProblems, loadRules, rulesFromObject, type RuleProblem } from '../../core/rules';
import { parse } from 'yaml';
import { item, shippedText } from './helpers';

/** A small valid file; each broken case below changes one thing. */
const BASE = `comune: Comune di Prova
categories:
  - id: avviso
    label: Avviso
    match:
      words: [avviso]
  - id: notizia
    label: Notizia
fallbackCategory: notizia
`;

function problems(text: string): RuleProblem[] {
	const result = loadRules(text);
	if (result.ok) throw new Error('il file doveva essere rifiutato');
	expect(result).not.toHaveProperty('rules');
	return result.problems;
}

describe('i file distribuiti', () => {
	test.each(['meda', 'magenta'] as const)('rules/%s.yaml si carica senza problemi', (name) => {
		const result = loadRules(shippedText(name));
		expect(result.ok ? [] : result.problems).toEqual([]);
	});

	test('Meda: 10 messaggi a settimana, settimana ISO, emergenze esenti, ore di silenzio 21:00-07:30', () => {
		const result = loadRules(shippedText('meda'));
		if (!result.ok) throw new Error('meda.yaml non valido');
		expect(result.rules.quota).toEqual({
			perWeek: 10,
			week: 'iso',
			emergenciesExempt: true,
			minSpacingMinutes: 60,
			quietHours: { from: '21:00', to: '07:30', fromMinute: 1260, toMinute: 450 },
			pacing: true,
			digest: { enabled: false, maxPriority: 10, minItems: 2, maxItems: 10 },
		});
		expect(result.rules.categories.map((c) => c.id)).toEqual(['emergenza', 'allerta-meteo', 'ordinanza', 'avviso', 'evento', 'notizia']);
		expect(result.rules.digest).toMatch(/^[0-9a-f]{64}$/);
	});

	test('Magenta: il piè di pagina porta la casella dell’ufficio stampa (§4)', () => {
		const result = loadRules(shippedText('magenta'));
		if (!result.ok) throw new Error('magenta.yaml non valido');
		expect(result.rules.message.footer).toContain('ufficio.stampa@comune.magenta.mi.it');
		expect(result.rules.blocked.map((b) => b.label)).toEqual(['Contenuto elettorale', 'Contenuto politico', 'Contenuto pubblicitario']);
	});
});

describe('valori predefiniti', () => {
	test('un file minimo riceve i valori predefiniti e i tre elenchi di contenuti vietati', () => {
		const result = loadRules(BASE);
		if (!result.ok) throw new Error(JSON.stringify(result.problems));
		const rules = result.rules;
		expect(rules.quota).toEqual({ perWeek: 10, week: 'iso', emergenciesExempt: true, minSpacingMinutes: 0, quietHours: null, pacing: false, digest: { enabled: false, maxPriority: 10, minItems: 2, maxItems: 10 } });
		expect([rules.timezone, rules.channel, rules.message.maxLength]).toEqual(['Europe/Rome', 'Comune di Prova', 1000]);
		expect(rules.blocked.map((b) => b.id)).toEqual(['elettorale', 'politico', 'commerciale']);
	});

	test('orari senza virgolette restano orari (YAML 1.2)', () => {
		const result = loadRules(`${BASE}quota:\n  quietHours: { from: 21:00, to: 07:30 }\n`);
		expect(result.ok && result.rules.quota.quietHours).toEqual({ from: '21:00', to: '07:30', fromMinute: 1260, toMinute: 450 });
	});
});

describe('file rotti: problemi con riga, colonna e suggerimento, mai regole', () => {
	test.each([
		[
			'chiave sbagliata, con suggerimento',
			`${BASE}quota:\n  perWeeek: 5\n`,
			{ path: 'quota.perWeeek', line: 11, column: 3, message: 'Chiave sconosciuta «perWeeek»', hint: 'Forse intendevi «perWeek»?' },
		],
		[
			'chiave in italiano al posto di quella inglese',
			BASE.replace('categories:', 'categorie:'),
			{ path: 'categorie', line: 2, column: 1, message: 'Chiave sconosciuta «categorie»', hint: 'Forse intendevi «categories»?' },
		],
		[
			'chiave sconosciuta senza somiglianze',
			`${BASE}colore: rosso\n`,
			{
				path: 'colore',
				line: 10,
				column: 1,
				message: 'Chiave sconosciuta «colore»',
				hint: 'Chiavi ammesse qui: version, comune, istat, channel, timezone, quota, categories, fallbackCategory, expiry, blocked, classifier, election, message.',
			},
		],
		[
			'sintassi YAML: tabulazione',
			`${BASE}quota:\n\tperWeek: 5\n`,
			{ path: '', line: 11, column: 1, message: 'Errore di sintassi YAML: tabulazione usata per il rientro', hint: 'Per rientrare usa gli spazi, non il tasto Tab.' },
		],
		[
			'sintassi YAML: virgolette non chiuse',
			`${BASE}channel: "Comune\n`,
			{ path: '', line: 11, column: 1, message: 'Errore di sintassi YAML: manca un carattere di chiusura', hint: 'Manca un carattere di chiusura: virgolette, parentesi o due punti.' },
		],
		[
			'sintassi YAML: chiave ripetuta',
			`${BASE}comune: Altro\n`,
			{ path: '', line: 10, column: 1, message: 'Errore di sintassi YAML: chiave ripetuta', hint: 'La stessa chiave compare due volte nella stessa sezione: tienine una.' },
		],
		[
			'espressione regolare non valida',
			BASE.replace('words: [avviso]', 'patterns: ["chius(a|e"]'),
			{
				path: 'categories[0].match.patterns[0]',
				line: 6,
				column: 18,
				message: 'Espressione regolare non valida «chius(a|e»',
				hint: 'Errore: parentesi tonda non chiusa. Per cercare un carattere speciale (. ? + * ( ) [ ]) mettici davanti \\.',
			},
		],
		[
			'orario impossibile',
			`${BASE}quota:\n  quietHours:\n    from: "25:00"\n    to: "07:30"\n`,
			{ path: 'quota.quietHours.from', line: 12, column: 11, message: 'Orario non valido «25:00»', hint: 'Scrivi l\'ora come "HH:MM", tra virgolette, da "00:00" a "23:59".' },
		],
		[
			'numero scritto in lettere',
			`${BASE}quota:\n  perWeek: dieci\n`,
			{ path: 'quota.perWeek', line: 11, column: 12, message: 'Valore non valido: serve un numero, trovato un testo' },
		],
		[
			'numero con la virgola dove serve un intero',
			`${BASE}quota:\n  perWeek: 7.5\n`,
			{ path: 'quota.perWeek', line: 11, column: 12, message: 'Valore non valido: serve un numero intero, trovato un numero con la virgola' },
		],
		[
			'valore non ammesso',
			`${BASE}quota:\n  week: isoo\n`,
			{ path: 'quota.week', line: 11, column: 9, message: 'Valore non ammesso «isoo»', hint: 'Forse intendevi «iso»?' },
		],
		[
			'fuso orario sconosciuto',
			`${BASE}timezone: Europe/Roma\n`,
			{ path: 'timezone', line: 10, column: 11, message: 'Fuso orario sconosciuto «Europe/Roma»', hint: 'Usa un nome IANA, per esempio Europe/Rome.' },
		],
		[
			'manca il nome del comune',
			BASE.replace('comune: Comune di Prova\n', ''),
			{ path: 'comune', line: 1, column: 1, message: 'Manca la chiave obbligatoria «comune»' },
		],
		[
			'categoria sconosciuta, con suggerimento',
			`${BASE}election:\n  pass: [avvisi]\n`,
			{ path: 'election.pass[0]', line: 11, column: 10, message: 'Categoria sconosciuta «avvisi»', hint: 'Forse intendevi «avviso»?' },
		],
		[
			'categoria di riserva sconosciuta',
			BASE.replace('fallbackCategory: notizia', 'fallbackCategory: comunicati'),
			{ path: 'fallbackCategory', line: 9, column: 19, message: 'Categoria sconosciuta «comunicati»', hint: 'Categorie definite: avviso, notizia.' },
		],
		[
			'fine prima dell’inizio',
			`${BASE}election:\n  periods:\n    - name: Comunali\n      start: 2026-05-20\n      end: 2026-04-10\n`,
			{ path: 'election.periods[0].end', line: 14, column: 12, message: 'Il periodo «Comunali» finisce prima di iniziare', hint: "La fine (end) deve venire dopo l'inizio (start)." },
		],
		[
			'periodi sovrapposti',
			`${BASE}election:\n  periods:\n    - { name: Comunali, start: 2026-04-15, end: "2026-06-08 15:00" }\n    - { name: Referendum, start: 2026-06-08, end: 2026-06-09 }\n`,
			{
				path: 'election.periods[1].start',
				line: 13,
				column: 34,
				message: 'Il periodo «Referendum» si sovrappone al periodo «Comunali»',
				hint: 'Unisci i due periodi in uno solo (il ballottaggio fa parte dello stesso periodo) o correggi le date.',
			},
		],
		[
			'data impossibile',
			`${BASE}election:\n  periods:\n    - { name: Comunali, start: 2026-02-30, end: 2026-03-10 }\n`,
			{ path: 'election.periods[0].start', line: 12, column: 32, message: 'Data non valida «2026-02-30»', hint: 'Scrivi AAAA-MM-GG oppure AAAA-MM-GG HH:MM, ora di Europe/Rome.' },
		],
		[
			'asterisco fuori posto',
			BASE.replace('words: [avviso]', 'words: ["*avviso"]'),
			{ path: 'categories[0].match.words[0]', line: 6, column: 15, message: 'Asterisco in posizione non valida in «*avviso»', hint: "L'asterisco va solo alla fine di una parola, per esempio candidat*." },
		],
		[
			'parola da escludere che non è nell’elenco predefinito',
			`${BASE}blocked:\n  - id: elettorale\n    exclude: [votaa]\n`,
			{ path: 'blocked[0].exclude[0]', line: 12, column: 15, message: "«votaa» non è nell'elenco predefinito «elettorale»", hint: 'Forse intendevi «vota»?' },
		],
		[
			'elenco nuovo senza motivo',
			`${BASE}blocked:\n  - id: offensivo\n    words: [idiota]\n`,
			{
				path: 'blocked[0].id',
				line: 11,
				column: 9,
				message: "Manca il motivo (reason) per l'elenco «offensivo»",
				hint: 'Scrivi il motivo mostrato quando questo elenco blocca una notizia, per esempio: Contenuto offensivo.',
			},
		],
		[
			'segnaposto sconosciuto nel modello',
			`${BASE}message:\n  template: "*{titlo}* {link}"\n`,
			{ path: 'message.template', line: 11, column: 13, message: 'Segnaposto sconosciuto «{titlo}» nel modello del messaggio', hint: 'Forse intendevi «{titolo}»?' },
		],
		[
			'modello senza collegamento',
			`${BASE}message:\n  template: "*{title}*"\n`,
			{
				path: 'message.template',
				line: 11,
				column: 13,
				message: 'Il modello del messaggio non contiene {link}',
				hint: 'Il collegamento alla notizia va sempre pubblicato: aggiungi {link} al modello.',
			},
		],
		[
			'categoria senza criteri',
			BASE.replace('fallbackCategory: notizia\n', ''),
			{
				path: 'categories[1].id',
				line: 7,
				column: 9,
				message: 'La categoria «notizia» non ha criteri per riconoscerla e non è la categoria di riserva',
				hint: 'Aggiungi in match almeno uno tra words, sourceCategories, urlPaths, patterns, sourceKinds.',
			},
		],
		[
			'identificativo con maiuscole',
			BASE.replace('id: avviso', 'id: Avviso'),
			{ path: 'categories[0].id', line: 3, column: 9, message: 'Identificativo di categoria non valido «Avviso»', hint: 'Usa lettere minuscole senza accenti, cifre e trattini, per esempio allerta-meteo.' },
		],
		['nome del comune vuoto', BASE.replace('comune: Comune di Prova', 'comune:'), { path: 'comune', line: 1, column: 1, message: 'Manca il valore di «comune»' }],
		['nessuna categoria', 'comune: Comune di Prova\ncategories: []\n', { path: 'categories', line: 2, column: 13, message: "L'elenco non può essere vuoto" }],
		['file vuoto', '', { path: '', line: 1, column: 1, message: 'Il file delle regole è vuoto', hint: 'Parti da uno dei file di esempio: rules/meda.yaml o rules/magenta.yaml.' }],
		[
			'non è una sezione di chiavi',
			'- solo\n- un elenco\n',
			{ path: '', line: 1, column: 1, message: 'Il file deve essere una sezione di chiavi e valori (comune:, categories:, …)', hint: 'Ogni riga è «chiave: valore»; guarda rules/meda.yaml per un esempio.' },
		],
	])('%s', (_case, text, expected) => {
		expect(problems(text)).toContainEqual(expected);
	});

	test('più problemi insieme, in ordine di riga: anche quelli di significato', () => {
		const text = `${BASE}quota:\n  perWeeek: 5\nelection:\n  pass: [avvisi]\n  periods:\n    - { name: A, start: 2026-05-20, end: 2026-04-10 }\n`;
		expect(problems(text).map((p) => [p.line, p.path])).toEqual([
			[11, 'quota.perWeeek'],
			[13, 'election.pass[0]'],
			[15, 'election.periods[0].end'],
		]);
	});

	test('formatProblems: una riga per problema, come la stampa la CLI', () => {
		expect(formatProblems(problems(`${BASE}quota:\n  perWeeek: 5\n`), 'prova.yaml')).toEqual([
			'prova.yaml:11:3 quota.perWeeek: Chiave sconosciuta «perWeeek». Forse intendevi «perWeek»?',
		]);
	});

	test('un file rotto non lascia passare niente', () => {
		const result = loadRules(`${BASE}quota:\n  perWeeek: 5\n`);
		expect(result.ok).toBe(false);
		const rules = (result as unknown as { rules: never }).rules;
		expect(evaluate(item({ title: 'Avviso' }), rules, { now: new Date() }).verdict).toBe('reject');
	});
});

describe('regole dai parametri del nodo n8n', () => {
	test('un oggetto valido dà le stesse regole del file', () => {
		const result = rulesFromObject({ comune: 'Comune di Prova', categories: [{ id: 'avviso', label: 'Avviso', match: { words: ['avviso'] } }] });
		expect(result.ok).toBe(true);
	});

	test('i problemi hanno il percorso ma non riga e colonna', () => {
		const result = rulesFromObject({ comune: 'Comune di Prova', categories: [{ id: 'avviso', label: 'Avviso', match: { wrds: ['avviso'] } }] });
		expect(result).toEqual({
			ok: false,
			problems: [
				{ path: 'categories[0].match.wrds', line: 0, column: 0, message: 'Chiave sconosciuta «wrds»', hint: 'Forse intendevi «words»?' },
				{
					path: 'categories[0].id',
					line: 0,
					column: 0,
					message: 'La categoria «avviso» non ha criteri per riconoscerla e non è la categoria di riserva',
					hint: 'Aggiungi in match almeno uno tra words, sourceCategories, urlPaths, patterns, sourceKinds.',
				},
			],
		});
	});

	test.each([null, undefined, 'testo', 42, []])('%p non dà regole', (value) => {
		expect(rulesFromObject(value).ok).toBe(false);
	});
});

describe('la guida rules/README.md', () => {
	const readme = readFileSync(join(__dirname, '..', '..', 'rules', 'README.md'), 'utf8');

	test('elenca tutte le parole predefinite', () => {
		const plain = readme.replace(/\\\*/g, '*').replace(/\s+/g, ' ');
		for (const words of Object.values(DEFAULT_WORDS)) for (const word of words) expect(plain).toContain(word);
	});

	test('spiega tutte le chiavi dello schema', () => {
		for (const key of ['version', 'comune', 'channel', 'timezone', 'perWeek', 'week', 'emergenciesExempt', 'minSpacingMinutes', 'quietHours', 'pacing',
			'id', 'label', 'emoji', 'priority', 'emergency', 'approval', 'sourceCategories', 'urlPaths', 'words', 'patterns', 'sourceKinds', 'afterEvent',
			'maxAgeHours', 'fallbackCategory', 'reason', 'defaults', 'exclude', 'pass', 'reject', 'persons', 'dropImages', 'periods', 'template', 'footer', 'maxLength',
			'istat', 'review', 'unless', 'calendar', 'votes', 'classifier', 'threshold']) {
			expect(readme).toContain(`\`${key}`);
		}
	});
});

describe('rules/valmorena.yaml, il comune dimostrativo', () => {
	test('sono le regole di Meda con il nome, il canale e il piè di pagina di Valmorena: nessuna regola si perde', () => {
		const read = (name: string) => parse(readFileSync(join(__dirname, '..', '..', 'rules', `${name}.yaml`), 'utf8'));
		const own = ['comune', 'istat', 'channel'];
		const strip = (data: Record<string, unknown> & { message: Record<string, unknown> }) => ({
			...Object.fromEntries(Object.entries(data).filter(([key]) => !own.includes(key))),
			message: { ...data.message, footer: null },
		});
		const meda = read('meda');
		const valmorena = read('valmorena');
		expect(valmorena.comune).toBe('Comune di Valmorena');
		expect(valmorena.message.footer).toContain('Valmorena');
		expect(strip(valmorena)).toEqual(strip(meda));
	});
});
