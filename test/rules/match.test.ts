import { parseEntry, phraseMatcher, tokenize } from '../../core/rules/match';

function quote(entries: string[], text: string): string | null {
	return phraseMatcher(entries).find(tokenize(text), text)?.quote ?? null;
}

describe('parole e frasi: parola intera, maiuscole e accenti non contano', () => {
	test.each([
		// [voce dell'elenco, testo, cosa viene citato]
		['vota', 'VOTA la lista', 'VOTA'],
		['vota', 'Votà per noi', 'Votà'],
		['vota', 'Vota!', 'Vota'],
		['votà', 'vota subito', 'vota'],
		['vota', 'Votazione del consiglio comunale', null],
		['vota', 'votare è un diritto', null],
		['vota', 'il #votamario non è una parola', null],
		['lista civica', 'Presentata la Lista  Civica', 'Lista  Civica'],
		['lista civica', 'la lista-civica', 'lista-civica'],
		['lista civica', 'la lista del civico 3', null],
		["fratelli d'italia", 'Incontro con Fratelli d’Italia', 'Fratelli d’Italia'],
		['candidat* sindac*', 'la candidata sindaca', 'candidata sindaca'],
		['candidat* sindac*', 'i Candidati Sindaci', 'Candidati Sindaci'],
		['candidat*', 'candid', null],
		['città', 'CITTA di Meda', 'CITTA'],
		['città', 'citta\u0300 di Meda', 'citta\u0300'],
		['perché', 'PERCHÉ no', 'PERCHÉ'],
	])('«%s» in «%s» → %p', (entry, text, expected) => {
		expect(quote([entry], text)).toBe(expected);
	});

	test('a parità di posizione vince la frase più lunga', () => {
		expect(quote(['lista', 'lista civica'], 'nuova lista civica')).toBe('lista civica');
	});

	test('vince la voce che compare per prima nel testo', () => {
		expect(quote(['sconto', 'vota'], 'vota e avrai uno sconto')).toBe('vota');
	});

	test.each([
		['!!!', 'empty'],
		['*ato', 'wildcard'],
		['ca*sa', 'wildcard'],
		['ca*', 'shortPrefix'],
	])('voce non valida «%s» → %s', (entry, error) => {
		expect(parseEntry(entry)).toEqual({ error });
	});
});

describe('forme delle parole: una voce trova plurali, femminili e forme del verbo', () => {
	test.each([
		['ordinanza', 'Nuove ordinanze sul traffico', 'ordinanze'],
		['ordinanze', 'Ordinanza n. 12', 'Ordinanza'],
		['evacuazione', 'Residenti evacuati in via Roma', 'evacuati'],
		['evacuazione', 'Scuole evacuate per precauzione', 'evacuate'],
		['allagamento', 'Allagamenti in centro', 'Allagamenti'],
		['allagamento', 'Cantina allagata', 'allagata'],
		['chiuso', 'Strada chiusa per lavori', 'chiusa'],
		['chiuso', 'uffici chiusi', 'chiusi'],
		['chiuso', 'scuole chiuse', 'chiuse'],
		['candidato', 'la candidata', 'candidata'],
		['candidato', 'i Candidati', 'Candidati'],
		['prenotazione', 'posti da prenotare online', 'prenotare'],
		['liste civiche', 'la lista civica', 'lista civica'],
		['uffici chiusi', 'Ufficio chiuso il lunedì', 'Ufficio chiuso'],
		['vento forte', 'venti forti in arrivo', 'venti forti'],
		['distribuzione', 'si distribuiscono sacchi', 'distribuiscono'],
		// Parole corte: esatte. «vota» non trova il voto né votare.
		['vota', 'Orari di voto', null],
		['vota', 'votare è un diritto', null],
		['votate', 'il bilancio è stato votato', null],
		['lega', 'Lega navale: assistenza legale', 'Lega'],
		['lega', 'assistenza legale', null],
		// Parole che finiscono con un accento: non hanno altre forme.
		['attività', 'attivo il servizio', null],
		['attivo', 'le attività estive', null],
		['città', 'la citta di Meda', 'citta'],
		['citta', 'la città di Meda', 'città'],
		['perché', 'perciò', null],
		// Tra virgolette: solo come scritto.
		['"comizio"', 'convocazione dei comizi elettorali', null],
		['"comizio"', 'comizio in piazza', 'comizio'],
		['comizio', 'convocazione dei comizi elettorali', 'comizi'],
		['"chiuso" oggi', 'chiusa oggi', null],
		['«chiuso» oggi', 'chiuso, oggi', 'chiuso, oggi'],
		['«chiuso» oggi', 'chiuso anche oggi', 'chiuso anche oggi'],
		['"militanti"', 'i militari', null],
		['militanti', 'i militari', null],
		// Stessa parola, altro senso: le virgolette la tengono com'è.
		['politico', 'le politiche giovanili', 'politiche'],
		['"politico"', 'le politiche giovanili', null],
		['candidat* sindac*', 'candidatura a sindaco', null],
		['candidat* ~1 sindac*', 'candidatura a sindaco', 'candidatura a sindaco'],
	])('«%s» in «%s» → %p', (entry, text, expected) => {
		expect(quote([entry], text)).toBe(expected);
	});
});

