// Every admin page in real headless Chromium, with two channels (one with subscribers): nothing in the
// browser console is an error, no request fails, no script throws. A blocked font or a 401 for
// /favicon.ico would show here.
import type { Browser, Page } from 'playwright-core';
import { NAV } from '../../scheduler/src/admin/nav';
import { GROUPS } from '../../scheduler/src/admin/pages/rules';
import { saveUser } from '../../scheduler/src/admin/users';
import { enqueue } from '../../scheduler/src/queue';
import { ADMIN, startSubscribersAdmin, type SubscribersAdminHarness } from '../admin/helpers';
import { browserSuite, launchChromium, officePage } from './chromium';

const suite = browserSuite('console');

suite('no console error on any admin page', () => {
	let h: SubscribersAdminHarness;
	let browser: Browser;
	let page: Page;
	const problems: string[] = [];

	beforeAll(async () => {
		h = await startSubscribersAdmin('sqlite', '2026-06-10T08:00:00Z');
		await enqueue(h.scheduler.ctx, 'meda', { dedupeKey: 'gas', text: '*Fuga di gas* in via Roma: evitare la zona.', emergency: true, justification: 'Vigili del Fuoco' }, 'admin:ufficio');
		await saveUser(h.scheduler.ctx.store, 'giulia', 'editor', 'una-password-sicura', 'test', Date.parse('2026-06-10T08:00:00Z'));
		browser = await launchChromium();
		page = await officePage(browser);
		page.on('console', (message) => {
			if (message.type() === 'error' || message.type() === 'warning') problems.push(`${page.url()}: console ${message.type()}: ${message.text()}`);
		});
		page.on('pageerror', (error) => problems.push(`${page.url()}: script error: ${error.message}`));
		page.on('requestfailed', (request) => problems.push(`${page.url()}: request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
		page.on('response', (response) => {
			if (response.status() >= 400) problems.push(`${page.url()}: ${response.status()} for ${response.url()}`);
		});
	}, 60_000);

	afterAll(async () => {
		await browser?.close();
		await h?.close();
	});

	test('the login page, every page of the menu and the pages behind their links', async () => {
		const url = (path: string) => `${h.scheduler.url}${path}`;
		await page.goto(url('/admin/login'));
		await page.getByLabel('Nome utente').fill(ADMIN.user);
		await page.getByLabel('Password').fill(ADMIN.password);
		await page.getByRole('button', { name: 'Accedi' }).click();
		await page.waitForURL(url('/admin'));
		// Everything the dashboard asks for (its favicon too) is loaded before the next page: a request cut by leaving is not a fault.
		await page.waitForLoadState('networkidle');

		const id = (await h.scheduler.ctx.store.get<{ id: string }>("SELECT id FROM messages WHERE dedupe_key = 'gas'"))?.id as string;
		const paths = [
			...NAV.map((entry) => entry.path),
			'/admin/queue?channel=magenta',
			'/admin/rules?channel=magenta',
			...GROUPS.map((group) => `/admin/rules?channel=meda&section=${group}`),
			`/admin/audit?message=${id}`,
			'/admin/rules/category-remove?channel=meda&id=evento',
			'/admin/users/delete?username=giulia',
		];
		for (const path of paths) {
			await page.goto(url(path), { waitUntil: 'networkidle' });
			expect(new URL(page.url()).pathname).toBe(new URL(url(path)).pathname);
		}
		// A form with its confirmation step.
		await page.goto(url('/admin/emergency'), { waitUntil: 'networkidle' });
		await page.getByLabel('Testo del messaggio').fill('Prova');
		await page.getByLabel('Motivazione (obbligatoria)').fill('Prova');
		await page.getByRole('button', { name: 'Controlla e conferma' }).click();
		await page.waitForLoadState('networkidle');
		expect(problems).toEqual([]);
	}, 120_000);
});
