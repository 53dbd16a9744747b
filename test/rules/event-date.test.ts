import { eventDates, eventExpiresAt } from '../../core/rules/event-date';

// Published at 10:00 local time on the given day (Rome: +01:00 in winter, +02:00 in summer).
function at(day: string): Date {
	return new Date(`${day}T09:00:00Z`);
}

function dates(text: string, published: string): [string, string] | null {
	const d = eventDates(text, at(published));
	return d ? [d.start, d.end] : null;
}

describe('date dell’evento scritte in italiano', () => {
	test.each([
		// [testo, pubblicato il, [primo giorno, ultimo giorno]]
		['Concerto di Natale domenica 14 dicembre', '2025-12-01', ['2025-12-14', '2025-12-14']],
		['Concerto di Natale, 14 dicembre 2025', '2025-12-01', ['2025-12-14', '2025-12-14']],
		['Concerto di Natale — DOMENICA 14 DICEMBRE', '2025-12-01', ['2025-12-14', '2025-12-14']],
		['Mercatini dal 2 al 6 dicembre in piazza', '2025-11-20', ['2025-12-02', '2025-12-06']],
		['Mostra dal 28 novembre al 3 dicembre', '2025-11-20', ['2025-11-28', '2025-12-03']],
		['Mostra dal 28 novembre al 3 dicembre 2025', '2025-11-20', ['2025-11-28', '2025-12-03']],
		["Rassegna dall'8 all'11 gennaio", '2025-12-20', ['2026-01-08', '2026-01-11']],
		['Festa da sabato 2 a lunedì 4 maggio', '2026-04-20', ['2026-05-02', '2026-05-04']],
		['Sagra 2-6 settembre', '2026-08-20', ['2026-09-02', '2026-09-06']],
		['Festa patronale sabato 7 e domenica 8 giugno', '2025-05-30', ['2025-06-07', '2025-06-08']],
		['Torneo il 6, 7 e 8 giugno', '2025-05-30', ['2025-06-06', '2025-06-08']],
		['Assemblea pubblica il 14/12/2025 in sala consiliare', '2025-12-01', ['2025-12-14', '2025-12-14']],
		['Assemblea pubblica il 14.12 in sala consiliare', '2025-12-01', ['2025-12-14', '2025-12-14']],
		['Assemblea pubblica il 14/12/25', '2025-12-01', ['2025-12-14', '2025-12-14']],
		['Assemblea pubblica il 14-12-2025', '2025-12-01', ['2025-12-14', '2025-12-14']],
		['Presepe vivente visitabile fino al 6 gennaio', '2025-12-10', ['2025-12-10', '2026-01-06']],
		['Teatro: venerdì 27 novembre ore 21', '2026-11-02', ['2026-11-27', '2026-11-27']],
		['Teatro: venerdì 27 novembre alle 21.00', '2026-11-02', ['2026-11-27', '2026-11-27']],
		['Festa dei lavoratori, 1° maggio', '2026-04-25', ['2026-05-01', '2026-05-01']],
		['Il primo maggio in piazza', '2026-04-25', ['2026-05-01', '2026-05-01']],
		['Ciclabile chiusa dal 2 dicembre 2025 al 6 gennaio', '2025-11-28', ['2025-12-02', '2026-01-06']],
		['Befana in piazza: 6 gennaio', '2025-12-15', ['2026-01-06', '2026-01-06']],
		['Capodanno in piazza mercoledì 31 dicembre', '2025-12-20', ['2025-12-31', '2025-12-31']],
		['Domenica 14 dicembre alle ore 16 tombolata', '2025-12-01', ['2025-12-14', '2025-12-14']],
		['Sabato 20 e domenica 21 settembre 2025: festa dello sport', '2025-09-01', ['2025-09-20', '2025-09-21']],
		['Centro estivo dal 1° al 15 luglio', '2026-05-10', ['2026-07-01', '2026-07-15']],
		['Mercato dalle 9 alle 12 di sabato 7 giugno', '2025-06-01', ['2025-06-07', '2025-06-07']],
		['Chiusura al traffico fino a domenica 8 giugno', '2025-06-03', ['2025-06-03', '2025-06-08']],
		['Musei aperti nei giorni 7 e 8 giugno', '2025-06-01', ['2025-06-07', '2025-06-08']],
		['Vaccinazioni: 10 dic. in ambulatorio', '2025-12-01', ['2025-12-10', '2025-12-10']],
		// Due date: dal primo all'ultimo giorno nominato.
		['Spettacolo sabato 13 dicembre, replica domenica 21 dicembre', '2025-12-01', ['2025-12-13', '2025-12-21']],
		['Sabato 31 gennaio e domenica 1 febbraio: carnevale', '2026-01-20', ['2026-01-31', '2026-02-01']],
	])('«%s» (pubblicato %s) → %p', (text, published, expected) => {
		expect(dates(text, published)).toEqual(expected);
	});
});

