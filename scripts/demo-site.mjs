// A tiny static server for the demo comune site (demo/sito): the Banditore Feed node reads it
// in the end-to-end test and in `npm start`. Only 127.0.0.1, only files under the folder.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SITE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'demo', 'sito');

const TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.xml': 'application/rss+xml; charset=utf-8',
	'.jpg': 'image/jpeg',
	'.png': 'image/png',
	'.svg': 'image/svg+xml',
};

// The site is written as of Friday 20 November 2026. `live: true` moves every date by whole days
// so that this day is today: the demo's news stay fresh enough for the rules whenever it runs. The
// dates in the news' text move with them, weekdays included.
const WRITTEN_ON = Date.UTC(2026, 10, 20);
const DAY = 24 * 3600 * 1000;
const SHORT = ['GEN', 'FEB', 'MAR', 'APR', 'MAG', 'GIU', 'LUG', 'AGO', 'SET', 'OTT', 'NOV', 'DIC'];
const LONG = ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'];

const WEEKDAYS = ['domenica', 'lunedì', 'martedì', 'mercoledì', 'giovedì', 'venerdì', 'sabato'];
// Dates written in the text: "venerdì 27 novembre", "dal 24 novembre al 5 dicembre", "scuole chiuse martedì".
// A weekday on its own names a day near the writing day and moves with it; "il sabato" (every Saturday) stays.
const IN_TEXT = new RegExp(`(?<![\\p{L}\\d])(?:(il |la )?(${WEEKDAYS.join('|')})(?: (\\d{1,2}) (${LONG.join('|')}))?|(\\d{1,2}) (${LONG.join('|')}))(?![\\p{L}\\d])`, 'gu');

/** The year of a day and month written without one: the one within six months of the writing day. */
const yearOf = (month, day) => (Date.UTC(2026, month, day) < WRITTEN_ON - 182 * DAY ? 2027 : 2026);

function shiftTextDates(text, days, move) {
	return text.replace(IN_TEXT, (all, article, weekday, day, month, bareDay, bareMonth) => {
		if (weekday && !day) return article ? all : WEEKDAYS[(WEEKDAYS.indexOf(weekday) + (days % 7) + 7) % 7];
		const m = LONG.indexOf(month ?? bareMonth);
		const d = Number(day ?? bareDay);
		const at = move(yearOf(m, d), m, d);
		const date = `${at.getUTCDate()} ${LONG[at.getUTCMonth()]}`;
		return weekday ? `${article ?? ''}${WEEKDAYS[at.getUTCDay()]} ${date}` : date;
	});
}

function shiftDates(text, days) {
	const move = (y, m, d) => new Date(Date.UTC(y, m, d) + days * DAY);
	return (
		shiftTextDates(text, days, move)
			// News cards: <span class="data">20 NOV 2026</span>
			.replace(/\b(\d{1,2}) (GEN|FEB|MAR|APR|MAG|GIU|LUG|AGO|SET|OTT|NOV|DIC) (\d{4})\b/g, (_, d, m, y) => {
				const at = move(Number(y), SHORT.indexOf(m), Number(d));
				return `${at.getUTCDate()} ${SHORT[at.getUTCMonth()]} ${at.getUTCFullYear()}`;
			})
			// Event calendars (no year: the one within six months of the writing day).
			.replace(/(<span class="card-date">)(\d{1,2})(<\/span><span class="card-day">)([a-z]+)(<\/span>)/g, (all, a, d, b, m, c) => {
				const month = LONG.indexOf(m);
				if (month < 0) return all;
				const at = move(yearOf(month, Number(d)), month, Number(d));
				return `${a}${at.getUTCDate()}${b}${LONG[at.getUTCMonth()]}${c}`;
			})
			// RSS: <pubDate>Fri, 20 Nov 2026 09:15:00 +0100</pubDate>
			.replace(/<pubDate>([^<]+)<\/pubDate>/g, (_, date) => `<pubDate>${new Date(Date.parse(date) + days * DAY).toUTCString()}</pubDate>`)
	);
}

function daysSinceWritten(now = new Date()) {
	return Math.floor((Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) - WRITTEN_ON) / DAY);
}

/** Starts the server; resolves to { url, close() } once it listens. Port 0 picks a free one. */
export async function startDemoSite({ port = 0, host = '127.0.0.1', dir = SITE_DIR, live = false } = {}) {
	const server = createServer(async (request, response) => {
		const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
		// Normalising the absolute path drops every "..": the file is always inside dir.
		const file = join(dir, normalize(path === '/' ? '/index.html' : path));
		try {
			let body = await readFile(file);
			if (live && /\.(html|xml)$/.test(file)) body = Buffer.from(shiftDates(body.toString('utf8'), daysSinceWritten()));
			response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.length });
			response.end(request.method === 'HEAD' ? undefined : body);
		} catch {
			send(response, 404, 'Not found');
		}
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, resolve);
	});
	const address = server.address();
	return {
		url: `http://${host}:${address.port}/`,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

function send(response, status, text) {
	response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
	response.end(text);
}

// `node scripts/demo-site.mjs [port] [--live]`: serve the site until Ctrl-C.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const site = await startDemoSite({ port: Number(process.argv[2] ?? process.env.BANDITORE_SITE_PORT ?? 8790), live: process.argv.includes('--live') });
	console.log(`Demo comune site: ${site.url}`);
}
