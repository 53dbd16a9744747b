import nock from 'nock';
import { fetchUrl } from '../../core/http/fetch';
import { readSource, type ReadOptions, type ReadResult, type SourceConfig } from '../../core/read';
import { fixture } from './feed/fixtures';
import { site } from './html/fixtures';
import { failureOf } from '../failure';

const VALMORENA = 'https://www.comune.valmorena.it';
const CASTELNUOVO = 'https://www.comune.castelnuovo.it';
const MONTECALVO = 'http://www.comune.montecalvo.example';
const YOUTUBE = 'https://www.youtube.com';
const CHANNEL = 'UCv4lM0rEnA9cOmUnE_Vm123';
// The calendar badges of the events list have no year: it is the one nearest to this moment.
const NOW = new Date('2023-12-10T09:00:00Z');
const HTML = { 'content-type': 'text/html; charset=utf-8' };
const RSS = { 'content-type': 'application/rss+xml; charset=utf-8' };
const ATOM = { 'content-type': 'application/atom+xml' };

function read(config: SourceConfig, options: Partial<ReadOptions> = {}): Promise<ReadResult> {
	return readSource(config, { fetch: fetchUrl, now: NOW, timeoutMs: 5000, ...options });
}


const NOVITA_TITLES = [
	'Torna il mercato contadino in piazza Garibaldi',
	'Piscina comunale chiusa per lavori',
	'TARI 2023: le scadenze e come pagare',
	'Bando contributi per l’affitto & le utenze',
	'Con l’ora legale cambia l’orario della biblioteca',
];
const EVENTI_TITLES = [
	'Presepe vivente nel borgo antico',
	'Concerto dell’Epifania della banda civica',
	'Notte bianca di Valmorena',
];

describe('readSource recognises what it is given (kind auto)', () => {
	it('reads an RSS feed, with relative links resolved against the feed address', async () => {
		nock(CASTELNUOVO).get('/feed/').reply(200, fixture('rss2.xml'), { ...RSS, etag: '"r1"' });
		const result = await read({ url: `${CASTELNUOVO}/feed/` });
		expect(result.kind).toBe('rss');
		expect(result.notModified).toBe(false);
		expect(result.items).toHaveLength(6);
		expect(result.items[0]).toMatchObject({
			id: `${CASTELNUOVO}/?p=101`,
			title: 'Chiusura di via Garibaldi per lavori: ecco perché',
			link: `${CASTELNUOVO}/notizie/chiusura-via-garibaldi/`,
			publishedAt: '2025-03-03T08:30:00.000Z',
			categories: ['Viabilità', 'Lavori pubblici', 'Città'],
			source: { name: 'Comune di Castelnuovo – Novità', url: `${CASTELNUOVO}/feed/`, kind: 'rss' },
		});
		// <dc:date> without a zone is Rome time.
		expect(result.items[1]).toMatchObject({
			link: `${CASTELNUOVO}/notizie/bando-borse-di-studio/`,
			publishedAt: '2025-02-28T17:00:00.000Z',
		});
		expect(result.warnings).toEqual([]);
		expect(result.validators).toEqual({ etag: '"r1"', url: `${CASTELNUOVO}/feed/` });
	});

	it('reads an Atom feed', async () => {
		nock('https://www.comune.pratolungo.it').get('/novita/atom.xml').reply(200, fixture('atom.xml'), ATOM);
		const result = await read({ url: 'https://www.comune.pratolungo.it/novita/atom.xml' });
		expect(result.kind).toBe('atom');
		expect(result.items.map((item) => item.title)).toEqual([
			'Lavori in piazza del Duomo: cosa cambia',
			'Concerto di primavera & aperitivo',
			'Senza data',
			'Nessuna data',
		]);
		expect(result.items[0]).toMatchObject({
			id: 'tag:comune.pratolungo.it,2025:42',
			link: 'https://www.comune.pratolungo.it/novita/lavori-piazza-duomo',
			publishedAt: '2025-03-01T07:00:00.000Z',
			updatedAt: '2025-03-02T08:00:00.000Z',
		});
		expect(result.items[3].publishedAt).toBeNull();
	});

	it('reads a Novità page built on the AGID template with its preset', async () => {
		nock(VALMORENA).get('/novita/').reply(200, site('agid/novita.html'), HTML);
		const result = await read({ url: `${VALMORENA}/novita/` });
		expect(result.kind).toBe('html');
		expect(result.items.map((item) => item.title)).toEqual(NOVITA_TITLES);
		expect(result.items[0]).toMatchObject({
			link: `${VALMORENA}/novita/notizie/torna-il-mercato-contadino`,
			publishedAt: '2023-07-13T22:00:00.000Z',
			categories: ['NOTIZIE'],
			source: { name: 'Novità - Comune di Valmorena', url: `${VALMORENA}/novita/`, kind: 'html' },
		});
		expect(result.warnings).toEqual([]);
	});
});

