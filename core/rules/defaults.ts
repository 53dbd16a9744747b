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

export const DEFAULT_WORDS: Record<BuiltinBlocked, readonly string[]> = {
	elettorale: [
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
		'comizio',
		'gazebo elettorale',
		'appello al voto',
	],
	politico: [
		'partito politico',
		'partiti politici',
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
	commerciale: [
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
		'sponsorizzato',
		'contenuto sponsorizzato',
		'televendita',
		'messaggio promozionale',
		// A shop's opening, as comuni's sites sometimes relay it: "sconto del 20% nel nuovo negozio".
		'nuovo negozio',
		'punto vendita',
	],
};

export function isBuiltinBlocked(id: string): id is BuiltinBlocked {
	return (BUILTIN_BLOCKED as readonly string[]).includes(id);
}

export const DEFAULT_TEMPLATE = '{emoji} *{title}*\n\n{summary}\n\n{link}';
export const DEFAULT_MAX_LENGTH = 1000;
export const DEFAULT_TIMEZONE = 'Europe/Rome';
