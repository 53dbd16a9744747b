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