describe('readSource on a comune home page', () => {
	it('follows the Novità and events links one hop, through a redirect, and merges their items', async () => {
		const scope = nock(VALMORENA)
			.get('/')
			.reply(200, site('agid/homepage.html'), HTML)
			.get('/novita')
			.reply(301, '', { location: '/novita/' })
			.get('/novita/')
			.reply(200, site('agid/novita.html'), HTML)
			.get('/vivere-il-comune/eventi')
			.reply(200, site('agid/eventi.html'), HTML);
		const result = await read({ url: `${VALMORENA}/` });
		scope.done();
		expect(result.kind).toBe('html');
		expect(result.items.map((item) => item.title)).toEqual([...NOVITA_TITLES, ...EVENTI_TITLES]);
		// Links of the news list resolve against where the redirect ended: /novita/.
		expect(result.items[0].link).toBe(`${VALMORENA}/novita/notizie/torna-il-mercato-contadino`);
		expect(result.items[5]).toMatchObject({
			link: `${VALMORENA}/vivere-il-comune/eventi/presepe-vivente-borgo-antico`,
			publishedAt: '2023-12-27T23:00:00.000Z',
			source: { name: 'Vivere il comune - Comune di Valmorena', kind: 'html' },
		});
	});

	it('keeps one copy of an item that both the Novità and the events list show', async () => {
		// The comune publishes the market as a news item and lists it among the events too.
		const eventi = site('agid/eventi.html').replace(
			/<a href="\/vivere-il-comune\/eventi\/notte-bianca"([^>]*)>Notte bianca di Valmorena<\/a>/,
			'<a href="/novita/notizie/torna-il-mercato-contadino"$1>Torna il mercato contadino in piazza Garibaldi</a>',
		);
		nock(VALMORENA)
			.get('/')
			.reply(200, site('agid/homepage.html'), HTML)
			.get('/novita')
			.reply(200, site('agid/novita.html').replace('<head>', '<head><base href="/novita/">'), HTML)
			.get('/vivere-il-comune/eventi')
			.reply(200, eventi, HTML);
		const { items } = await read({ url: VALMORENA });
		const mercato = items.filter((item) => item.id === `${VALMORENA}/novita/notizie/torna-il-mercato-contadino`);
		expect(mercato).toHaveLength(1);
		// The first copy wins: the news item, with its date, not the event card.
		expect(mercato[0]).toMatchObject({ publishedAt: '2023-07-13T22:00:00.000Z', categories: ['NOTIZIE'] });
		expect(items).toHaveLength(7);
		expect(new Set(items.map((item) => item.id)).size).toBe(7);
	});

	it('returns no validators: the home page being unchanged says nothing about the lists it links to', async () => {
		nock(VALMORENA)
			.get('/')
			.reply(200, site('agid/homepage.html'), { ...HTML, etag: '"home-1"', 'last-modified': 'Mon, 11 Dec 2023 08:00:00 GMT' });
		// The lists are fetched without the home page's validators, so they can never answer 304.
		nock(VALMORENA, { badheaders: ['if-none-match', 'if-modified-since'] })
			.get('/novita')
			.reply(200, site('agid/novita.html'), HTML)
			.get('/vivere-il-comune/eventi')
			.reply(200, site('agid/eventi.html'), HTML);
		const result = await read({ url: `${VALMORENA}/` }, { validators: { etag: '"home-0"' } });
		expect(result.notModified).toBe(false);
		expect(result.validators).toEqual({});
		expect(result.items).toHaveLength(8);
	});

	it('still delivers the news when the events list cannot be read, with a warning', async () => {
		nock(VALMORENA)
			.get('/')
			.reply(200, site('agid/homepage.html'), HTML)
			.get('/novita')
			.reply(200, site('agid/novita.html'), HTML)
			.get('/vivere-il-comune/eventi')
			.reply(404, 'Pagina non trovata', HTML);
		const result = await read({ url: `${VALMORENA}/` });
		expect(result.items.map((item) => item.title)).toEqual(NOVITA_TITLES);
		expect(result.warnings).toEqual([
			`Could not read ${VALMORENA}/vivere-il-comune/eventi: ${VALMORENA}/vivere-il-comune/eventi answered HTTP 404.`,
		]);
	});

	it('fails when the Novità page itself cannot be read', async () => {
		nock(VALMORENA)
			.get('/')
			.reply(200, site('agid/homepage.html'), HTML)
			.get('/novita')
			.reply(500, 'Errore')
			.get('/vivere-il-comune/eventi')
			.reply(200, site('agid/eventi.html'), HTML);
		const error = await failureOf(read({ url: `${VALMORENA}/` }));
		expect(error.code).toBe('http_status');
		expect(error.message).toBe(`${VALMORENA}/novita answered HTTP 500.`);
	});
});

