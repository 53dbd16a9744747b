// The category model of the example rules files (rules/meda.yaml): what "Node Parameters" rules start
// from, since core/rules has no default categories. A test keeps this equal to rules/meda.yaml.

export const STANDARD_CATEGORIES = [
	{
		id: 'emergenza',
		label: 'Emergenza',
		emoji: '🚨',
		priority: 100,
		emergency: true,
		match: {
			sourceCategories: ['Emergenze', 'Protezione civile'],
			urlPaths: ['/emergenze/', '/protezione-civile/'],
			words: [
				'emergenza',
				'evacuazione',
				'protezione civile',
				'allerta rossa',
				'allerta arancione',
				'codice rosso',
				'codice arancione',
				'acqua non potabile',
				'fuga di gas',
				'esondazione',
				'frana',
				'terremoto',
			],
		},
		expires: { maxAgeHours: 24 },
	},
	{
		id: 'allerta-meteo',
		label: 'Allerta meteo',
		emoji: '⛈️',
		priority: 90,
		match: {
			sourceCategories: ['Allerta meteo', 'Allerte meteo'],
			urlPaths: ['/allerta-meteo/', '/allerte-meteo/'],
			words: [
				'allert* meteo',
				'allerta gialla',
				'codice giallo',
				'rischio idrogeologico',
				'rischio idraulico',
				'temporali forti',
				'vento forte',
				'bollettino di criticit*',
			],
		},
		expires: { maxAgeHours: 36 },
	},
	{
		id: 'ordinanza',
		label: 'Ordinanza',
		emoji: '📜',
		priority: 80,
		match: { sourceCategories: ['Ordinanze'], urlPaths: ['/ordinanze/'], words: ['ordinanza', 'ordinanze'] },
		expires: { maxAgeHours: 72 },
	},
	{
		id: 'avviso',
		label: 'Avviso',
		emoji: '📢',
		priority: 60,
		match: {
			sourceCategories: ['Avvisi', 'Comunicati'],
			urlPaths: ['/avvisi/'],
			words: [
				'avviso',
				'chiusura al traffico',
				'chiusura uffici',
				'uffici chiusi',
				'interruzione',
				'lavori stradali',
				'viabilità',
				'scadenza',
				'raccolta rifiuti',
				'sciopero',
			],
		},
		expires: { maxAgeHours: 72 },
	},
	{
		id: 'evento',
		label: 'Evento',
		emoji: '📅',
		priority: 40,
		match: {
			sourceCategories: ['Eventi', 'Iniziative'],
			urlPaths: ['/eventi/'],
			words: ['concerto', 'mostra', 'spettacolo', 'rassegna', 'festa', 'inaugurazione'],
		},
		expires: { afterEvent: true },
	},
	{
		id: 'notizia',
		label: 'Notizia',
		emoji: '📰',
		priority: 10,
		match: { sourceCategories: ['Notizie'], urlPaths: ['/notizie/', '/novita/'] },
		expires: { maxAgeHours: 96 },
	},
];

/** Goes with the categories: which of them are indispensable during an election period (L. 28/2000). */
export const STANDARD_MODEL = {
	categories: STANDARD_CATEGORIES,
	fallbackCategory: 'notizia',
	expiry: { maxAgeHours: 168 },
	election: { pass: ['emergenza', 'allerta-meteo', 'ordinanza', 'avviso'], reject: ['evento'] },
};
