// The CLI as people run it: the built dist/cli/banditore.js in a child process (npm test builds it
// first), reading fixtures from disk or from a real HTTP server on 127.0.0.1.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { NewsItem } from '../../core/item';
import { ROOT, runCli, type CliRun } from '../cli-runner';

const FEEDS = join(ROOT, 'test', 'fixtures', 'feeds');
const SITES = join(ROOT, 'test', 'fixtures', 'sites');

const banditore = (...args: string[]) => runCli(args);

const ROUTES: Record<string, { file: string; type: string }> = {
	'/feed/': { file: join(FEEDS, 'rss2.xml'), type: 'application/rss+xml; charset=utf-8' },
	'/novita/': { file: join(SITES, 'agid/novita.html'), type: 'text/html; charset=utf-8' },
	'/notizie.asp': { file: join(SITES, 'custom/notizie.html'), type: 'text/html' },
	'/rotto.xml': { file: join(FEEDS, 'truncated.xml'), type: 'application/rss+xml' },
};

let server: Server;
let base: string;

beforeAll(async () => {
	server = createServer((req, res) => {
		const route = ROUTES[req.url ?? ''];
		if (!route) {
			res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Pagina non trovata</h1>');
			return;
		}
		res.writeHead(200, { 'content-type': route.type }).end(readFileSync(route.file));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise((resolve) => server.close(resolve));
});

function jsonLines(stdout: string): NewsItem[] {
	const lines = stdout.split('\n');
	expect(lines.pop()).toBe('');
	return lines.map((line) => JSON.parse(line) as NewsItem);
}

/** A failure: exit 1, nothing on stdout, one line on stderr and no stack trace. */
function expectFailure(run: CliRun, message: string): void {
	expect(run.code).toBe(1);
	expect(run.stdout).toBe('');
	expect(run.stderr.split('\n')).toEqual([expect.stringMatching(/^banditore: /), '']);
	expect(run.stderr).not.toMatch(/\n\s+at /);
	expect(run.stderr).toContain(message);
}

describe('banditore feed: reading', () => {
	it('lists the items of a local RSS file, newest first, for people', async () => {
		const run = await banditore('feed', 'test/fixtures/feeds/rss2.xml');
		expect(run.code).toBe(0);
		expect(run.stderr).toBe('');
		const lines = run.stdout.split('\n');
		expect(lines[0]).toBe('6 items from Comune di Castelnuovo – Novità (rss)');
		expect(lines.slice(2, 6)).toEqual([
			'  1. Avviso alla cittadinanza',
			'     2025-03-10 08:15 Europe/Rome',
			'     https://www.comune.castelnuovo.it/notizie/avviso/',
			"     Leggi l'avviso",
		]);
		expect(run.stdout).toContain(
			'  3. Chiusura di via Garibaldi per lavori: ecco perché\n     2025-03-03 09:30 Europe/Rome  [Viabilità, Lavori pubblici, Città]\n',
		);
		// The item without a date comes last.
		expect(run.stdout).toContain('  6. Raccolta rifiuti: nuovo calendario\n     undated\n');
	});

	it('prints one compact JSON object per line with --json', async () => {
		const run = await banditore('feed', 'test/fixtures/feeds/rss2.xml', '--json');
		expect(run.code).toBe(0);
		const items = jsonLines(run.stdout);
		expect(items).toHaveLength(6);
		for (const line of run.stdout.trimEnd().split('\n')) expect(line).not.toMatch(/^\s|\n/);
		expect(Object.keys(items[0]).sort()).toEqual(
			['categories', 'id', 'image', 'link', 'publishedAt', 'source', 'summary', 'title', 'updatedAt'],
		);
		expect(items[0]).toEqual({
			id: 'https://www.comune.castelnuovo.it/notizie/avviso/',
			title: 'Avviso alla cittadinanza',
			summary: "Leggi l'avviso",
			link: 'https://www.comune.castelnuovo.it/notizie/avviso/',
			publishedAt: '2025-03-10T07:15:00.000Z',
			updatedAt: '2025-03-10T07:15:00.000Z',
			categories: [],
			image: expect.stringMatching(/\/uploads\/avviso\.jpg\?v=1&w=600$/),
			source: { name: 'Comune di Castelnuovo – Novità', url: expect.stringMatching(/^file:\/\/.*\/rss2\.xml$/), kind: 'rss' },
		});
		expect(items.map((item) => item.publishedAt)).toEqual([
			'2025-03-10T07:15:00.000Z',
			'2025-03-07T15:00:00.000Z',
			'2025-03-03T08:30:00.000Z',
			'2025-02-28T17:00:00.000Z',
			'2025-02-01T10:00:00.000Z',
			null,
		]);
	});

	it('reads the AGID Novità page over HTTP with --kind html --preset agid', async () => {
		const run = await banditore('feed', `${base}/novita/`, '--kind', 'html', '--preset', 'agid', '--json');
		expect(run.code).toBe(0);
		const items = jsonLines(run.stdout);
		expect(items.map((item) => [item.title, item.publishedAt])).toEqual([
			['Torna il mercato contadino in piazza Garibaldi', '2023-07-13T22:00:00.000Z'],
			['Bando contributi per l’affitto & le utenze', '2023-03-31T22:00:00.000Z'],
			['Con l’ora legale cambia l’orario della biblioteca', '2023-03-25T23:00:00.000Z'],
			['TARI 2023: le scadenze e come pagare', '2023-03-02T23:00:00.000Z'],
			['Piscina comunale chiusa per lavori', '2023-02-27T23:00:00.000Z'],
		]);
		expect(items[0].link).toBe(`${base}/novita/notizie/torna-il-mercato-contadino`);
		expect(items[0].source).toEqual({ name: 'Novità - Comune di Valmorena', url: `${base}/novita/`, kind: 'html' });
	});

	it('reads a page built on no template with --selectors', async () => {
		const run = await banditore('feed', `${base}/notizie.asp`, '--selectors', 'item=li.notizia; title=h2; date=.quando; summary=.sommario', '--json');
		expect(run.code).toBe(0);
		expect(run.stderr).toBe("warning: Could not read the date of 1 card(s) ('data da definire'): they are kept undated.\n");
		expect(jsonLines(run.stdout).map((item) => [item.title, item.link, item.publishedAt])).toEqual([
			['Raccolta ingombranti a domicilio', `${base}/dettaglio.asp?id=311`, '2025-03-02T23:00:00.000Z'],
			['Commemorazione dei caduti', `${base}/dettaglio.asp?id=305`, '2024-10-27T09:30:00.000Z'],
			['Corso di primo soccorso', `${base}/dettaglio.asp?id=298`, null],
		]);
	});

	it('reads a saved AGID page as if served from --base-url', async () => {
		const run = await banditore('feed', 'test/fixtures/sites/agid/novita.html', '--base-url', 'https://www.comune.valmorena.it/novita/', '--json');
		expect(run.code).toBe(0);
		const items = jsonLines(run.stdout);
		expect(items).toHaveLength(5);
		expect(items[0]).toMatchObject({
			link: 'https://www.comune.valmorena.it/novita/notizie/torna-il-mercato-contadino',
			image: 'https://www.comune.valmorena.it/media/novita/mercato-contadino.jpg',
			source: { name: 'Novità - Comune di Valmorena', url: 'https://www.comune.valmorena.it/novita/', kind: 'html' },
		});
	});

	it('prints at most --limit items, the newest', async () => {
		const run = await banditore('feed', 'test/fixtures/feeds/rss2.xml', '--limit', '2');
		expect(run.code).toBe(0);
		expect(run.stdout.split('\n')[0]).toBe('2 items from Comune di Castelnuovo – Novità (rss)');
		expect(run.stdout).toContain('  1. Avviso alla cittadinanza\n');
		expect(run.stdout).toContain('  2. Uffici chiusi per il patrono\n');
		expect(run.stdout).not.toContain('  3. ');
	});

	describe('with --kind auto, the default', () => {
		it('recognises a feed over HTTP', async () => {
			const run = await banditore('feed', `${base}/feed/`);
			expect(run.code).toBe(0);
			expect(run.stdout.split('\n')[0]).toBe('6 items from Comune di Castelnuovo – Novità (rss)');
		});

		it('recognises a page built on the AGID template over HTTP', async () => {
			const run = await banditore('feed', `${base}/novita/`);
			expect(run.code).toBe(0);
			expect(run.stdout.split('\n')[0]).toBe('5 items from Novità - Comune di Valmorena (html)');
		});

		it('recognises a saved AGID page without --base-url, instead of following its menu to file:///novita', async () => {
			const run = await banditore('feed', 'test/fixtures/sites/agid/novita.html');
			expect(run.code).toBe(0);
			expect(run.stderr).toBe('');
			expect(run.stdout.split('\n')[0]).toBe('5 items from Novità - Comune di Valmorena (html)');
		});
	});
});

describe('banditore feed: failures', () => {
	it('says when the server cannot be reached', async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const { port } = closed.address() as AddressInfo;
		await new Promise((resolve) => closed.close(resolve));
		const run = await banditore('feed', `http://127.0.0.1:${port}/feed/`);
		expectFailure(run, `banditore: http://127.0.0.1:${port}/feed/ cannot be reached: the connection was refused.`);
	});

	it('says when the page is not there', async () => {
		expectFailure(await banditore('feed', `${base}/non-esiste`), `banditore: ${base}/non-esiste answered HTTP 404. The page is not there`);
	});

	it('says an HTML page is not a feed with --kind rss', async () => {
		expectFailure(
			await banditore('feed', `${base}/novita/`, '--kind', 'rss'),
			`banditore: The document at ${base}/novita/ is an HTML page, not an RSS, Atom or RDF feed.`,
		);
	});

	it('says a feed is malformed XML, on one line', async () => {
		expectFailure(
			await banditore('feed', `${base}/rotto.xml`),
			`banditore: The feed at ${base}/rotto.xml is not well-formed XML: Unclosed root tag at line 6, column 0. The site publishes broken XML`,
		);
	});

	it('refuses a document larger than --max-size', async () => {
		const run = await banditore('feed', `${base}/feed/`, '--max-size', '0.001');
		expectFailure(run, `banditore: ${base}/feed/ is larger than `);
		expect(run.stderr).toContain('Check it is the news feed or listing and not a file download, or raise the size limit.');
	});

	it('says the selector matched nothing', async () => {
		expectFailure(
			await banditore('feed', `${base}/notizie.asp`, '--selectors', 'item=.card; title=h3'),
			`banditore: The selector '.card' matched nothing on ${base}/notizie.asp.`,
		);
	});

	it('says a file does not exist', async () => {
		expectFailure(
			await banditore('feed', 'test/fixtures/feeds/non-esiste.xml'),
			'banditore: "test/fixtures/feeds/non-esiste.xml" is neither a web address nor a file.',
		);
	});

	it('says a saved home page needs --base-url to follow its menu', async () => {
		expectFailure(
			await banditore('feed', 'test/fixtures/sites/agid/homepage.html'),
			'banditore: /novita cannot be read. Check the file name; to follow the links of a saved page, give its address with --base-url.',
		);
	});

	it('exits 2 on an unknown option, with the usage', async () => {
		const run = await banditore('feed', 'test/fixtures/feeds/rss2.xml', '--colori');
		expect(run.code).toBe(2);
		expect(run.stdout).toBe('');
		expect(run.stderr).toMatch(/^banditore: Unknown option '--colori'/);
		expect(run.stderr).toContain('Usage: banditore feed <url-or-file> [options]');
	});

	it('exits 2 on a bad --kind, before touching the source', async () => {
		const run = await banditore('feed', 'test/fixtures/feeds/non-esiste.xml', '--kind', 'atom');
		expect(run.code).toBe(2);
		expect(run.stderr).toBe('banditore: --kind must be one of auto, rss, html, youtube, facebook, instagram, not "atom".\n');
	});

	it('exits 2 on a bad number, before touching the source', async () => {
		const run = await banditore('feed', 'test/fixtures/feeds/non-esiste.xml', '--limit', 'tre');
		expect(run.code).toBe(2);
		expect(run.stderr).toBe('banditore: --limit must be a positive number, not "tre".\n');
	});

	it('exits 2 on an unknown command and on a --base-url that is not a web address', async () => {
		expect((await banditore('leggi')).code).toBe(2);
		const run = await banditore('feed', 'test/fixtures/sites/agid/novita.html', '--base-url', 'www.comune.valmorena.it');
		expect(run.code).toBe(2);
		expect(run.stderr).toBe('banditore: --base-url must be a web address (https://…), not "www.comune.valmorena.it".\n');
	});

	it('prints the stack trace with --debug', async () => {
		const run = await banditore('feed', `${base}/non-esiste`, '--debug');
		expect(run.code).toBe(1);
		expect(run.stderr).toMatch(new RegExp(`^BanditoreError: ${base.replace(/[.:/]/g, '\\$&')}/non-esiste answered HTTP 404\\.\n\\s+at `));
	});
});

describe('banditore feed: a saved site, whatever the file extension', () => {
	const DEMO = join(ROOT, 'demo', 'sito');
	let dir: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'banditore-saved-'));
		for (const file of readdirSync(DEMO)) copyFileSync(join(DEMO, file), join(dir, file));
	});

	it.each(['index.htm', 'index.xhtml', 'INDEX.HTM'])('reads %s as the home page and follows its menu, like index.html', async (name) => {
		copyFileSync(join(DEMO, 'index.html'), join(dir, name));
		const [html, other] = await Promise.all([banditore('feed', join(dir, 'index.html')), banditore('feed', join(dir, name))]);
		expect(html.stdout.split('\n')[0]).toBe('8 items from Eventi - Comune di Valmorena, Novità - Comune di Valmorena (html)');
		expect(other).toEqual(html);
	});

	it.each(['feed.xml', 'feed.rss', 'feed.atom'])('reads %s as a feed', async (name) => {
		copyFileSync(join(DEMO, 'feed.xml'), join(dir, name));
		const run = await banditore('feed', join(dir, name));
		expect(run.code).toBe(0);
		expect(run.stdout.split('\n')[0]).toMatch(/ \(rss\)$/);
	});
});

