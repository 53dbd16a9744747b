// Debian's Chromium for the browser tests, driven by playwright-core: one place that finds it, says
// why a suite skips without it (and fails instead when CI is set), and opens a page as the office sees it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing and CI is set: install Debian's "chromium" package.`);

/** Screenshots: docs/screenshots/ with BANDITORE_UPDATE_SCREENSHOTS=1 (for the README), else test-output/. */
export const SHOTS = join(__dirname, '..', '..', process.env.BANDITORE_UPDATE_SCREENSHOTS === '1' ? 'docs' : 'test-output', 'screenshots');

/** `describe`, or `describe.skip` with the reason printed when Chromium is not installed. */
export function browserSuite(what: string): jest.Describe {
	if (available) return describe;
	console.warn(`skipping the ${what} browser test: ${CHROMIUM} is missing (install Debian's "chromium" package; with CI set this fails)`);
	return describe.skip;
}

export function launchChromium(): Promise<Browser> {
	return chromium.launch({
		executablePath: CHROMIUM,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
}

/** A new, empty profile in Italian and Rome time, on a desktop screen unless `options` say otherwise. */
export async function officePage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
	const context = await browser.newContext({ locale: 'it-IT', timezoneId: 'Europe/Rome', viewport: { width: 1280, height: 900 }, ...options });
	return context.newPage();
}
