// Italian text of the election calendar's problems (core/election), for the communications office.
// Same form as the other it.*.ts catalogs: `{name}` is filled in. core/election fills them itself
// (fillElectionMessage) so that it does not depend on it.ts; spreading `itElection` into `it` makes
// them available to t() as well.

export const itElection = {
	'election.notAnObject': 'Il calendario elettorale deve essere un oggetto JSON con «version» e «votes»',
	'election.required': 'Manca il campo obbligatorio',
	'election.type': 'Valore di tipo sbagliato: atteso {expected}, trovato {received}',
	'election.unknownKey': 'Campo sconosciuto «{key}»',
	'election.enum': 'Valore non ammesso: usare uno tra {options}',
	'election.date': 'Data non valida «{value}»: scrivere AAAA-MM-GG (per esempio 2024-04-11)',
	'election.dateTime': 'Data e ora non valide «{value}»: scrivere «AAAA-MM-GG HH:mm» in ora italiana (per esempio «2024-06-09 23:00»)',
	'election.dateTimeGap': '«{value}» non esiste in ora italiana (cambio dell\'ora legale)',
	'election.url': 'Fonte non valida «{value}»: serve l\'indirizzo https della fonte ufficiale',
	'election.id': 'Identificativo non valido «{value}»: solo lettere minuscole, cifre e trattini (per esempio «europee-2024»)',
	'election.duplicateId': 'Identificativo «{id}» ripetuto: ogni votazione deve avere il suo',
	'election.region': 'Codice regione ISTAT sconosciuto «{value}»: i codici vanno da 01 (Piemonte) a 20 (Sardegna)',
	'election.comune': 'Codice ISTAT del comune sconosciuto «{value}»: servono 6 cifre, per esempio 015146 (Milano)',
	'election.emptyList': 'L\'elenco è vuoto: indicare almeno un elemento',
	'election.missingDecree': 'Manca «decreeDate», la data di pubblicazione del decreto di convocazione dei comizi',
	'election.missingDecreeComunali':
		'Manca la data di partenza: indicare «decreeDate» oppure «firstVoteDay» (il primo giorno di voto; i comizi si convocano il 45° giorno prima)',
	'election.decreeAfterVote': 'Il decreto ({decree}) deve precedere la chiusura dei seggi ({close})',
	'election.firstVoteAfterClose': 'Il primo giorno di voto ({first}) è dopo la chiusura dei seggi ({close})',
	'election.runoffBeforeClose': 'Il ballottaggio ({runoff}) deve chiudersi dopo il primo turno ({close})',
	'election.scopeNational': 'Le elezioni «{kind}» riguardano tutti i comuni: «scope» deve essere {"kind":"national"}',
	'election.scopeRegional': 'Le elezioni regionali riguardano le regioni indicate: «scope» deve essere di tipo «regions» con «comuniListed» assente o true',
	'election.scopeComunali':
		'Un turno di comunali non vincola tutti i comuni delle regioni: elencare i comuni ({"kind":"comuni"}) oppure scrivere "comuniListed": false',
	'election.unknownComune': 'Nessun comune ha il codice ISTAT «{code}» nell\'elenco ISTAT incluso ({state})',
	'election.badComuneCode': '«{code}» non è un codice ISTAT di comune: servono 6 cifre, per esempio 108030 (Meda)',
	'election.instant': 'Istante non valido «{value}»: serve una data ISO 8601',
	'election.json': 'Il file del calendario non è JSON valido: {detail}',
} as const;

export type ElectionMessageKey = keyof typeof itElection;
