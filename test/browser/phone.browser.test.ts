// Approving from a phone: the admin page in real headless Chromium at 375 px wide (an iPhone SE),
// against a real scheduler on 127.0.0.1 with a SQLite file. No page scrolls sideways; the approve
// button of a held item is on screen and works. Screenshots go to test-output/screenshots/.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { parse, stringify } from 'yaml';
import { enqueue } from '../../scheduler/src/queue';
import { ADMIN, startAdmin, type AdminHarness } from '../admin/helpers';
import { SHOTS, browserSuite, launchChromium, officePage } from './chromium';

const NOW = '2026-06-10T08:00:00Z';
const suite = browserSuite('phone');

const WIDTH = 375;

suite('admin page on a phone (375 px) in headless Chromium', () => {
	let h: AdminHarness;
	let browser: Browser;
	let page: Page;
	const url = (path: string) => `${h.scheduler.url}${path}`;

	/**
	 * What sticks out of the screen's width: the page's own sideways scroll, and every element whose
	 * right edge is past the screen (outside boxes that scroll by themselves, like a wide table's).
	 * Empty when everything fits.
	 */
	const sideways = () =>
		page.evaluate<string[]>(`(() => {
			const width = document.documentElement.clientWidth;
			const out = [];
			const extra = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - width;
			if (extra > 0) out.push('page scrolls ' + extra + ' px sideways');
			const scrolls = (el) => { for (let p = el.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
			for (const el of document.querySelectorAll('body *')) {
				const r = el.getBoundingClientRect();
				if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
				if ((r.right > width + 1 || r.left < -1) && !scrolls(el)) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + String(el.className).split(' ').join('.') + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
			}
			return out.slice(0, 10);
		})()`);

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		h = await startAdmin('sqlite', NOW);
		// News waits for the office's approval (the category asks for it).
		const data = parse(readFileSync(h.rules, 'utf8'));
		for (const c of data.categories) if (c.id === 'notizia') c.approval = true;
		writeFileSync(h.rules, stringify(data));
		await h.restart();
		browser = await launchChromium();
		page = await officePage(browser, { viewport: { width: WIDTH, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
	}, 60_000);

	afterAll(async () => {
		await browser?.close();
		await h?.close();
	});

	test('the office logs in on a phone and approves a held item from the queue; nothing scrolls sideways', async () => {
		const { message } = await enqueue(
			h.scheduler.ctx,
			'meda',
			{
				item: {
					id: 'https://www.comune.meda.mb.it/notizie/biblioteca-civica-nuovi-arrivi-della-stagione-estiva',
					title: 'Biblioteca civica: nuovi arrivi della stagione estiva per ragazze, ragazzi e adulti',
					summary: 'Da lunedì in biblioteca civica i libri del nuovo anno: https://www.comune.meda.mb.it/notizie/biblioteca-civica-nuovi-arrivi-della-stagione-estiva',
					link: 'https://www.comune.meda.mb.it/notizie/biblioteca-civica-nuovi-arrivi-della-stagione-estiva',
					publishedAt: '2026-06-10T07:30:00.000Z',
					updatedAt: null,
					categories: ['Notizie'],
					image: null,
					source: { name: 'Comune di Meda', url: 'https://www.comune.meda.mb.it/feed/', kind: 'rss' },
				},
			},
			'n8n',
		);
		expect(message.state).toBe('held');

		await page.goto(url('/admin/queue'));
		expect(new URL(page.url()).pathname).toBe('/admin/login');
		expect(await sideways()).toEqual([]);
		await page.getByLabel('Nome utente').fill(ADMIN.user);
		await page.getByLabel('Password').fill(ADMIN.password);
		await page.getByRole('button', { name: 'Accedi' }).click();
		await page.waitForURL(url('/admin/queue'));
		expect(await sideways()).toEqual([]);
		await page.screenshot({ path: join(SHOTS, 'phone-queue.png'), fullPage: true });
		// The header keeps its brand and the logout button on screen.
		const brand = await page.locator('.it-brand-title').boundingBox();
		expect(brand!.y).toBeGreaterThanOrEqual(0);
		await expect(page.getByRole('button', { name: 'Esci' }).isVisible()).resolves.toBe(true);
		// The check itself sees a box wider than the screen.
		// (Set from script: the page's Content-Security-Policy refuses inline style attributes.)
		await page.evaluate(`(() => { const d = document.createElement('div'); d.id = 'too-wide'; d.style.width = '500px'; d.style.height = '10px'; document.getElementById('main').append(d); })()`);
		expect((await sideways()).some((line) => line.startsWith('div#too-wide'))).toBe(true);
		await page.evaluate(`document.getElementById('too-wide').remove()`);
		expect(await sideways()).toEqual([]);

		// The approve button: inside the screen's width once scrolled to, and it works.
		const card = page.locator(`#m-${message.id}`);
		const approve = card.getByRole('button', { name: 'Approva' });
		await approve.scrollIntoViewIfNeeded();
		const box = await approve.boundingBox();
		expect(box).not.toBeNull();
		expect(box!.x).toBeGreaterThanOrEqual(0);
		expect(box!.x + box!.width).toBeLessThanOrEqual(WIDTH);
		// A finger's size (WCAG 2.5.8: at least 24 × 24 CSS px).
		expect(box!.height).toBeGreaterThanOrEqual(24);
		await card.getByLabel('Nota (facoltativa)').fill('Va bene');
		await approve.tap();
		await page.waitForURL(/done=approved/);
		await expect(page.getByRole('status').textContent()).resolves.toContain('approvato');
		const row = await h.scheduler.ctx.store.get<{ state: string }>('SELECT state FROM messages WHERE id = ?', [message.id]);
		expect(row?.state).toBe('queued');
		expect(await sideways()).toEqual([]);

		// The other pages fit too.
		for (const path of ['/admin', '/admin/emergency', '/admin/rules', '/admin/audit', '/admin/users', '/admin/notifications', '/admin/subscribers']) {
			await page.goto(url(path));
			expect([path, await sideways()]).toEqual([path, []]);
		}
	});
});
