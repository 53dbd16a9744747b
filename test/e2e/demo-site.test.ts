// The demo comune's static server (scripts/demo-site.mjs), as `npm start` and the n8n test use it.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SITE = join(ROOT, 'demo', 'sito');
const SHORT = ['GEN', 'FEB', 'MAR', 'APR', 'MAG', 'GIU', 'LUG', 'AGO', 'SET', 'OTT', 'NOV', 'DIC'];

async function serve(...args: string[]): Promise<{ url: string; child: ChildProcess }> {
	const child = spawn(process.execPath, [join(ROOT, 'scripts', 'demo-site.mjs'), '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
	const url = await new Promise<string>((resolve, reject) => {
		let out = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			const match = /Demo comune site: (\S+)/.exec(out);
			if (match) resolve(match[1]);
		});
		child.once('exit', (code) => reject(new Error(`demo-site.mjs exited with ${code}`)));
	});
	return { url, child };
}

const servers: ChildProcess[] = [];
afterAll(() => servers.forEach((child) => child.kill()));

test('serves the site as written, with content types, and nothing outside it', async () => {
	const { url, child } = await serve();
	servers.push(child);
	const page = await fetch(`${url}novita.html`);
	expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
	expect(await page.text()).toBe(readFileSync(join(SITE, 'novita.html'), 'utf8'));
	const home = await fetch(url);
	expect(await home.text()).toBe(readFileSync(join(SITE, 'index.html'), 'utf8'));
	const feed = await fetch(`${url}avvisi.xml`);
	expect(feed.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
	expect((await fetch(`${url}nope.html`)).status).toBe(404);
	// The repository's package.json is one level up: out of reach.
	expect((await fetch(`${url}..%2Fpackage.json`)).status).toBe(404);
	expect((await fetch(`${url}..%2F..%2Fpackage.json`)).status).toBe(404);
});

test('--live moves every date so that the day the site was written (20 November 2026) is today', async () => {
	const { url, child } = await serve('--live');
	servers.push(child);
	const now = new Date();
	const today = `${now.getDate()} ${SHORT[now.getMonth()]} ${now.getFullYear()}`;
	const page = await (await fetch(`${url}novita.html`)).text();
	// The newest news card (the weather alert) carries today's date; the order of the cards is kept.
	expect(/class="data">([^<]+)</.exec(page)?.[1]).toBe(today);
	const feed = await (await fetch(`${url}avvisi.xml`)).text();
	const dates = [...feed.matchAll(/<pubDate>([^<]+)<\/pubDate>/g)].map((match) => Date.parse(match[1]));
	// Written 09:15 +0100 on the 20th: now the same hour on today's date.
	const first = new Date(dates[0]);
	expect([first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate(), first.getUTCHours(), first.getUTCMinutes()]).toEqual([
		now.getFullYear(),
		now.getMonth(),
		now.getDate(),
		8,
		15,
	]);
});

test('--live moves the dates written in the news too, weekdays included; a recurring weekday stays', async () => {
	const { url, child } = await serve('--live');
	servers.push(child);
	const WEEKDAYS = ['domenica', 'lunedì', 'martedì', 'mercoledì', 'giovedì', 'venerdì', 'sabato'];
	const MONTHS = ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'];
	const now = new Date();
	/** The day `days` after today, as the text writes it: "venerdì 27 novembre". */
	const after = (days: number, weekday = true) => {
		const at = new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate() + days));
		return `${weekday ? `${WEEKDAYS[at.getUTCDay()]} ` : ''}${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]}`;
	};
	// Written on Friday 20 November: the strike on Friday 27 is a week later, the closure on Monday 7 December 17 days later.
	const notices = await (await fetch(`${url}avvisi.xml`)).text();
	expect(notices).toContain(`Sciopero del trasporto pubblico locale ${after(7)}</title>`);
	expect(notices).toContain(`Uffici comunali chiusi ${after(17)}</title>`);
	const news = await (await fetch(`${url}novita.html`)).text();
	expect(news).toContain(`Dal ${after(4, false)} al ${after(15, false)}, dalle 8 alle 18`);
	// "scuole chiuse martedì": Tuesday 24 November, four days after the writing day.
	expect(news).toContain(`scuole chiuse ${WEEKDAYS[new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate() + 4)).getUTCDay()]}</h3>`);
	expect(news).toContain('aperta anche il sabato pomeriggio');
	// The links stay as the site wrote them: the same news keeps its id.
	expect(notices).toContain('/avvisi/sciopero-trasporti-27-novembre</link>');
});