describe('anno sottinteso', () => {
	test('annunciato a dicembre, il 6 gennaio è dell’anno dopo', () => {
		expect(dates('Epifania 6 gennaio', '2025-12-28')).toEqual(['2026-01-06', '2026-01-06']);
	});

	test('un resoconto di pochi giorni dopo parla di quest’anno', () => {
		expect(dates('Si è svolta domenica 14 dicembre la festa', '2025-12-18')).toEqual(['2025-12-14', '2025-12-14']);
		expect(dates('Grande partecipazione il 28 dicembre', '2026-01-03')).toEqual(['2025-12-28', '2025-12-28']);
	});

	test('oltre qualche giorno, la data è quella dell’anno dopo', () => {
		expect(dates('Appuntamento al 14 marzo', '2026-04-01')).toEqual(['2027-03-14', '2027-03-14']);
	});

	test('un intervallo a cavallo dell’anno', () => {
		expect(dates('Pista di pattinaggio dal 20 dicembre al 6 gennaio', '2026-01-03')).toEqual(['2025-12-20', '2026-01-06']);
		expect(dates('Pista di pattinaggio dal 20 dicembre al 6 gennaio', '2025-12-01')).toEqual(['2025-12-20', '2026-01-06']);
		expect(dates('Luminarie dal 28 al 3 gennaio', '2025-12-20')).toEqual(['2025-12-28', '2026-01-03']);
	});

	test('29 febbraio: il prossimo anno bisestile', () => {
		expect(dates('Evento speciale il 29 febbraio', '2026-01-10')).toEqual(['2028-02-29', '2028-02-29']);
	});

	test('la data locale di pubblicazione decide, non quella UTC', () => {
		// 31/12/2025 23:30 UTC è già il 1° gennaio 2026 a Roma: "6 gennaio" resta il 2026.
		expect(eventDates('Epifania 6 gennaio', new Date('2025-12-31T23:30:00Z'))).toEqual({ start: '2026-01-06', end: '2026-01-06' });
		// Lo stesso istante a New York è ancora il 31 dicembre.
		expect(eventDates('31 dicembre', new Date('2026-01-08T03:00:00Z'), 'America/New_York')).toEqual({
			start: '2025-12-31',
			end: '2025-12-31',
		});
		expect(eventDates('31 dicembre', new Date('2026-01-08T03:00:00Z'), 'Europe/Rome')).toEqual({
			start: '2026-12-31',
			end: '2026-12-31',
		});
	});
});

describe('date che non sono quelle dell’evento', () => {
	test.each([
		['Bando contributi: domande entro il 14 dicembre', '2025-12-01'],
		['Domande entro e non oltre il 30/11/2025', '2025-11-01'],
		['Scadenza: 31 gennaio', '2025-12-01'],
		['Il termine scade il 15 marzo', '2026-02-01'],
		['Iscrizioni fino al 30 novembre', '2025-11-01'],
		['Ordinanza n. 12 del 3 marzo 2026 sulla viabilità', '2026-03-04'],
		['Prot. n. 4567 del 12/02/2026', '2026-02-13'],
		['Avviso pubblicato il 10 febbraio', '2026-02-10'],
		['Apertura ore 21.12 in biblioteca', '2026-02-10'],
		['Raccolta firme, sportello aperto', '2026-02-10'],
		['Consiglio comunale: 31 novembre', '2026-02-10'],
		['Numero verde 800.123.456', '2026-02-10'],
		['Determina n. 3/2025', '2026-02-10'],
		['Versione 2.1 del regolamento', '2026-02-10'],
		['Sale per i comizi secondo la legge del 10 dicembre 1993', '2026-05-02'],
		['Il terremoto del 6 aprile 2009 nei ricordi dei volontari', '2026-04-06'],
		['', '2026-02-10'],
	])('«%s» → null', (text, published) => {
		expect(dates(text, published)).toBeNull();
	});

	test('una scadenza e una data d’evento: conta l’evento', () => {
		expect(dates('Corso di yoga dal 12 al 16 gennaio, iscrizioni entro il 5 gennaio', '2025-12-15')).toEqual([
			'2026-01-12',
			'2026-01-16',
		]);
	});

	test('una data di pubblicazione non valida → null', () => {
		expect(eventDates('14 dicembre', new Date('x'))).toBeNull();
	});
});

describe('fine dell’evento: la mezzanotte locale dopo l’ultimo giorno', () => {
	test('inverno e estate', () => {
		expect(eventExpiresAt('2025-12-14')?.toISOString()).toBe('2025-12-14T23:00:00.000Z');
		expect(eventExpiresAt('2026-06-08')?.toISOString()).toBe('2026-06-08T22:00:00.000Z');
	});

	test('cambio dell’ora: il giorno di 23 e quello di 25 ore', () => {
		// 29 marzo 2026: l'ora legale inizia, la mezzanotte dopo è alle 22:00 UTC.
		expect(eventExpiresAt('2026-03-28')?.toISOString()).toBe('2026-03-28T23:00:00.000Z');
		expect(eventExpiresAt('2026-03-29')?.toISOString()).toBe('2026-03-29T22:00:00.000Z');
		// 25 ottobre 2026: l'ora legale finisce.
		expect(eventExpiresAt('2026-10-24')?.toISOString()).toBe('2026-10-24T22:00:00.000Z');
		expect(eventExpiresAt('2026-10-25')?.toISOString()).toBe('2026-10-25T23:00:00.000Z');
	});

	test('date dell’evento nei giorni del cambio dell’ora', () => {
		expect(dates('Fiera domenica 29 marzo', '2026-03-20')).toEqual(['2026-03-29', '2026-03-29']);
		expect(dates('Castagnata dal 24 al 25 ottobre', '2026-10-01')).toEqual(['2026-10-24', '2026-10-25']);
	});

	test('una data sbagliata → null', () => {
		expect(eventExpiresAt('2026-02-30')).toBeNull();
	});
});