describe('frasi: parole vicine, non solo attaccate', () => {
	test.each([
		['allerta arancione', 'Allerta meteo arancione per domani', 'Allerta meteo arancione'],
		['allerta arancione', 'allerta di colore arancione', null],
		['allerta arancione', 'allerta meteo, codice arancione', null],
		['allerta arancione', 'allerta meteo di colore arancione', null],
		['allerta ~3 arancione', 'allerta meteo: codice arancione', 'allerta meteo: codice arancione'],
		['allerta ~3 arancione', 'allerta meteo di colore arancione', 'allerta meteo di colore arancione'],
		['allerta ~3 arancione', 'allerta gialla. Domani arancione', null],
		['allerta ~3 arancione', 'allerta per le strade della zona arancione', null],
		['allerta ~0 arancione', 'allerta meteo arancione', null],
		['"allerta arancione"', 'allerta meteo arancione', null],
		['"allerta arancione"', 'ALLERTA ARANCIONE', 'ALLERTA ARANCIONE'],
		['lista civica', 'la lista del civico 3', null],
		['centro destra', 'centro sportivo a destra', null],
		['forza italia', 'forza lavoro in Italia', null],
		['candidat* alle elezioni', 'i candidati sindaci alle elezioni', 'candidati sindaci alle elezioni'],
		['codice sconto', 'Il codice fiscale, sconto TARI', null],
	])('«%s» in «%s» → %p', (entry, text, expected) => {
		expect(quote([entry], text)).toBe(expected);
	});

	test('la citazione va dalla prima all’ultima parola trovata, com’è scritta', () => {
		const text = 'Oggi: Allerta  Meteo  Arancione!';
		expect(phraseMatcher(['allerta arancione']).find(tokenize(text), text)).toEqual({
			entry: 'allerta arancione',
			quote: 'Allerta  Meteo  Arancione',
		});
	});

	test('più voci sulla stessa strada: la più lunga trovata vince', () => {
		expect(quote(['allerta', 'allerta arancione', 'allerta ~3 arancione'], 'allerta meteo di colore arancione')).toBe(
			'allerta meteo di colore arancione',
		);
		expect(quote(['allerta', 'allerta arancione'], 'allerta meteo di colore arancione')).toBe('allerta');
	});
});

describe('trattini e spazi nelle parole composte', () => {
	test.each([
		['preallarme', 'Stato di pre-allarme', 'pre-allarme'],
		['preallarme', 'Stato di pre allarme', 'pre allarme'],
		['preallarme', 'fase di pre-allarmi', 'pre-allarmi'],
		['pre-allarme', 'Stato di preallarme', 'preallarme'],
		['pre allarme', 'Stato di preallarme', 'preallarme'],
		['pre-allarme', 'Stato di pre allarme', 'pre allarme'],
		['email', 'scrivi una e-mail', 'e-mail'],
		['e-mail', 'scrivi una email', 'email'],
		['black friday', 'offerte BLACKFRIDAY', 'BLACKFRIDAY'],
		['blackfriday', 'offerte black-friday', 'black-friday'],
		['"e-mail"', 'scrivi una email', 'email'],
		['preallarme', "l'allarme", null],
		['preallarme', 'pre, allarme', null],
		['lista civica', 'listacivica', 'listacivica'],
	])('«%s» in «%s» → %p', (entry, text, expected) => {
		expect(quote([entry], text)).toBe(expected);
	});
});

describe('sintassi delle voci', () => {
	test('una parola semplice porta la sua radice, tra virgolette no', () => {
		expect(parseEntry('ordinanze')).toEqual({ parts: [{ exact: 'ordinanze', stem: 'ordinanz' }] });
		expect(parseEntry('"ordinanze"')).toEqual({ parts: [{ exact: 'ordinanze' }] });
		expect(parseEntry('vota')).toEqual({ parts: [{ exact: 'vota' }] });
	});

	test('distanza tra le parole: 1 di norma, 0 tra virgolette, ~N se scritta', () => {
		expect(parseEntry('allerta ~3 "codice arancione"')).toEqual({
			parts: [
				{ exact: 'allerta', stem: 'allert' },
				{ exact: 'codice', gap: 3, near: true },
				{ exact: 'arancione', gap: 0 },
			],
		});
		expect(parseEntry('allerta arancione')).toMatchObject({ parts: [{}, { gap: 1 }] });
		expect(parseEntry('allerta ~99 arancione')).toMatchObject({ parts: [{}, { gap: 10, near: true }] });
	});

	test('le voci di prima restano valide', () => {
		for (const entry of ['vota', 'lista civica', "fratelli d'italia", 'candidat* sindac*', 'città', 'movimento 5 stelle']) {
			expect(parseEntry(entry)).toHaveProperty('parts');
		}
	});
});
