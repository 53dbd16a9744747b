// Realistic documents of a chosen size, built in memory: a comune's RSS feed and an AGID listing.
const TOPICS = [
	['Avviso', 'Chiusura al traffico di via Garibaldi per lavori alla rete del gas'],
	['Comunicato', 'Il Consiglio comunale approva il bilancio di previsione'],
	['Notizia', 'Riapre la biblioteca civica con orari più lunghi e nuove sale studio'],
	['Ordinanza', 'Divieto di sosta in piazza della Libertà per il mercato straordinario'],
	['Evento', 'Concerto della banda cittadina nel cortile di Palazzo Comunale'],
];
const MONTHS = ['GEN', 'FEB', 'MAR', 'APR', 'MAG', 'GIU', 'LUG', 'AGO', 'SET', 'OTT', 'NOV', 'DIC'];

export function rssFeed(count: number): Buffer {
	const items: string[] = [];
	for (let i = 0; i < count; i++) {
		const [category, title] = TOPICS[i % TOPICS.length];
		const date = new Date(Date.UTC(2026, 10, 23, 12) - i * 3_600_000);
		items.push(`<item>
<title>${title} (n. ${i})</title>
<link>https://www.comune.esempio.it/novita/${i}-${category.toLowerCase()}</link>
<guid isPermaLink="false">novita-${i}</guid>
<pubDate>${date.toUTCString()}</pubDate>
<category>${category}</category>
<description><![CDATA[<p>L&#39;Amministrazione comunale informa che <strong>dal giorno ${(i % 28) + 1}</strong> sarà attivo il servizio.</p><p>Per informazioni: ufficio relazioni con il pubblico, tel. 0362 123456 &ndash; città più vicina.</p>]]></description>
<enclosure url="https://www.comune.esempio.it/media/${i}.jpg" type="image/jpeg" length="12345"/>
</item>`);
	}
	return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>Comune di Esempio - Novità</title><link>https://www.comune.esempio.it/</link>
<description>Notizie, comunicati e avvisi</description><language>it-IT</language>
${items.join('\n')}
</channel></rss>`);
}

export function agidListing(count: number): Buffer {
	const cards: string[] = [];
	for (let i = 0; i < count; i++) {
		const [category, title] = TOPICS[i % TOPICS.length];
		cards.push(`<div class="col-md-6 col-xl-4">
<div class="card-wrapper border border-light rounded shadow-sm"><div class="card no-after rounded">
<div class="img-responsive-wrapper"><div class="img-responsive img-responsive-panoramic"><figure class="img-wrapper">
<img src="/media/novita/${i}.jpg" title="${title}" alt="${title}"></figure></div></div>
<div class="card-body">
<div class="category-top"><a class="category text-decoration-none" href="/novita/${category.toLowerCase()}">${category.toUpperCase()}</a>
<span class="data">${(i % 28) + 1} ${MONTHS[i % 12]} 2026</span></div>
<a href="/novita/${i}" class="text-decoration-none" data-element="news-category-link"><h3 class="card-title">${title} (n. ${i})</h3></a>
<p class="card-text text-secondary">L'Amministrazione informa la cittadinanza: dettagli e modalità nella pagina della notizia.</p>
</div></div></div></div>`);
	}
	return Buffer.from(`<!DOCTYPE html><html lang="it"><head><meta charset="utf-8"><title>Novità - Comune di Esempio</title></head>
<body><header><ul data-element="main-navigation">
<li><a href="/novita" data-element="news">Novità</a></li><li><a href="/vivere-il-comune" data-element="live">Vivere il comune</a></li></ul></header>
<main><div class="container"><h1 data-element="page-name">Novità</h1></div>
<div class="bg-grey-card py-5"><div class="container"><h2>Esplora tutte le novità</h2><div class="row g-4">
${cards.join('\n')}
</div></div></div></main></body></html>`);
}

/** A page nested `levels` deep (11 bytes a level): what a broken or hostile server may send. */
export function deepPage(levels: number): Buffer {
	return Buffer.from(`<!DOCTYPE html><html lang="it"><head><title>Novità</title></head><body>${'<div>'.repeat(levels)}Testo${'</div>'.repeat(levels)}</body></html>`);
}
