/** Page helpers for the browser tests: contexts at 1366×768, signing in through the form, screenshots. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { REPO_ROOT } from './browser.ts';

export const VIEWPORT = { width: 1366, height: 768 };

export async function signedInPage(browser: Browser, baseUrl: string, username: string, password: string, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, baseURL: baseUrl, locale: 'vi-VN', ...options });
  const page = await context.newPage();
  await page.goto('/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('[data-testid=login-submit]');
  await page.waitForURL((url) => url.pathname !== '/login', { timeout: 10_000 });
  return page;
}

/**
 * Screenshots go to test-results/screenshots/; the busy-floor scenario (UPDATE_SCREENSHOTS=1)
 * writes the ones docs/screenshots/ keeps for the README.
 */
export async function screenshot(page: Page, name: string, options: { docs?: boolean } = {}): Promise<void> {
  const dirs = [join(REPO_ROOT, 'test-results', 'screenshots')];
  if (options.docs) dirs.push(join(REPO_ROOT, 'docs', 'screenshots'));
  for (const dir of dirs) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `${name}.png`) });
  }
}

/** A marker set in the page; still there later means no reload happened in between. */
export async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __ccsMarker: number }).__ccsMarker = 42));
}

export async function stillSamePage(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __ccsMarker?: number }).__ccsMarker === 42);
}
