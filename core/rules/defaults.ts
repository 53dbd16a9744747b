// Italian default word lists for content that is never posted (Magenta policy §3: no electoral
// propaganda, political or advertising purposes). Whole words and phrases, accents and case ignored,
// `*` at the end of a word for any ending. The office extends them in the rules file (`words`) or
// drops single entries (`exclude`).
//
// Left out on purpose, because institutional notices use them every day: "partito" (past participle
// of "partire": "è partito il cantiere"), "liste elettorali" and "tessera elettorale" (the voter
// register and card), "comizi elettorali" (the legal act that calls an election), "sconto" alone
// ("sconto sulla TARI"), "promozione" ("promozione della salute"), "pubblicità" ("imposta sulla
// pubblicità"), "lega" ("Lega navale").

export const BUILTIN_BLOCKED = ['elettorale', 'politico', 'commerciale'] as const;
export type BuiltinBlocked = (typeof BUILTIN_BLOCKED)[number];

export interface BuiltinList {
	/** Found: the item is rejected. */
	words: readonly string[];
	/** Cues, not proof: the item goes to the office for review. */
	review: readonly string[];
	/** Found: the list does not apply (an official notice that has to quote the list's words). */
	unless: readonly string[];
}

/**
 * The notices an election office must publish during the period quote electoral words: where and
 * when to vote, spaces for electoral posters, signatures for the lists. Their own phrases switch the
 * electoral list off; a candidate's text does not use them.
 */
const ELECTION_OFFICE = [
	'«ufficio elettorale»',
	'«servizio elettorale»',
	'«servizi elettorali»',
	'«tessera elettorale»',
	'«tessere elettorali»',
	'«liste elettorali»',
	'«spazi per la propaganda»',
	'«spazi destinati alla propaganda»',
	'«spazi da destinare»',
	'«affissioni di propaganda»',
	// The same notices in other words: "assegnazione spazi affissioni destinati alla propaganda",
	// "il divieto di propaganda elettorale al di fuori degli spazi", "legge n. 212/1956".
	'spazi ~4 propaganda',
	'propaganda ~6 spazi',
	'affissione ~4 propaganda',
	'assegnazione ~3 spazi',
	'«212/1956»',
	'tabelloni',
	'«propaganda elettorale indiretta»',
	'«assegnazione degli spazi»',
	'«delimitazione degli spazi»',
	'«autenticazione delle firme»',
	'«autenticazione firme»',
	'«sottoscrizione delle liste»',
	'«presentazione delle liste»',
	'«presentazione delle candidature»',
	'«convocazione dei comizi»',
	'«comizi elettorali»',
	'«seggi elettorali»',
	'«sezioni elettorali»',
	'«presidenti di seggio»',
	'«presidente di seggio»',
	'«scrutatori»',
	'«albo degli scrutatori»',
	'«voto domiciliare»',
	'«voto a domicilio»',
	'«elettori residenti all\'estero»',
	'«elettori aire»',
	'«elettori fuori sede»',
	'«agevolazioni tariffarie»',
	'«trasporto degli elettori»',
	'«orari di apertura dei seggi»',
	'«modalità di voto»',
	'«come si vota»',
	'«quando si vota»',
	'«dove si vota»',
	'manifesto di convocazione',
]

