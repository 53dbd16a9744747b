// Replies to citizens who write to a channel's WhatsApp number (sign-up, confirmation, goodbye,
// one-way notice). `{name}` is the channel's name as configured, e.g. "Comune di Magenta".
export const itSubscribers = {
	'subscribers.signup':
		'Grazie per il tuo interesse per le notizie di {name} su WhatsApp. Prima di iscriverti leggi le condizioni del servizio ({terms}) e l\'informativa sulla privacy ({privacy}). Se le accetti, rispondi SÌ a questo messaggio entro 24 ore. Potrai cancellarti quando vuoi scrivendo STOP.',
	'subscribers.confirmed':
		'Iscrizione confermata: da oggi ricevi le notizie di {name}. Il servizio invia solo messaggi e non legge le risposte. Per cancellarti scrivi STOP in qualsiasi momento.',
	'subscribers.already': 'Sei già iscritto alle notizie di {name}. Per cancellarti scrivi STOP.',
	'subscribers.goodbye':
		'Hai annullato l\'iscrizione alle notizie di {name} e il tuo numero è stato cancellato. Grazie per averci seguito. Se vorrai iscriverti di nuovo, scrivi {keyword}.',
	'subscribers.oneWay':
		'Questo numero di {name} serve solo a inviare notizie e non legge i messaggi che riceve. Per comunicare con il Comune usa i canali di sempre: {channels}. Per segnalare un problema con il servizio scrivi a {email}. Per iscriverti scrivi {keyword}, per cancellarti STOP.',
} as const;
