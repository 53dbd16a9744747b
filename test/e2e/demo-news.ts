// What the demo comune site (demo/sito: home page → AGID Novità and Eventi, plus avvisi.xml) holds,
// and what rules/meda.yaml, with the e2e test's extra category, makes of it on Friday 20 November 2026.

export const ACCEPTED = {
	emergency: ['Allerta meteo arancione per temporali: scuole chiuse martedì'], // «protezione civile», 18 h old
	ordinanza: ['Ordinanza: senso unico alternato in via Roma per lavori alla rete idrica'],
	avviso: [
		'Calendario della raccolta differenziata 2027',
		'Sciopero del trasporto pubblico locale venerdì 27 novembre', // from the RSS feed
		'Uffici comunali chiusi lunedì 7 dicembre', // from the RSS feed
	],
	evento: ['Concerto di Natale della banda cittadina'],
};
// Held for the office: the test's rules add a category with approval that takes it from "evento".
export const HELD = ['Arriva la Befana in piazza'];
export const REJECTED = [
	'La biblioteca civica amplia gli orari di apertura', // older than 96 hours
	'Il sindaco invita a votare la lista civica alle prossime elezioni', // electoral
	'Sconto del 20% nel nuovo negozio di via Dante', // expired
	'Cena elettorale del candidato sindaco: prenota il tuo posto', // electoral, from the RSS feed
];

/** Every news item of the site, whatever the rules make of it. */
export const ALL_TITLES = [...Object.values(ACCEPTED).flat(), ...HELD, ...REJECTED];