describe('readSource stays on a listing', () => {
	it('reads the Novità page directly without wandering off to the events page its menu links', async () => {
		const novita = nock(VALMORENA).get('/novita').reply(200, site('agid/novita.html'), HTML);
		const eventi = nock(VALMORENA).get('/vivere-il-comune/eventi').reply(200, site('agid/eventi.html'), HTML);
		const vivere = nock(VALMORENA).get('/vivere-il-comune').reply(200, site('agid/eventi.html'), HTML);
		const result = await read({ url: `${VALMORENA}/novita` });
		expect(novita.isDone()).toBe(true);
		expect(eventi.isDone()).toBe(false);
		expect(vivere.isDone()).toBe(false);
		expect(result.items.map((item) => item.title)).toEqual(NOVITA_TITLES);
		expect(result.warnings).toEqual([]);
	});

	it('reads a category page of the Novità (its menu links /Novita) as the list it is', async () => {
		const url = 'https://www.comune.pievebella.it/Novita/Notizie';
		const scope = nock('https://www.comune.pievebella.it').get('/Novita/Notizie').reply(200, site('opencity/novita.html'), HTML);
		const result = await read({ url });
		scope.done();
		expect(result.kind).toBe('html');
		expect(result.items.map((item) => [item.title, item.publishedAt])).toEqual([
			['Inaugurata la nuova mensa scolastica', '2024-03-11T23:00:00.000Z'],
			['Lavori sulla SP 12: senso unico alternato', '2024-06-03T22:00:00.000Z'],
		]);
		expect(result.items.every((item) => item.source.url === url)).toBe(true);
	});

	it('reads the "Vivere il comune" section as its own list of events, leaving out its places', async () => {
		nock(VALMORENA).get('/vivere-il-comune').reply(200, site('agid/eventi.html'), HTML);
		const result = await read({ url: `${VALMORENA}/vivere-il-comune` });
		expect(result.items.map((item) => item.title)).toEqual(EVENTI_TITLES);
	});

	it('follows at most one hop: two pages that name each other as Novità do not loop', async () => {
		const montecalvo = (to: string) =>
			`<!DOCTYPE html><html lang="it"><head><title>Comune di Montecalvo</title></head><body><a href="${to}">Notizie</a><p>Benvenuti.</p></body></html>`;
		const scope = nock(MONTECALVO)
			.get('/')
			.once()
			.reply(200, montecalvo('/notizie.asp'), HTML)
			.get('/notizie.asp')
			.once()
			.reply(200, montecalvo('/'), HTML);
		const error = await failureOf(read({ url: `${MONTECALVO}/` }));
		scope.done();
		expect(error.code).toBe('unknown_layout');
		expect(error.message).toContain(`${MONTECALVO}/notizie.asp`);
	});

	it('follows the feed a page links to, once, when the page is built on no known template', async () => {
		nock('https://www.comune.lago.it')
			.get('/')
			.reply(200, fixture('page.html'), HTML)
			.get('/feed/')
			.reply(200, fixture('rss2.xml'), RSS);
		const result = await read({ url: 'https://www.comune.lago.it/' });
		expect(result.kind).toBe('rss');
		expect(result.items).toHaveLength(6);
		expect(result.validators).toEqual({});
	});
});

