// Italian text of deliveries to a Telegram channel or group (scheduler/src/delivery/telegram.ts): the
// reasons in a message's history when Telegram refuses it, and why a crash leaves the outcome unknown.
// Spread into the `it` catalog (it.ts).

export const itTelegram = {
	'scheduler.telegram.throttled': 'Telegram chiede di aspettare {seconds} secondi prima di inviare ancora (limite di invii): il messaggio non è stato pubblicato',
	'scheduler.telegram.unauthorized': 'Telegram ha rifiutato il token del bot (HTTP {status}): copiare di nuovo il token da @BotFather nella variabile {env} e riavviare lo scheduler',
	'scheduler.telegram.chatNotFound': 'Telegram non trova la chat {chat}: controllare nella configurazione del canale il nome (@nome) o l\'id numerico (-100…), e che il bot sia stato aggiunto alla chat',
	'scheduler.telegram.notMember': 'Il bot non è nella chat {chat} o ne è stato rimosso: aggiungerlo agli amministratori con il permesso di pubblicare messaggi',
	'scheduler.telegram.noRights': 'Il bot è nella chat {chat} ma non può pubblicare: dargli il permesso «Pubblica messaggi» tra gli amministratori',
	'scheduler.telegram.migrated': 'Il gruppo {chat} è diventato un supergruppo: nella configurazione del canale usare il nuovo id {newId}',
	'scheduler.telegram.badSettings': 'Configurazione Telegram del canale non valida: controllare la chat «{chat}» e il token del bot nella variabile {env}, poi riavviare lo scheduler',
	'scheduler.telegram.refused': 'Telegram ha rifiutato il messaggio (HTTP {status}: {description})',
	'scheduler.telegram.unavailable': 'Telegram non disponibile (HTTP {status}): il messaggio non è stato pubblicato',
	'scheduler.telegram.uncertain': 'Telegram ha risposto con un errore (HTTP {status}) alla pubblicazione: il messaggio potrebbe essere già nel canale',
	'scheduler.telegram.unreachable': 'Telegram non raggiungibile a {url}',
	'scheduler.telegram.noAnswer': 'Telegram non ha risposto alla pubblicazione: il messaggio potrebbe essere già nel canale',
	'scheduler.telegram.cannotReadBack':
		"Telegram non permette a un bot di rileggere un canale: dopo un'interruzione non si può sapere se il messaggio è stato pubblicato. Controllare la chat {chat} e decidere se inviarlo di nuovo",
} as const;
