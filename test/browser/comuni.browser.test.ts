// Several comuni in one installation, in real headless Chromium against a real scheduler on 127.0.0.1
// (issue #17): an editor of Meda sees Meda's channel and nothing of Magenta's, nor the comuni page.
import type { Browser, Page } from 'playwright-core';
import { saveUser } from '../../scheduler/src/admin/users';
import { enqueue } from '../../scheduler/src/queue';
import { ADMIN, startComuni, type AdminHarness } from '../admin/helpers';
import { browserSuite, launchChromium, officePage } from './chromium';

const suite = browserSuite('comuni');
const PASSWORD = 'password-della-redazione';

suite('an editor of one comune, in headless Chromium', () => {
	let h: AdminHarness;
	let browser: Browser;
	let page: Page;

	beforeAll(async () => {
		h = await startComuni('sqlite', '2026-06-10T08:00:00Z');
		await saveUser(h.scheduler.ctx.store, 'giulia', 'editor', PASSWORD, 'test', Date.now(), 'meda');
		await enqueue(h.scheduler.ctx, 'meda', { dedupeKey: 'a', text: 'Chiusura di via Cavour a Meda', category: 'avviso' }, 'test');
		await enqueue(h.scheduler.ctx, 'magenta', { dedupeKey: 'a', text: 'Mercato straordinario a Magenta', category: 'avviso' }, 'test');
		browser = await launchChromium();
		page = await officePage(browser);
	}, 60_000);

	afterAll(async () => {
		await browser?.close();
		await h?.close();
	});

	const url = (path: string) => `${h.scheduler.url}${path}`;
	const login = async (username: string, password: string) => {
		await page.context().clearCookies();
		await page.goto(url('/admin'));
		await page.getByLabel('Nome utente').fill(username);
		await page.getByLabel('Password').fill(password);
		await page.getByRole('button', { name: 'Accedi' }).click();
		await page.waitForURL(url('/admin'));
	};

	test("Meda's editor sees only Meda's channel and queue; the installation administrator sees both comuni", async () => {
		await login('giulia', PASSWORD);
		await expect(page.locator('main h2').first().textContent()).resolves.toBe('Canale di Meda');
		// One channel: no picker at all.
		expect(await page.locator('#channel-pick').count()).toBe(0);
		await page.getByRole('link', { name: 'Coda', exact: true }).click();
		const queue = await page.locator('main').innerText();
		expect(queue).toContain('Chiusura di via Cavour a Meda');
		expect(queue).not.toContain('Magenta');
		expect(await page.getByRole('link', { name: 'Comuni', exact: true }).count()).toBe(0);
		const answer = await page.goto(url('/admin/queue?channel=magenta'));
		expect(answer?.status()).toBe(404);
		expect(await page.locator('main').innerText()).not.toContain('Mercato straordinario');

		await login(ADMIN.user, ADMIN.password);
		const options = await page.locator('#channel-pick option').allTextContents();
		expect(options).toEqual(['Canale di Meda', 'Canale di Magenta']);
		await page.getByRole('link', { name: 'Comuni', exact: true }).click();
		await expect(page.locator('#comuni tbody tr').count()).resolves.toBe(2);
	});
});