describe('readSource conditional GET', () => {
	it('sends the validators it is given; a 304 is notModified with no items', async () => {
		const validators = { etag: '"r1"', lastModified: 'Mon, 03 Mar 2025 09:00:00 GMT', url: `${CASTELNUOVO}/feed/` };
		const scope = nock(CASTELNUOVO, { reqheaders: { 'if-none-match': '"r1"', 'if-modified-since': validators.lastModified } })
			.get('/feed/')
			.reply(304);
		const result = await read({ url: `${CASTELNUOVO}/feed/` }, { validators });
		scope.done();
		expect(result).toEqual({ url: `${CASTELNUOVO}/feed/`, kind: null, notModified: true, items: [], warnings: [], validators });
	});

	it('returns the new validators of a changed document', async () => {
		nock(CASTELNUOVO)
			.get('/feed/')
			.reply(200, fixture('rss2.xml'), { ...RSS, etag: '"r2"', 'last-modified': 'Tue, 04 Mar 2025 09:00:00 GMT' });
		const result = await read({ url: `${CASTELNUOVO}/feed/` }, { validators: { etag: '"r1"' } });
		expect(result.notModified).toBe(false);
		expect(result.items).toHaveLength(6);
		expect(result.validators).toEqual({ etag: '"r2"', lastModified: 'Tue, 04 Mar 2025 09:00:00 GMT', url: `${CASTELNUOVO}/feed/` });
	});
});

describe('readSource with kind youtube', () => {
	const FEED_PATH = `/feeds/videos.xml?channel_id=${CHANNEL}`;
	const video = {
		id: 'yt:video:dQw4w9WgXcQ',
		title: 'Consiglio comunale del 5 marzo – diretta',
		link: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
		publishedAt: '2025-03-05T19:00:00.000Z',
		updatedAt: '2025-03-06T08:00:00.000Z',
		image: 'https://i3.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg',
	};

	it('reads the channel feed from a channel id', async () => {
		nock(YOUTUBE).get(FEED_PATH).reply(200, fixture('youtube.xml'), ATOM);
		const result = await read({ url: CHANNEL, kind: 'youtube' });
		expect(result.url).toBe(`${YOUTUBE}${FEED_PATH}`);
		expect(result.kind).toBe('youtube');
		expect(result.items).toEqual([expect.objectContaining(video)]);
		expect(result.items[0].summary).toBe('Ordine del giorno:\n1. Bilancio <3 città\n2. Varie ed eventuali');
	});

	it('reads the channel feed from a channel address', async () => {
		nock(YOUTUBE).get(FEED_PATH).reply(200, fixture('youtube.xml'), ATOM);
		const result = await read({ url: `${YOUTUBE}/channel/${CHANNEL}/videos`, kind: 'youtube' });
		expect(result.kind).toBe('youtube');
		expect(result.items).toEqual([expect.objectContaining(video)]);
	});

	it('finds the feed in the head of an @handle channel page', async () => {
		const scope = nock(YOUTUBE)
			.get('/@comunevalmorena')
			.reply(200, site('youtube/channel.html'), HTML)
			.get(FEED_PATH)
			.reply(200, fixture('youtube.xml'), ATOM);
		const result = await read({ url: `${YOUTUBE}/@comunevalmorena`, kind: 'youtube' });
		scope.done();
		expect(result.kind).toBe('youtube');
		expect(result.items).toEqual([expect.objectContaining(video)]);
		expect(result.validators).toEqual({});
	});

	it('does not loop when the linked feed turns out to be a channel page again', async () => {
		const scope = nock(YOUTUBE)
			.get('/@comunevalmorena')
			.once()
			.reply(200, site('youtube/channel.html'), HTML)
			.get(FEED_PATH)
			.once()
			.reply(200, site('youtube/channel.html'), HTML);
		const error = await failureOf(read({ url: `${YOUTUBE}/@comunevalmorena`, kind: 'youtube' }));
		scope.done();
		expect(error.code).toBe('not_a_feed');
		expect(error.message).toBe(`${YOUTUBE}${FEED_PATH} is not a YouTube channel or its feed.`);
	});

	it('says so when the page is not a YouTube channel', async () => {
		nock(VALMORENA).get('/novita').reply(200, site('agid/novita.html'), HTML);
		const error = await failureOf(read({ url: `${VALMORENA}/novita`, kind: 'youtube' }));
		expect(error.code).toBe('not_a_feed');
		expect(error.hint).toContain('youtube.com/@name');
	});
});

