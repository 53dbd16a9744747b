import { evaluate, rulesFromObject, type Rules } from '../../core/rules';
import { item, ok, shipped, shippedWith } from './helpers';
import { DateTime } from '../../core/vendor';

const meda = shipped('meda');
const magenta = shipped('magenta');
// The word lists and dates on their own: the learned classifier is measured on real items
// (dev-set.test.ts), not on bare titles like these.
const medaRules = shippedWith('meda', (data) => {
	data.classifier = { enabled: false };
});
const NOW = new Date('2026-04-01T10:00:00Z');

function decide(over: Parameters<typeof item>[0], rules: Rules = meda, now: Date = NOW) {
	return evaluate(item(over), rules, { now });
}

describe('categorie: come si riconosce una notizia', () => {
	test.each([
		// [titolo, categorie del sito, indirizzo, categoria attesa, motivo]
		['Ordinanza di chiusura del parco', [], '/pagina/1', 'ordinanza', 'Categoria «Ordinanza»: contiene «Ordinanza»'],
		['Allerta meteo: temporali forti', [], '/pagina/1', 'allerta-meteo', 'Categoria «Allerta meteo»: contiene «Allerta meteo: temporali»'],
		['Sagra di San Giorgio', ['Eventi'], '/pagina/1', 'evento', 'Categoria «Evento»: categoria del sito «Eventi»'],
		["Cinema all'aperto", [], '/vivere-il-comune/eventi/123', 'evento', 'Categoria «Evento»: indirizzo con «/eventi/»'],
		['Sciopero dei mezzi pubblici', [], '/pagina/1', 'avviso', 'Categoria «Avviso»: contiene «Sciopero»'],
		['La biblioteca si rinnova', [], '/pagina/1', 'notizia', "Categoria «Notizia»: nessun'altra categoria riconosciuta"],
		['La biblioteca si rinnova', [], '/novita/notizie/biblioteca', 'notizia', 'Categoria «Notizia»: indirizzo con «/notizie/»'],
	])('«%s» %j %s → %s', (title, categories, path, category, reason) => {
		const d = decide({ title, categories, link: `https://www.comune.meda.mb.it${path}` });
		expect(d.category).toBe(category);
		expect(d.reasons[0]).toBe(reason);
		expect(d.verdict).toBe('accept');
	});

	test.each([
		// più categorie insieme: vince la priorità più alta
		['Evacuazione in via Indipendenza per allerta meteo', 'emergenza', 100, 'Categoria «Emergenza»: contiene «Evacuazione»'],
		['Ordinanza sindacale: evacuazione per la frana', 'emergenza', 100, 'Categoria «Emergenza»: contiene «evacuazione»'],
		['Concerto in piazza: chiusura al traffico', 'avviso', 60, 'Categoria «Avviso»: contiene «chiusura al traffico»'],
		['Ordinanza per la festa patronale', 'ordinanza', 80, 'Categoria «Ordinanza»: contiene «Ordinanza»'],
	])('più categorie: «%s» → %s (priorità %d)', (title, category, priority, reason) => {
		const d = decide({ title, categories: ['Eventi'] });
		expect(d.category).toBe(category);
		expect(d.priority).toBe(priority);
		expect(d.reasons[0]).toBe(reason);
	});

	test('a parità di priorità vince la categoria scritta prima nel file, sempre', () => {
		const rules = ok(
			rulesFromObject({
				comune: 'Comune di Prova',
				categories: [
					{ id: 'scuola', label: 'Scuola', priority: 50, match: { words: ['mensa'] } },
					{ id: 'servizi', label: 'Servizi', priority: 50, match: { words: ['mensa'] } },
				],
			}),
		);
		for (let i = 0; i < 3; i++) expect(evaluate(item({ title: 'Menu della mensa' }), rules, { now: NOW }).category).toBe('scuola');
	});

	test('fonte di tipo youtube come unico criterio', () => {
		const rules = ok(
			rulesFromObject({
				comune: 'Comune di Prova',
				categories: [
					{ id: 'video', label: 'Video', priority: 20, match: { sourceKinds: ['youtube'] } },
					{ id: 'bandi', label: 'Bandi', priority: 30, match: { words: ['bando'], sourceKinds: ['rss'] } },
				],
			}),
		);
		const video = evaluate(item({ title: 'Il bando in un video', source: { name: 'YouTube', url: 'u', kind: 'youtube' } }), rules, { now: NOW });
		expect([video.category, video.reasons[0]]).toEqual(['video', 'Categoria «Video»: fonte di tipo «youtube»']);
		expect(evaluate(item({ title: 'Bando per le borse di studio' }), rules, { now: NOW }).category).toBe('bandi');
	});

	test('fonte di tipo facebook o instagram: i post dei canali social del comune', () => {
		const rules = ok(
			rulesFromObject({
				comune: 'Comune di Prova',
				categories: [{ id: 'social', label: 'Dai social', priority: 20, match: { sourceKinds: ['facebook', 'instagram'] } }],
			}),
		);
		const post = evaluate(item({ title: 'Mercato di Natale', source: { name: 'Comune di Prova', url: 'https://www.facebook.com/1', kind: 'facebook' } }), rules, { now: NOW });
		expect([post.category, post.reasons[0]]).toEqual(['social', 'Categoria «Dai social»: fonte di tipo «facebook»']);
		expect(evaluate(item({ title: 'Mercato di Natale' }), rules, { now: NOW }).category).not.toBe('social');
	});

	test('senza categoria di riserva una notizia non riconosciuta resta in attesa', () => {
		const rules = ok(rulesFromObject({ comune: 'Comune di Prova', categories: [{ id: 'avviso', label: 'Avviso', match: { words: ['avviso'] } }] }));
		const d = evaluate(item({ title: 'Festa dei nonni' }), rules, { now: NOW });
		expect(d).toMatchObject({
			verdict: 'hold',
			codes: ['category.none'],
			reasons: ['Nessuna categoria riconosciuta: serve la verifica della redazione'],
			category: null,
			priority: 0,
		});
	});
});

