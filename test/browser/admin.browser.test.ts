// The admin page in real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// against a real scheduler on 127.0.0.1 with a SQLite file: log in, read the quota, change the weekly
// limit (a bad value first), add an election period, approve a held item, send an emergency with its
// justification and find it in the audit log; then, with a subscribers channel, read the counts and take
// the sign-up link and its QR code. Screenshots go to test-output/screenshots/, or with
// BANDITORE_UPDATE_SCREENSHOTS=1 to docs/screenshots/ for the README (so a test run leaves git clean).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { enqueue } from '../../scheduler/src/queue';
import { ADMIN, startAdmin, startSubscribersAdmin, type AdminHarness } from '../admin/helpers';
import { CITIZENS, national } from '../subscribers/harness';
import { SHOTS, browserSuite, launchChromium, officePage } from './chromium';

const NOW = '2026-06-10T08:00:00Z';
const suite = browserSuite('admin');

const WEEK = 7 * 24 * 3600_000;

suite('admin page in headless Chromium', () => {
	let h: AdminHarness;
	let browser: Browser;
	let page: Page;
	const ctx = () => h.scheduler.ctx;

	/** Messages already out: this week and in the weeks before, so the chart has bars. */
	async function history(): Promise<void> {
		const now = Date.parse(NOW);
		const rows: Array<[number, number, boolean]> = [
			[0, 7, false],
			[1, 9, false],
			[1, 1, true],
			[2, 10, false],
			[3, 6, false],
			[4, 8, false],
			[5, 10, false],
			[5, 2, true],
			[6, 4, false],
			[7, 9, false],
		];
		let n = 0;
		for (const [weeksAgo, count, emergency] of rows) {
			for (let i = 0; i < count; i++) {
				const at = now - weeksAgo * WEEK - 3600_000 * (i + 1);
				await ctx().store.run(
					`INSERT INTO messages (id, channel, dedupe_key, state, text, priority, emergency, earliest_at, created_at, updated_at, reasons, attempts, counted, claimed_at, sent_at)
					VALUES (?, 'meda', ?, 'sent', ?, 50, ?, ?, ?, ?, '[]', 1, ?, ?, ?)`,
					[`old-${n}`, `old-${n}`, `Avviso ${n}`, emergency ? 1 : 0, at, at, at, emergency ? 0 : 1, at, at],
				);
				n++;
			}
		}
	}

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		h = await startAdmin('sqlite', NOW);
		await history();
		browser = await launchChromium();
		page = await officePage(browser);
	}, 60_000);

	afterAll(async () => {
		await browser?.close();
		await h?.close();
	});

	const shot = (name: string, fullPage = true, on = page) => on.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
	const url = (path: string) => `${h.scheduler.url}${path}`;

	test('the office logs in, reads the quota, changes the rules, approves, sends an emergency and finds it in the log', async () => {
		// Log in.
		await page.goto(url('/admin'));
		expect(new URL(page.url()).pathname).toBe('/admin/login');
		await page.getByLabel('Nome utente').fill(ADMIN.user);
		await page.getByLabel('Password').fill(ADMIN.password);
		await page.getByRole('button', { name: 'Accedi' }).click();
		await page.waitForURL(url('/admin'));

		// This week at a glance.
		await expect(page.locator('#quota-used').textContent()).resolves.toBe('7 / 10');
		await expect(page.locator('#next-reset').textContent()).resolves.toBe('15/06/2026 00:00');
		expect(await page.locator('svg[role="img"] rect.bar-counted').count()).toBe(8);
		// The stylesheet of Bootstrap Italia is served and applied (the brand font).
		expect(await page.evaluate<string>('getComputedStyle(document.body).fontFamily')).toContain('Titillium Web');
		await shot('dashboard');

		// The weekly limit: a bad value is explained and focused, then a good one is saved.
		await page.getByRole('link', { name: 'Regole' }).click();
		await page.getByLabel('Messaggi a settimana').fill('-1');
		await page.locator('form:has(#perWeek)').getByRole('button', { name: 'Salva' }).click();
		const summary = page.locator('#errors');
		await expect(summary.textContent()).resolves.toContain('Messaggi a settimana: Il numero deve essere almeno 0.');
		expect(await page.evaluate<string>('document.activeElement && document.activeElement.id')).toBe('errors');
		expect(await page.getByLabel('Messaggi a settimana').getAttribute('aria-invalid')).toBe('true');
		expect(ctx().channels.get('meda')?.rules.quota.perWeek).toBe(10);
		// The top of a long page: the error summary and the field.
		await shot('rules-error', false);
		await page.getByLabel('Messaggi a settimana').fill('7');
		await page.locator('form:has(#perWeek)').getByRole('button', { name: 'Salva' }).click();
		await expect(page.getByRole('status').textContent()).resolves.toContain('Modifiche salvate.');
		expect(ctx().channels.get('meda')?.rules.quota.perWeek).toBe(7);

		// The rules page is in sections: saving the limit left the others as they were.
		await page.getByRole('navigation', { name: 'Sezioni delle regole' }).getByRole('link', { name: 'Testo dei messaggi' }).click();
		const bubbleText = page.locator('#template-preview .wa-bubble');
		await expect(bubbleText.textContent()).resolves.toContain('Canale informativo del Comune di Meda');
		// The preview follows the template as it is typed, with the Italian placeholders.
		await page.getByLabel('Modello del messaggio').fill('{emoji} *{titolo}* ({categoria})\n\n{link}');
		await expect(bubbleText.locator('strong').textContent()).resolves.toBe('Lavori in via Roma: strada chiusa giovedì');
		await expect(bubbleText.textContent()).resolves.not.toContain('Giovedì dalle 8');
		await shot('rules-message');

		// An election period from yesterday to next week.
		await page.getByRole('navigation', { name: 'Sezioni delle regole' }).getByRole('link', { name: 'Periodi elettorali' }).click();
		await page.locator('#period-name').fill('Comunali 2026');
		await page.locator('#period-start').fill('2026-06-09');
		await page.locator('#period-end').fill('2026-06-20 15:00');
		await page.getByRole('button', { name: 'Aggiungi il periodo' }).click();
		await expect(page.locator('#periods').textContent()).resolves.toContain('Comunali 2026');
		expect(ctx().channels.get('meda')?.rules.election.periods.filter((p) => p.origin === 'local').map((p) => p.name)).toEqual(['Comunali 2026']);
		await page.getByRole('navigation', { name: 'Sezioni delle regole' }).getByRole('link', { name: 'File delle regole (YAML)' }).click();
		await page.locator('#versions').scrollIntoViewIfNeeded();
		await expect(page.locator('#versions tbody tr').first().textContent()).resolves.toContain('admin:ufficio');

		// A news item in the election period waits for approval; its title is feed text, escaped.
		const { message } = await enqueue(
			ctx(),
			'meda',
			{
				item: {
					id: 'https://www.comune.meda.mb.it/notizie/biblioteca',
					title: 'Biblioteca: nuovi arrivi <script>alert(1)</script>',
					summary: 'Da lunedì in biblioteca civica i libri del nuovo anno.',
					link: 'https://www.comune.meda.mb.it/notizie/biblioteca',
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
		await page.getByRole('link', { name: 'Coda' }).click();
		const card = page.locator(`#m-${message.id}`);
		await expect(card.locator('.wa-bubble').textContent()).resolves.toContain('Biblioteca: nuovi arrivi <script>alert(1)</script>');
		// Why it waits, in plain sight above the preview.
		await expect(card.getByRole('note', { name: 'Perché aspetta' }).textContent()).resolves.toContain('Periodo elettorale «Comunali 2026»');
		await shot('queue');
		await card.getByRole('button', { name: 'Approva' }).click();
		await expect(page.getByRole('status').textContent()).resolves.toBe('Messaggio approvato.');
		expect((await ctx().store.get<{ state: string }>('SELECT state FROM messages WHERE id = ?', [message.id]))?.state).toBe('queued');

		// An emergency beyond the weekly limit: the confirmation says so; the justification is required.
		await page.getByRole('link', { name: 'Emergenza' }).click();
		await page.getByLabel('Testo del messaggio').fill('*Fuga di gas* in via Roma: evitare la zona fino a nuovo avviso.');
		await page.getByRole('button', { name: 'Controlla e conferma' }).click();
		await expect(page.locator('#errors').textContent()).resolves.toContain('Scrivi la motivazione');
		await page.getByLabel('Motivazione (obbligatoria)').fill('Segnalazione dei Vigili del Fuoco: rischio per la salute');
		await page.getByRole('button', { name: 'Controlla e conferma' }).click();
		await expect(page.locator('#quota-warning').textContent()).resolves.toBe('Questo messaggio supererà il limite settimanale: 7/7 già inviati.');
		await shot('emergency-confirm');
		await page.getByRole('button', { name: 'Invia il messaggio di emergenza' }).click();
		await expect(page.getByRole('status').textContent()).resolves.toContain('Messaggio di emergenza in coda');

		// The audit log, filtered by author and by type from lists of names.
		await page.getByRole('link', { name: 'Registro' }).click();
		await page.getByLabel('Autore').selectOption({ label: 'ufficio' });
		await page.getByLabel('Tipo').selectOption({ label: 'Accodato' });
		await page.getByRole('button', { name: 'Filtra' }).click();
		const rows = page.locator('#audit tbody tr');
		expect(await rows.count()).toBe(1);
		await expect(rows.first().textContent()).resolves.toContain('Emergenza accodata: «Fuga di gas in via Roma: evitare la zona fino a nuovo avviso.»');
		await page.getByLabel('Tipo').selectOption({ label: 'Tutti i tipi' });
		await page.getByLabel('Autore').selectOption({ label: 'Tutti' });
		await page.getByRole('button', { name: 'Filtra' }).click();
		await shot('audit');
		const types = await page.locator('#audit tbody tr td:nth-child(3)').allTextContents();
		expect(types).toEqual(expect.arrayContaining(['Accodato', 'Approvato', 'Regole modificate', 'Accesso']));
		// What the office reads holds no internal event code.
		const seen = await page.evaluate<string>('document.body.innerText');
		const codes = (await ctx().store.all<{ type: string }>('SELECT DISTINCT type FROM audit')).map((r) => r.type);
		expect(codes).toEqual(expect.arrayContaining(['message.enqueued', 'message.approved', 'rules.changed', 'admin.login']));
		for (const code of codes) expect(seen).not.toContain(code);
	}, 120_000);

	test('the office reads the subscribers per channel, copies the sign-up link and downloads its QR code', async () => {
		const s = await startSubscribersAdmin('sqlite', '2026-03-02T09:00:00Z');
		const context = await browser.newContext({ locale: 'it-IT', timezoneId: 'Europe/Rome', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
		try {
			const [anna, bruno, carla] = CITIZENS;
			for (const [who, text] of [[anna, 'ISCRIVIMI'], [anna, 'SI'], [bruno, 'ISCRIVIMI'], [bruno, 'OK'], [carla, 'ISCRIVIMI']]) expect(await s.inbound(who, text)).toBe(200);
			const base = s.scheduler.url;
			await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
			const p = await context.newPage();
			await p.goto(`${base}/admin/subscribers`);
			await p.getByLabel('Nome utente').fill(ADMIN.user);
			await p.getByLabel('Password').fill(ADMIN.password);
			await p.getByRole('button', { name: 'Accedi' }).click();
			await p.waitForURL(`${base}/admin/subscribers`);

			await expect(p.locator('#confirmed-magenta').textContent()).resolves.toBe('2');
			await expect(p.locator('#pending-magenta').textContent()).resolves.toBe('1');
			await expect(p.locator('#channel-meda').textContent()).resolves.toContain('chi lo segue resta anonimo');
			expect(await p.getByRole('img', { name: 'Codice QR del link di iscrizione a Comune di Magenta' }).isVisible()).toBe(true);
			const link = 'https://wa.me/390297351?text=ISCRIVIMI';
			expect(await p.getByRole('textbox', { name: 'Link di iscrizione' }).inputValue()).toBe(link);
			await shot('subscribers', true, p);

			// The copy button appears with a clipboard, and copies the link.
			await p.getByRole('button', { name: 'Copia il link' }).click();
			// The clipboard answers asynchronously: wait for the announcement.
			await p.locator('#link-magenta-status', { hasText: 'Link copiato.' }).waitFor();
			expect(await p.evaluate<string>('navigator.clipboard.readText()')).toBe(link);

			const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('link', { name: 'Scarica il codice QR in PNG (per il sito)' }).click()]);
			expect(download.suggestedFilename()).toBe('magenta-iscrizione.png');
			const bytes = readFileSync(await download.path());
			expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');

			const text = await p.content();
			for (const n of CITIZENS) for (const form of [n, national(n)]) expect(text).not.toContain(form);
		} finally {
			await context.close();
			await s.close();
		}
	}, 60_000);
});
