// The report of `npm run demo`: a week of the channel, simulated on the comune's real pages.
export const itDemo = {
	'demo.title': 'Banditore, prova di una settimana: {channel}',
	'demo.source': 'Notizie lette: {count} da {source}',
	'demo.rules': 'Regole: {rules} (al massimo {limit} messaggi a settimana)',
	'demo.week': 'Settimana dal {start} al {end} (ora di Roma)',
	'demo.period': 'Periodo elettorale «{name}» dal {start} al {end}: passa solo la comunicazione indispensabile (L. 28/2000, art. 9)',
	'demo.noPeriod': 'Nessun periodo elettorale in questa settimana',
	'demo.posted': 'Pubblicati nella settimana simulata, dal {start} al {end}: {count}, di cui {counted} nel limite di {limit} a settimana',
	'demo.deferred': 'Rinviati alla settimana dopo: non c\'era più posto ({count})',
	'demo.held': 'In attesa di approvazione della redazione ({count})',
	'demo.rejected': 'Scartati dalle regole ({count})',
	'demo.expired': 'Scaduti prima di trovare posto ({count})',
	'demo.waiting': 'Ancora in coda a fine settimana ({count})',
	'demo.none': '  nessuno',
	'demo.emergency': 'EMERGENZA',
	'demo.outbox': 'Testi completi come verrebbero inviati: {file}',
	'demo.dryRun': 'Prova a secco: nessun messaggio è stato inviato a WhatsApp.',
} as const;
