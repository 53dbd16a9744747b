/** Small RSS documents for engine tests, written the way comuni CMSs write them. */
export interface FeedEntry {
	guid?: string;
	title: string;
	link: string;
	description?: string;
	pubDate?: string;
	category?: string;
}

export function rss(entries: FeedEntry[], title = 'Comune di Esempio - Novità'): string {
	const items = entries
		.map(
			(entry) => `<item>
	<title>${entry.title}</title>
	<link>${entry.link}</link>
	${entry.guid ? `<guid isPermaLink="false">${entry.guid}</guid>` : ''}
	${entry.description ? `<description><![CDATA[${entry.description}]]></description>` : ''}
	${entry.pubDate ? `<pubDate>${entry.pubDate}</pubDate>` : ''}
	${entry.category ? `<category>${entry.category}</category>` : ''}
</item>`,
		)
		.join('\n');
	return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>${title}</title><link>https://www.comune.example.it/</link>
${items}
</channel></rss>`;
}
