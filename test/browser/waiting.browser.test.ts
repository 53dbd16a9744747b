// The queue after an emergency, in real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) against a real scheduler on 127.0.0.1 with a SQLite file and Meda's 60 minutes of
// spacing: the office reads when the next item goes out and why, on the queue and on the dashboard.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { t } from '../../core/messages';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import { enqueue } from '../../scheduler/src/queue';
import { freshDatabase, outboxIds, rulesFile, tempDir, testClock, testConfig, type TestDatabase } from '../scheduler/helpers';
import { ADMIN } from '../admin/helpers';
import { browserSuite, launchChromium, officePage } from './chromium';

/** For a person to look at; docs/screenshots/ belongs to the main browser test. */
const SHOTS = join(__dirname, '..', '..', 'test-output', 'screenshots');
/** Wednesday 10 June 2026, 10:00 in Meda. */
const NOW = '2026-06-10T08:00:00Z';
const suite = browserSuite('waiting');

suite('why a message waits, in headless Chromium', () => {
	let scheduler: Scheduler;
	let db: TestDatabase;
	let browser: Browser;
	let page: Page;
	let outbox: string;
	const clock = testClock(NOW);

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		const dir = tempDir();
		db = await freshDatabase('sqlite', dir);
		outbox = join(dir, 'outbox.jsonl');
		const rules = rulesFile(dir, { minSpacingMinutes: 60 });
		const config = testConfig(db.database, { id: 'meda', name: 'Comune di Meda', rules, delivery: { kind: 'outbox', file: outbox } }, { admin: { user: ADMIN.user, password: ADMIN.password, sessionHours: 8 } });
		scheduler = await startScheduler(config, { clock: clock.now, dispatch: false });
		browser = await launchChromium();
		page = await officePage(browser);
	}, 60_000);

	afterAll(async () => {
		await browser?.close();
		await scheduler?.close();
		await db?.drop();
	});

	const url = (path: string) => `${scheduler.url}${path}`;

	test('after an emergency, the queue says the next item goes out an hour later, and why', async () => {
		const ctx = scheduler.ctx;
		const alert = await enqueue(ctx, 'meda', { dedupeKey: 'allerta', text: 'Allagamento in via Roma: evitare la zona', category: 'emergenza', emergency: true, justification: 'Allagamento in corso' }, 'test');
		await scheduler.dispatcher.tick();
		expect(outboxIds(outbox)).toEqual([alert.message.id]);
		const { message } = await enqueue(ctx, 'meda', { dedupeKey: 'lavori', text: 'Chiusura di via Cavour per lavori', category: 'avviso' }, 'test');
		expect(message.state).toBe('queued');

		await page.goto(url('/admin'));
		await page.getByLabel('Nome utente').fill(ADMIN.user);
		await page.getByLabel('Password').fill(ADMIN.password);
		await page.getByRole('button', { name: 'Accedi' }).click();
		await page.waitForURL(url('/admin'));
		await page.getByRole('link', { name: 'Coda', exact: true }).click();

		const spacing = t('admin.waiting.spacing', { minutes: 60 });
		const line = page.locator(`#m-${message.id} .waiting-line`);
		await expect(line.textContent()).resolves.toBe(t('admin.waiting.line', { date: '10/06/2026 11:00', reason: spacing }));
		expect(await line.isVisible()).toBe(true);
		await page.screenshot({ path: join(SHOTS, 'queue-waiting.png'), fullPage: true });

		await page.goto(url('/admin?channel=meda'));
		await expect(page.locator('#next-out').textContent()).resolves.toBe('10/06/2026 11:00');
		await expect(page.locator('#next-out-reason').textContent()).resolves.toBe(t('admin.dashboard.nextOutQueued', { reason: spacing }));
		await page.screenshot({ path: join(SHOTS, 'dashboard-waiting.png'), fullPage: true });

		// What the page said is what the dispatcher does.
		clock.set('2026-06-10T08:59:00Z');
		await scheduler.dispatcher.tick();
		expect(outboxIds(outbox)).not.toContain(message.id);
		clock.set('2026-06-10T09:00:00Z');
		await scheduler.dispatcher.tick();
		expect(outboxIds(outbox)).toContain(message.id);
	}, 120_000);
});