describe('contenuti mai pubblicati (Magenta §3)', () => {
	test.each([
		// [titolo, sommario, codice, motivo]
		['Vota Mario Rossi alle elezioni', '', 'blocked.elettorale', 'Contenuto elettorale: contiene «Vota»'],
		['VOTA la lista del cambiamento', '', 'blocked.elettorale', 'Contenuto elettorale: contiene «VOTA»'],
		['Votà per noi', '', 'blocked.elettorale', 'Contenuto elettorale: contiene «Votà»'],
		['Presentazione della Lista Civica "Meda Futura"', '', 'blocked.elettorale', 'Contenuto elettorale: contiene «Lista Civica»'],
		['Incontro con la candidata sindaca', '', 'blocked.elettorale', 'Contenuto elettorale: contiene «candidata sindaca»'],
		['Incontro pubblico in sala consiliare', 'Il centrodestra presenta il suo programma', 'blocked.politico', 'Contenuto politico: contiene «centrodestra»'],
		['Codice sconto per il teatro', '', 'blocked.commerciale', 'Contenuto pubblicitario: contiene «Codice sconto»'],
		['Saldi: OFFERTA SPECIALE nei negozi', '', 'blocked.commerciale', 'Contenuto pubblicitario: contiene «OFFERTA SPECIALE»'],
	])('«%s» / «%s» → %s', (title, summary, code, reason) => {
		const d = decide({ title, summary });
		expect(d.verdict).toBe('reject');
		expect(d.codes).toContain(code);
		expect(d.reasons).toContain(reason);
	});

	test.each([
		'Votazione del consiglio comunale sul bilancio',
		'Risultati delle votazioni per il bilancio partecipativo',
		'È partito il cantiere di via Roma',
		'Sconto TARI per le famiglie numerose',
		'Revisione delle liste elettorali',
		'Politiche giovanili: nuovo sportello',
		'I candidati al servizio civile',
	])('nessun falso allarme: «%s» passa', (title) => {
		const d = decide({ title }, medaRules);
		expect(d.verdict).toBe('accept');
		expect(d.codes.filter((c) => c.startsWith('blocked'))).toEqual([]);
	});

	test('più elenchi insieme: un motivo per elenco, nell’ordine del file', () => {
		const d = decide({ title: 'Vota e usa il codice sconto' });
		expect(d.verdict).toBe('reject');
		expect(d.codes).toEqual(['category.fallback', 'blocked.elettorale', 'blocked.commerciale']);
		expect(d.reasons.slice(1)).toEqual(['Contenuto elettorale: contiene «Vota»', 'Contenuto pubblicitario: contiene «codice sconto»']);
	});

	test('anche un’emergenza con contenuto elettorale è respinta, senza motivo di emergenza', () => {
		const d = decide({ title: 'Evacuazione del comitato: vota domani' });
		expect(d).toMatchObject({ verdict: 'reject', category: 'emergenza', emergency: true });
		expect(d.codes).toEqual(['category', 'blocked.elettorale']);
	});

	test.each([
		['un elenco nuovo senza quelli predefiniti', [{ id: 'offensivo', reason: 'Linguaggio offensivo', words: ['idiota'] }]],
		['un elenco vuoto', []],
	])('gli elenchi predefiniti valgono sempre: %s', (_case, blocked) => {
		const rules = ok(rulesFromObject({ comune: 'Comune di Prova', categories: [{ id: 'notizia', label: 'Notizia' }], fallbackCategory: 'notizia', blocked }));
		for (const [title, code] of [['Vota Mario Rossi', 'blocked.elettorale'], ['Il centrodestra presenta il programma', 'blocked.politico'], ['Usa il codice sconto', 'blocked.commerciale']]) {
			const d = evaluate(item({ title }), rules, { now: NOW });
			expect([d.verdict, d.codes]).toEqual(['reject', ['category.fallback', code]]);
		}
	});

	describe("elenchi estesi dall'ufficio", () => {
		const rules = ok(
			rulesFromObject({
				comune: 'Comune di Prova',
				categories: [{ id: 'notizia', label: 'Notizia' }],
				fallbackCategory: 'notizia',
				blocked: [
					{ id: 'elettorale', words: ['scegli il cambiamento'], exclude: ['vota'] },
					{ id: 'offensivo', reason: 'Linguaggio offensivo', words: ['idiota', 'idioti'] },
					{ id: 'commerciale', defaults: false, patterns: ['\\d+ ?% di sconto'] },
				],
				classifier: { enabled: false },
			}),
		);
		test.each([
			['Vota il progetto del bilancio partecipativo', 'accept', []],
			['Scegli il cambiamento!', 'reject', ['Contenuto elettorale: contiene «Scegli il cambiamento»']],
			['Comizio in piazza', 'reject', ['Contenuto elettorale: contiene «Comizio»']],
			['Solo oggi 50% di sconto', 'reject', ['Contenuto pubblicitario: contiene «50% di sconto»']],
			['Usa il codice sconto', 'accept', []],
			['Siete degli IDIOTI', 'reject', ['Linguaggio offensivo: contiene «IDIOTI»']],
		])('«%s» → %s', (title, verdict, blocked) => {
			const d = evaluate(item({ title }), rules, { now: NOW });
			expect(d.verdict).toBe(verdict);
			expect(d.reasons.slice(1)).toEqual(blocked);
		});
	});
});