describe('readSource with kind rss', () => {
	it('refuses an HTML page with not_a_feed', async () => {
		nock(VALMORENA).get('/novita').reply(200, site('agid/novita.html'), HTML);
		const error = await failureOf(read({ url: `${VALMORENA}/novita`, kind: 'rss' }));
		expect(error.code).toBe('not_a_feed');
		expect(error.message).toBe(`The document at ${VALMORENA}/novita is an HTML page, not an RSS, Atom or RDF feed.`);
		expect(error.hint).toContain("kind 'html'");
	});
});

describe('readSource with fetchDetails', () => {
	const LIST = `${VALMORENA}/novita/notizie`;
	const MERCATO = `${VALMORENA}/novita/notizie/torna-il-mercato-contadino`;
	const BIBLIOTECA = `${VALMORENA}/novita/notizie/nuovi-orari-biblioteca`;

	it('takes the full date and the longer summary from each item page', async () => {
		nock(VALMORENA)
			.get('/novita/notizie')
			.reply(200, site('agid/notizie-senza-data.html'), HTML)
			.get('/novita/notizie/torna-il-mercato-contadino')
			.reply(200, site('agid/novita-dettaglio.html'), HTML)
			.get('/novita/notizie/nuovi-orari-biblioteca')
			.reply(404, 'Pagina non trovata', HTML);
		const result = await read({ url: LIST, fetchDetails: true });
		expect(result.kind).toBe('html');
		const [mercato, biblioteca] = result.items;
		expect(mercato).toMatchObject({
			id: MERCATO,
			title: 'Torna il mercato contadino in piazza Garibaldi',
			summary: 'Ogni sabato mattina, da luglio a ottobre, i produttori della valle vendono frutta, verdura e formaggi a chilometro zero.',
			publishedAt: '2023-07-13T22:00:00.000Z',
			// "Ultimo aggiornamento: 18/07/2023, 09:45", summer time.
			updatedAt: '2023-07-18T07:45:00.000Z',
			image: `${VALMORENA}/media/novita/mercato-contadino-grande.jpg`,
		});
		// A page that cannot be read leaves its item as the listing had it, and says why.
		expect(biblioteca).toMatchObject({
			id: BIBLIOTECA,
			summary: 'Aperta anche il giovedì sera.',
			publishedAt: null,
			image: null,
		});
		expect(result.warnings).toContain(
			`Could not read the page of "Nuovi orari della biblioteca civica": ${BIBLIOTECA} answered HTTP 404.`,
		);
	});

	it('visits at most maxDetailPages pages', async () => {
		const scope = nock(VALMORENA)
			.get('/novita/notizie')
			.reply(200, site('agid/notizie-senza-data.html'), HTML)
			.get('/novita/notizie/torna-il-mercato-contadino')
			.reply(200, site('agid/novita-dettaglio.html'), HTML);
		const result = await read({ url: LIST, fetchDetails: true }, { maxDetailPages: 1 });
		scope.done();
		expect(result.items.map((item) => item.publishedAt)).toEqual(['2023-07-13T22:00:00.000Z', null]);
		expect(result.warnings.some((warning) => warning.startsWith('Could not read the page'))).toBe(false);
	});

	it("keeps the listing's dates: the page fills what is missing and may add the time to a bare day", async () => {
		const days = ['20 LUG 2023', '14 LUG 2023'];
		const listing = site('agid/notizie-senza-data.html').replace(/NOTIZIE<\/a>/g, (tag) => `${tag}<span class="data">${days.shift()}</span>`);
		// Both pages: "Data: 14 luglio 2023", "Ultimo aggiornamento: 18/07/2023, 09:45"; the second at 10:30.
		const page = site('agid/novita-dettaglio.html');
		nock(VALMORENA)
			.get('/novita/notizie')
			.reply(200, listing, HTML)
			.get('/novita/notizie/torna-il-mercato-contadino')
			.reply(200, page, HTML)
			.get('/novita/notizie/nuovi-orari-biblioteca')
			.reply(200, page.replace('14 luglio 2023', '14 luglio 2023 10:30'), HTML);
		const result = await read({ url: LIST, fetchDetails: true });
		const [mercato, biblioteca] = result.items;
		// Another day on the page than on the card, and an update older than the card's date: the card wins.
		expect(mercato).toMatchObject({ publishedAt: '2023-07-19T22:00:00.000Z', updatedAt: '2023-07-19T22:00:00.000Z' });
		// The same day with a time: the time is taken; the page's later update fills the gap.
		expect(biblioteca).toMatchObject({ publishedAt: '2023-07-14T08:30:00.000Z', updatedAt: '2023-07-18T07:45:00.000Z' });
	});

	it('visits no page without fetchDetails', async () => {
		nock(VALMORENA).get('/novita/notizie').reply(200, site('agid/notizie-senza-data.html'), HTML);
		const result = await read({ url: LIST });
		expect(result.items.map((item) => [item.title, item.summary, item.publishedAt])).toEqual([
			['Torna il mercato contadino in piazza Garibaldi', 'Ogni sabato mattina.', null],
			['Nuovi orari della biblioteca civica', 'Aperta anche il giovedì sera.', null],
		]);
		expect(result.warnings).toEqual([`No dates found on the 2 cards of ${LIST}: the items are undated.`]);
	});
});