export const BUILTIN_LISTS: Record<BuiltinBlocked, BuiltinList> = {
	elettorale: {
		words: [
		'vota',
		'votate',
		'votami',
		'votatemi',
		'votatelo',
		'votatela',
		'votateci',
		'campagna elettorale',
		'propaganda elettorale',
		'programma elettorale',
		'candidat* sindac*',
		'candidat* consiglier*',
		'candidat* alle elezioni',
		'mi candido',
		'lista civica',
		'liste civiche',
		'santino elettorale',
		'santini elettorali',
		'«comizio»',
		'gazebo elettorale',
		'appello al voto',
],
		review: [
			'elezioni ~3 vinte',
			'campagna ~2 voto',
			'al ballottaggio',
			'coalizione',
			'programma ~2 mandato',
			'sostenere ~2 lista',
			// A list presented, a victory celebrated, voters thanked: electoral without "vota".
			'presentazione ~3 lista',
			'vittoria elettorale',
			'vittoria ~3 elezioni',
			'elezioni ~3 vinc*',
			'vinto ~3 elezioni',
			'eletto sindaco',
			'eletta sindaca',
			'rielett*',
			'proclamat* sindac*',
			'ringrazi* ~4 elettori',
			'grazie ~4 elettori',
			'voto utile',
		],
		unless: ELECTION_OFFICE,
	},
	politico: {
		words: [
		'«partito politico»',
		'«partiti politici»',
		'tessera di partito',
		'iscritti al partito',
		'segretario di partito',
		'segretaria di partito',
		'propaganda politica',
		'manifesto politico',
		'militanti',
		'centrodestra',
		'centro destra',
		'centrosinistra',
		'centro sinistra',
		'partito democratico',
		"fratelli d'italia",
		'forza italia',
		'lega nord',
		'lega salvini',
		'movimento 5 stelle',
		'movimento cinque stelle',
		'italia viva',
		'alleanza verdi sinistra',
		'rifondazione comunista',
],
		review: [
			// Majority against opposition, attacks and party stands: political without electoral words.
			'opposizione',
			'opposizioni',
			'minoranza consiliare',
			'gruppo consiliare',
			'gruppi consiliari',
			'capogruppo',
			'capigruppo',
			// "minoranza" also finds "minoranze linguistiche": held, not rejected.
			'minoranza',
			'sfiducia',
			'rimpasto',
			'dimissioni ~3 sindaco',
			'dimissioni ~3 assessore',
			'dimissioni ~3 giunta',
			'consiglieri di minoranza',
			'consiglieri di maggioranza',
			'maggioranza consiliare',
			'polemica',
			'polemiche',
			'interrogazione',
			'interpellanza',
			'mozione',
			'attacca',
			'governo meloni',
			'governo ~2 nazionale',
			'promessa mantenuta',
			'promesse mantenute',
			'impegno mantenuto',
			'abbiamo mantenuto',
			'mantenuto ~2 impegn*',
			'grazie a questa amministrazione',
			'questa amministrazione ha',
			'la nostra amministrazione',
			'il nostro mandato',
			'fine mandato',
			'risultati ~2 mandato',
			'segretario cittadino',
			'segretaria cittadina',
			'sezione cittadina',
			'circolo ~2 partito',
			'festa dell\'unità',
			'«festa de l\'unità»',
			'gazebo',
			'«tesseramento»',
			'petizione',
			'pd',
			'fdi',
			'lega',
			'm5s',
			'avs',
			'forzisti',
			'dem',
		],
		unless: [
			// The comune's own acts name the council's groups without taking a side.
			'convocazione del consiglio comunale',
			'convocazione consiglio comunale',
			'ordine del giorno del consiglio',
			'seduta del consiglio comunale',
			// Not "referendum" nor "raccolta firme": parties collect signatures at their gazebos. The
			// office's own notice says where signatures are certified (ELECTION_OFFICE).
			'proposte di legge di iniziativa popolare',
			'proposta di legge di iniziativa popolare',
			...ELECTION_OFFICE,
		],
	},
	commerciale: {
		words: [
		'codice sconto',
		'sconti fino al',
		'sconti imperdibili',
		'super sconti',
		'offerta speciale',
		'offerte speciali',
		'offerta lampo',
		'prezzo speciale',
		'prezzi imbattibili',
		'acquista ora',
		'compra ora',
		'spedizione gratuita',
		'fino ad esaurimento scorte',
		'fuori tutto',
		'black friday',
		'coupon',
		'«sponsorizzato»',
		'contenuto sponsorizzato',
		'televendita',
		'messaggio promozionale',
		// A shop's opening, as comuni's sites sometimes relay it: "sconto del 20% nel nuovo negozio".
		'nuovo negozio',
		'punto vendita',
],
		review: [
			'nuova apertura',
			'apre ~3 nuovo',
			'inaugura ~3 negozio',
			'inaugurazione ~3 negozio',
			'negozio',
			'supermercato',
			'ipermercato',
			'centro commerciale',
			'outlet',
			'saldi',
			'sconto',
			'sconti',
			'promozione ~2 prezzi',
			'euro a persona',
			'menù',
			'degustazione',
			'sponsor',
			'in collaborazione con ~3 srl',
			'vendesi',
			'affittasi',
			'agenzia immobiliare',
			'volantino',
			'shopping',
			'svendita',
			'svendite',
			'apertura straordinaria ~3 negozi',
		],
		unless: [
			// The comune's own money and rules for shops are public-utility notices.
			'bando',
			'contributi',
			'contributo',
			'agevolazioni',
			'tari',
			'imu',
			'tassa',
			'tributi',
			'esenzione',
			'riduzione ~2 tariffa',
			'ordinanza',
			'orari di apertura degli esercizi',
			'mercato settimanale',
		],
	},
};

/** The rejecting words of each built-in list (rules/README.md lists them for the office). */
export const DEFAULT_WORDS: Record<BuiltinBlocked, readonly string[]> = {
	elettorale: BUILTIN_LISTS.elettorale.words,
	politico: BUILTIN_LISTS.politico.words,
	commerciale: BUILTIN_LISTS.commerciale.words,
};

export function isBuiltinBlocked(id: string): id is BuiltinBlocked {
	return (BUILTIN_BLOCKED as readonly string[]).includes(id);
}

export const DEFAULT_TEMPLATE = '{emoji} *{titolo}*\n\n{sommario}\n\n{link}';
export const DEFAULT_MAX_LENGTH = 1000;
export const DEFAULT_TIMEZONE = 'Europe/Rome';