describe('scadenza: eventi dopo la loro data, notizie dopo N ore (ora di Roma, anche col cambio d’ora)', () => {
	test.each([
		// [caso, categoria, data della notizia, scade alle, ora della decisione, esito, motivo]
		['evento sabato 28/03, un istante prima di mezzanotte', 'Eventi', '2026-03-27T23:00:00Z', '2026-03-28T23:00:00.000Z', '2026-03-28T22:59:59Z', 'accept', null],
		['evento sabato 28/03, a mezzanotte', 'Eventi', '2026-03-27T23:00:00Z', '2026-03-28T23:00:00.000Z', '2026-03-28T23:00:00Z', 'reject', "Scaduto: l'evento era il 28/03/2026"],
		['evento domenica 29/03 (giorno di 23 ore)', 'Eventi', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00.000Z', '2026-03-29T21:59:59Z', 'accept', null],
		['evento domenica 29/03, mezzanotte ora legale', 'Eventi', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00.000Z', '2026-03-29T22:00:00Z', 'reject', "Scaduto: l'evento era il 29/03/2026"],
		['evento domenica 25/10 alle 21 (giorno di 25 ore)', 'Eventi', '2026-10-25T20:00:00Z', '2026-10-25T23:00:00.000Z', '2026-10-25T22:59:59Z', 'accept', null],
		['evento domenica 25/10, mezzanotte ora solare', 'Eventi', '2026-10-25T20:00:00Z', '2026-10-25T23:00:00.000Z', '2026-10-25T23:00:00Z', 'reject', "Scaduto: l'evento era il 25/10/2026"],
		['evento sabato 24/10, ancora ora legale', 'Eventi', '2026-10-23T22:00:00Z', '2026-10-24T22:00:00.000Z', '2026-10-24T22:00:00Z', 'reject', "Scaduto: l'evento era il 24/10/2026"],
		['emergenza: 24 ore vere anche attraverso il cambio d’ora', 'Emergenze', '2026-03-28T12:00:00Z', '2026-03-29T12:00:00.000Z', '2026-03-29T11:59:59Z', 'accept', null],
		['emergenza scaduta dopo 24 ore', 'Emergenze', '2026-03-28T12:00:00Z', '2026-03-29T12:00:00.000Z', '2026-03-29T12:00:00Z', 'reject', 'Scaduto: pubblicato il 28/03/2026 13:00, più di 24 ore fa'],
	])('%s', (_case, category, publishedAt, expiresAt, now, verdict, reason) => {
		const d = decide({ title: 'Titolo', categories: [category], publishedAt }, meda, new Date(now));
		expect(d.expiresAt).toBe(expiresAt);
		expect(d.verdict).toBe(verdict);
		if (reason) expect(d.reasons).toContain(reason);
		else expect(d.codes.some((c) => c.startsWith('expired'))).toBe(false);
	});

	test.each([
		// [titolo, data della notizia, scade alle (mezzanotte dopo l'ultimo giorno dell'evento, ora di Roma)]
		['Concerto di Natale domenica 14 dicembre', '2025-12-01T09:00:00Z', '2025-12-14T23:00:00.000Z'],
		['Mercatino di Natale dal 2 al 6 dicembre', '2025-11-20T09:00:00Z', '2025-12-06T23:00:00.000Z'],
		// Annunciato a dicembre per gennaio: l'anno dopo.
		['Arriva la Befana in piazza il 6 gennaio', '2025-12-28T09:00:00Z', '2026-01-06T23:00:00.000Z'],
	])('un evento scade dopo il suo ultimo giorno, non il giorno della pubblicazione: «%s»', (title, publishedAt, expiresAt) => {
		const the = (now: string) => decide({ title, categories: ['Eventi'], publishedAt }, medaRules, new Date(now));
		const d = the(publishedAt);
		expect(d.expiresAt).toBe(expiresAt);
		expect(d.verdict).toBe('accept');
		const after = the(expiresAt);
		expect(after.codes).toContain('expired.event');
		expect(after.reasons.join(' ')).toContain(`l'evento era il ${DateTime.fromISO(expiresAt).setZone('Europe/Rome').minus({ days: 1 }).toFormat('dd/LL/yyyy')}`);
	});

	test('un resoconto di un evento già passato è scaduto', () => {
		const d = decide({ title: 'Grande partecipazione al concerto di sabato 29 novembre', categories: ['Eventi'], publishedAt: '2025-12-01T09:00:00Z' }, meda, new Date('2025-12-01T09:00:00Z'));
		expect(d.codes).toContain('expired.event');
	});

	test('senza data non scade', () => {
		const d = decide({ title: 'Avviso', publishedAt: null }, meda, new Date('2030-01-01T00:00:00Z'));
		expect([d.verdict, d.expiresAt]).toEqual(['accept', null]);
	});

	test('il limite generale vale per le categorie che non ne hanno uno', () => {
		const rules = ok(
			rulesFromObject({ comune: 'Comune di Prova', categories: [{ id: 'notizia', label: 'Notizia' }], fallbackCategory: 'notizia', expiry: { maxAgeHours: 48 } }),
		);
		const d = evaluate(item({ publishedAt: '2026-03-30T10:00:00Z' }), rules, { now: new Date('2026-04-01T10:00:00Z') });
		expect(d).toMatchObject({ verdict: 'reject', expiresAt: '2026-04-01T10:00:00.000Z', codes: ['category.fallback', 'expired.age'] });
		expect(d.reasons[1]).toBe('Scaduto: pubblicato il 30/03/2026 12:00, più di 48 ore fa');
	});
});

describe('periodo elettorale (L. 28/2000, art. 9)', () => {
	const rules = shippedWith('meda', (data) => {
		data.election.persons = ['Mario Rossi', 'Giulia Bianchi'];
		data.election.periods = [
			// inizia di mercoledì, finisce di lunedì alle 15 col ballottaggio
			{ name: 'Elezioni comunali 2026', start: '2026-04-15', end: '2026-06-08 15:00' },
			// inizia la domenica del passaggio all'ora legale
			{ name: 'Elezioni suppletive', start: '2026-03-29', end: '2026-03-30 15:00' },
			// inizia di mercoledì, finisce la domenica del ritorno all'ora solare (giorno intero)
			{ name: 'Referendum', start: '2026-10-21', end: '2026-10-25' },
		];
	});
	const event = { title: 'Concerto della banda', categories: ['Eventi'], publishedAt: '2026-12-20T18:00:00Z' };

	test.each([
		// [caso, ora della decisione, dentro il periodo?]
		['martedì 14/04 alle 23:59:59, prima del periodo', '2026-04-14T21:59:59Z', false],
		['mercoledì 15/04 alle 00:00, inizio', '2026-04-14T22:00:00Z', true],
		['lunedì 08/06 alle 14:59:59, seggi aperti', '2026-06-08T12:59:59Z', true],
		['lunedì 08/06 alle 15:00, seggi chiusi', '2026-06-08T13:00:00Z', false],
		['sabato 28/03 alle 23:59:59 (ora solare)', '2026-03-28T22:59:59Z', false],
		['domenica 29/03 alle 00:00, cambio d’ora', '2026-03-28T23:00:00Z', true],
		['lunedì 30/03 alle 15:00 (ora legale)', '2026-03-30T13:00:00Z', false],
		['martedì 20/10 alle 23:59:59', '2026-10-20T21:59:59Z', false],
		['mercoledì 21/10 alle 00:00', '2026-10-20T22:00:00Z', true],
		['domenica 25/10 alle 23:59:59 (ora solare)', '2026-10-25T22:59:59Z', true],
		['lunedì 26/10 alle 00:00', '2026-10-25T23:00:00Z', false],
	])('evento, %s', (_case, now, inside) => {
		const d = evaluate(item(event), rules, { now: new Date(now) });
		expect(d.verdict).toBe(inside ? 'reject' : 'accept');
		expect(d.codes.includes('election.reject')).toBe(inside);
	});

	const during = new Date('2026-05-20T10:00:00Z');
	test.each([
		// [titolo, categorie, esito, codici, motivi dopo la categoria]
		['Concerto della banda', ['Eventi'], 'reject', ['category', 'election.reject'], ['Periodo elettorale «Elezioni comunali 2026»: la categoria «Evento» non è ammessa (L. 28/2000, art. 9)']],
		['Ordinanza: divieto di transito in via Roma', [], 'accept', ['category', 'election.pass'], ['Periodo elettorale «Elezioni comunali 2026»: la categoria «Ordinanza» è comunicazione indispensabile e passa']],
		['Allerta meteo gialla per temporali', [], 'accept', ['category', 'election.pass'], ['Periodo elettorale «Elezioni comunali 2026»: la categoria «Allerta meteo» è comunicazione indispensabile e passa']],
		['Sciopero dei trasporti', [], 'accept', ['category', 'election.pass'], ['Periodo elettorale «Elezioni comunali 2026»: la categoria «Avviso» è comunicazione indispensabile e passa']],
		['La biblioteca si rinnova', [], 'hold', ['category.fallback', 'election.hold'], ['Periodo elettorale «Elezioni comunali 2026» (fino al 08/06/2026 15:00): la categoria «Notizia» resta in attesa di verifica']],
		[
			'Ordinanza firmata dal sindaco Mario Rossi',
			[],
			'reject',
			['category', 'election.person', 'election.pass'],
			[
				'Periodo elettorale «Elezioni comunali 2026»: nomina «Mario Rossi», la comunicazione deve essere impersonale',
				'Periodo elettorale «Elezioni comunali 2026»: la categoria «Ordinanza» è comunicazione indispensabile e passa',
			],
		],
		[
			"Evacuazione: l'assessora GIULIA BIANCHI coordina i soccorsi",
			[],
			'hold',
			['category', 'election.person', 'election.pass', 'emergency'],
			[
				'Periodo elettorale «Elezioni comunali 2026»: nomina «GIULIA BIANCHI», emergenza da riscrivere in forma impersonale',
				'Periodo elettorale «Elezioni comunali 2026»: la categoria «Emergenza» è comunicazione indispensabile e passa',
				'Emergenza: fuori dal limite settimanale, da registrare con la motivazione',
			],
		],
	])('«%s» → %s', (title, categories, verdict, codes, reasons) => {
		const d = evaluate(item({ title, categories, publishedAt: '2026-05-20T08:00:00Z' }), rules, { now: during });
		expect(d.verdict).toBe(verdict);
		expect(d.codes).toEqual(codes);
		expect(d.reasons.slice(1)).toEqual(reasons);
	});

	test("l'immagine non viene pubblicata durante il periodo", () => {
		const withImage = item({ title: 'Ordinanza viabilità', image: 'https://www.comune.meda.mb.it/foto.jpg', publishedAt: '2026-05-20T08:00:00Z' });
		const d = evaluate(withImage, rules, { now: during });
		expect(d).toMatchObject({ verdict: 'accept', dropImage: true });
		expect(d.reasons).toContain("Periodo elettorale «Elezioni comunali 2026»: l'immagine non viene pubblicata");
		expect(evaluate(withImage, rules, { now: new Date('2026-07-01T10:00:00Z') }).dropImage).toBe(false);
	});

	test('fuori dal periodo i nomi delle persone non contano', () => {
		const d = evaluate(item({ title: 'Ordinanza firmata dal sindaco Mario Rossi', publishedAt: '2026-07-01T08:00:00Z' }), rules, { now: new Date('2026-07-01T10:00:00Z') });
		expect(d.verdict).toBe('accept');
	});

	test('senza elenco pass passano solo le categorie di emergenza', () => {
		const implicit = shippedWith('meda', (data) => {
			delete data.election.pass;
			data.election.periods = [{ name: 'Europee', start: '2026-05-01', end: '2026-05-31' }];
		});
		const at = { now: during };
		const publishedAt = '2026-05-20T08:00:00Z';
		expect(evaluate(item({ title: 'Evacuazione scuola', publishedAt }), implicit, at).verdict).toBe('accept');
		expect(evaluate(item({ title: 'Ordinanza viabilità', publishedAt }), implicit, at).verdict).toBe('hold');
	});
});

describe('approvazione ed emergenze', () => {
	test('Magenta: le notizie aspettano la redazione (§3)', () => {
		const d = evaluate(item({ title: 'La biblioteca si rinnova' }), magenta, { now: NOW });
		expect(d).toMatchObject({ verdict: 'hold', category: 'notizia', codes: ['category.fallback', 'approval'] });
		expect(d.reasons[1]).toBe("La categoria «Notizia» richiede l'approvazione della redazione");
	});

	test('Magenta: le ordinanze passano senza approvazione', () => {
		expect(evaluate(item({ title: 'Ordinanza antismog' }), magenta, { now: NOW }).verdict).toBe('accept');
	});

	test('Meda: un’emergenza passa, fuori dal limite settimanale', () => {
		const d = decide({ title: 'Acqua non potabile in via Cialdini' });
		expect(d).toMatchObject({ verdict: 'accept', category: 'emergenza', categoryLabel: 'Emergenza', priority: 100, emergency: true, codes: ['category', 'emergency'] });
		expect(d.reasons).toEqual([
			'Categoria «Emergenza»: contiene «Acqua non potabile»',
			'Emergenza: fuori dal limite settimanale, da registrare con la motivazione',
		]);
	});
});

describe('regole rotte o dati strani: non passa niente', () => {
	test('regole non create da loadRules/rulesFromObject', () => {
		for (const fake of [{} as Rules, { ...meda } as Rules, null as unknown as Rules]) {
			expect(evaluate(item({ title: 'Ordinanza' }), fake, { now: NOW })).toMatchObject({
				verdict: 'reject',
				codes: ['rules.invalid'],
				reasons: ['Regole non valide: nessun messaggio può passare'],
				text: '',
			});
		}
	});

	test('ora di riferimento non valida', () => {
		expect(evaluate(item(), meda, { now: new Date('nonsense') })).toMatchObject({ verdict: 'reject', codes: ['now.invalid'] });
	});

	test('campi mancanti arrivati da n8n non fanno saltare la valutazione', () => {
		const broken = { title: 'Vota Mario', link: 42, categories: 'Eventi' } as unknown as Parameters<typeof evaluate>[0];
		expect(evaluate(broken, meda, { now: NOW })).toMatchObject({ verdict: 'reject', codes: ['category.fallback', 'blocked.elettorale'] });
	});

	test('stessi dati, stessa decisione, e la notizia non viene modificata', () => {
		const input = item({ title: 'Ordinanza *urgente*', summary: 'Vota', categories: ['Ordinanze'] });
		const copy = JSON.parse(JSON.stringify(input));
		expect(evaluate(input, meda, { now: NOW })).toEqual(evaluate(input, meda, { now: NOW }));
		expect(input).toEqual(copy);
	});

	test('le regole sono congelate', () => {
		expect(Object.isFrozen(meda)).toBe(true);
	});
});