describe('readSource with custom selectors and on unknown pages', () => {
	const URL = `${MONTECALVO}/notizie.asp`;

	it('reads a page built on no template with the selectors it is given', async () => {
		nock(MONTECALVO).get('/notizie.asp').reply(200, site('custom/notizie.html'), { 'content-type': 'text/html' });
		const result = await read({
			url: URL,
			kind: 'html',
			selectors: { item: 'li.notizia', title: 'h2', date: '.quando', summary: '.sommario' },
		});
		expect(result.kind).toBe('html');
		expect(result.items.map((item) => [item.title, item.link, item.publishedAt])).toEqual([
			['Raccolta ingombranti a domicilio', `${MONTECALVO}/dettaglio.asp?id=311`, '2025-03-02T23:00:00.000Z'],
			['Commemorazione dei caduti', `${MONTECALVO}/dettaglio.asp?id=305`, '2024-10-27T09:30:00.000Z'],
			['Corso di primo soccorso', `${MONTECALVO}/dettaglio.asp?id=298`, null],
		]);
		expect(result.items[0].summary).toBe('Prenotazione al numero verde entro il venerdì precedente.');
		expect(result.warnings).toEqual(["Could not read the date of 1 card(s) ('data da definire'): they are kept undated."]);
	});

	it('says the selector matched nothing', async () => {
		nock(MONTECALVO).get('/notizie.asp').reply(200, site('custom/notizie.html'), HTML);
		const error = await failureOf(read({ url: URL, selectors: { item: '.card', title: 'h3' } }));
		expect(error.code).toBe('no_matches');
		expect(error.message).toBe(`The selector '.card' matched nothing on ${URL}.`);
	});

	it('fails with unknown_layout and says what to do on an unknown page with preset auto', async () => {
		nock(MONTECALVO).get('/notizie.asp').reply(200, site('custom/notizie.html'), HTML);
		const error = await failureOf(read({ url: URL, preset: 'auto' }));
		expect(error.code).toBe('unknown_layout');
		expect(error.message).toBe(
			`The page ${URL} is not built on a template Banditore knows, and no news cards were found on it.`,
		);
		expect(error.hint).toContain("'agid' (Designers Italia modello Comuni (v2))");
		expect(error.hint).toContain('Set custom CSS selectors for the news cards (item and title at least)');
		expect(error.hint).toContain("use the site's RSS feed");
	});
});