describe('banditore feed: files that are not what they seem', () => {
	let dir: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'banditore-files-'));
	});

	it('reads a gzip-compressed feed as the feed it holds', async () => {
		const file = join(dir, 'feed.xml.gz');
		writeFileSync(file, gzipSync(readFileSync(join(FEEDS, 'rss2.xml'))));
		const run = await banditore('feed', file);
		expect(run.code).toBe(0);
		expect(run.stdout.split('\n')[0]).toBe('6 items from Comune di Castelnuovo – Novità (rss)');
	});

	it('says a gzip file is cut short, instead of calling it a page on an unknown template', async () => {
		const file = join(dir, 'rotto.xml.gz');
		const whole = gzipSync(readFileSync(join(FEEDS, 'rss2.xml')));
		writeFileSync(file, whole.subarray(0, whole.length / 2));
		expectFailure(await banditore('feed', file), 'is a gzip-compressed file that cannot be decompressed: it is cut short or corrupt.');
	});

	it('applies --max-size to a gzip file once decompressed', async () => {
		const file = join(dir, 'grande.xml.gz');
		writeFileSync(file, gzipSync(Buffer.concat([readFileSync(join(FEEDS, 'rss2.xml')), Buffer.alloc(2 * 1024 * 1024, ' ')])));
		expectFailure(await banditore('feed', file, '--max-size', '1'), '(once decompressed) is larger than 1 MB.');
	});

	it('checks --max-size against a local file before reading it', async () => {
		// Sparse: 3 GB on paper, nothing on disk. Reading it whole would fail on memory, not on the limit.
		const file = join(dir, 'enorme.xml');
		writeFileSync(file, '');
		truncateSync(file, 3 * 1024 * 1024 * 1024);
		expectFailure(await banditore('feed', file), 'enorme.xml is larger than 10 MB.');
		const small = join(dir, 'piccolo.xml');
		copyFileSync(join(FEEDS, 'rss2.xml'), small);
		expectFailure(await banditore('feed', small, '--max-size', '0.001'), 'piccolo.xml is larger than 2 KB.');
	});

	it('warns when a file said to be UTF-8 is not, and still reads it as Latin-1', async () => {
		const file = join(dir, 'latin1.xml');
		writeFileSync(file, Buffer.from(readFileSync(join(FEEDS, 'rss2.xml'), 'utf8'), 'latin1'));
		const run = await banditore('feed', file);
		expect(run.code).toBe(0);
		expect(run.stdout.split('\n')[0]).toBe('6 items from Comune di Castelnuovo – Novità (rss)');
		expect(run.stderr).toContain('latin1.xml is not valid UTF-8: it was read as Windows-1252 (Latin-1), so some accented letters may be wrong.');
	});

	describe('a page nested 100,000 levels deep', () => {
		let file: string;
		beforeAll(() => {
			file = join(dir, 'profonda.html');
			writeFileSync(file, `<!DOCTYPE html><html><head><title>Novità</title></head><body>${'<div>'.repeat(100_000)}Testo${'</div>'.repeat(100_000)}</body></html>`);
		});

		it('ends within the timeout with a clear answer', async () => {
			// It used to take 49 s of CPU; runCli kills it after 15 s.
			const run = await banditore('feed', file, '--timeout', '10');
			expectFailure(run, 'is not built on a template Banditore knows, and no news cards were found on it.');
		});

		it('gives the timeout error when the timeout is shorter than reading it takes', async () => {
			const run = await banditore('feed', file, '--timeout', '0.001');
			expectFailure(run, 'profonda.html did not finish in time: the document is too large or too intricate to read within the timeout.');
			expect(run.stderr).toContain('raise the timeout');
		});
	});
});
