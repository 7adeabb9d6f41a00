/**
 * The wallboard on a TV: while a campaign runs on the simulated floor, a supervisor creates a
 * kiosk link; a browser without any session opens it at 1920×1080, sees the tiles fill and
 * change without a reload, never a customer's number, and passes an axe-core scan in Vietnamese
 * and English; at 1280×720 everything still fits the screen. The supervisor revokes the link
 * and the TV shows the "revoked" page within a few seconds; an unknown link gets its own page.
 * With UPDATE_SCREENSHOTS=1 the 1920×1080 picture goes to docs/screenshots/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKioskToken } from '../../src/auth/kiosk-links.ts';
import { AXE_CONTEXT, seriousA11yViolations } from './support/axe.ts';
import { chromiumAvailable, ensureWebBuild, launchChromium } from './support/browser.ts';
import { startFakeCrm, type FakeCrm } from './support/fake-crm.ts';
import { markPage, screenshot, signedInPage, stillSamePage } from './support/pages.ts';
import { eventually, startUiService, type UiService } from './support/ui-service.ts';

const CAMPAIGN = 7301;
const numbers = Array.from({ length: 400 }, (_, i) => `0913${String(100000 + i * 7).slice(-6)}`);

/** What the TV shows: the tiles' values and each agent's state, as one comparable string. */
const shown = (page: Page) =>
  page.evaluate(() =>
    JSON.stringify({
      tiles: Array.from(document.querySelectorAll('[data-testid$="-value"]')).map((e) => e.textContent),
      agents: Array.from(document.querySelectorAll('[data-testid=wb-agent]')).map((e) => `${e.getAttribute('data-agent')}=${e.getAttribute('data-state')}`),
    }),
  );

describe.runIf(chromiumAvailable())('wallboard on a TV through a kiosk link', () => {
  let crm: FakeCrm;
  let ccs: UiService;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuild();
    crm = await startFakeCrm();
    ccs = await startUiService({
      crmUrl: crm.url,
      env: {
        CCS_SIM_AGENTS: '8',
        CCS_SIM_ANSWER_RATE: '0.7',
        CCS_SIM_BUSY_RATE: '0.2',
        CCS_SIM_RING_SECONDS: '0.5-3',
        CCS_SIM_TALK_SECONDS: '2-6',
        CCS_SIM_WRAPUP_SECONDS: '1',
        CCS_RETRY_DELAY_SECONDS: '600',
      },
    });
    browser = await launchChromium();
    await ccs.sendCampaign(
      CAMPAIGN,
      numbers.map((phonenumber, i) => ({ id: i + 1, phonenumber })),
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ccs?.close();
    await crm?.close();
  });

  it('opens without signing in, updates live, shows no customer number, fits 1920×1080 and 1280×720, and shows "revoked" soon after the supervisor revokes the link', async () => {
    const supervisor = await signedInPage(browser, ccs.url, 'supervisor', 'supervisor');
    await supervisor.click('[data-testid=open-wallboard-links]');
    await supervisor.fill('[data-testid=kiosk-name]', 'TV tầng 2');
    await supervisor.click('[data-testid=kiosk-create]');
    const url = (await (await supervisor.waitForSelector('[data-testid=kiosk-url]')).textContent())!;
    expect(url).toMatch(/\/wallboard\?k=[A-Za-z0-9_-]{43}$/);

    const tvContext = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'vi-VN', ...AXE_CONTEXT });
    const tv = await tvContext.newPage();
    await tv.goto(url);
    await tv.waitForSelector('[data-testid=wallboard][data-status=live]', { timeout: 15_000 });
    expect(tv.url()).toBe(url);
    expect(await tv.textContent('h1')).toBe('Bảng tổng quan sàn gọi');
    await markPage(tv);

    // The floor works: agents talk, and what the TV shows changes while it stays the same page.
    await tv.waitForSelector('[data-testid=wb-agents-talking]:not([data-count="0"])', { timeout: 20_000 });
    const seen = new Set<string>([await shown(tv)]);
    await eventually('the wallboard to change', async () => (seen.add(await shown(tv)), seen.size >= 3), 20_000);
    expect(await stillSamePage(tv)).toBe(true);
    expect(Number(await tv.textContent('[data-testid=wb-agents-value]'))).toBe(8);
    expect(await tv.textContent('[data-testid=wb-answer-rate-value]')).toMatch(/^\d+\.\d%$/);
    expect(await tv.textContent('[data-testid=wb-abandon]')).toContain('ngưỡng 3.0%');
    const text = (await tv.textContent('body'))!;
    expect(numbers.filter((n) => text.includes(n) || text.includes(n.slice(1)))).toEqual([]);

    if (process.env.UPDATE_SCREENSHOTS === '1') {
      await eventually('a busy floor', async () => Number(await tv.getAttribute('[data-testid=wb-agents-talking]', 'data-count')) >= 4 && (await tv.textContent('[data-testid=wb-abandon-value]')) !== '–', 30_000);
    }
    await screenshot(tv, 'wallboard-1920x1080', { docs: process.env.UPDATE_SCREENSHOTS === '1' });
    expect(await seriousA11yViolations(tv)).toEqual([]);

    // Readable and whole on a 720p screen too: nothing scrolls, every tile is on screen.
    await tv.setViewportSize({ width: 1280, height: 720 });
    const fit = await tv.evaluate(() => ({
      scroll: document.documentElement.scrollHeight <= window.innerHeight && document.documentElement.scrollWidth <= window.innerWidth,
      tiles: Array.from(document.querySelectorAll('.wb-tile')).every((e) => e.getBoundingClientRect().bottom <= window.innerHeight && e.getBoundingClientRect().right <= window.innerWidth),
      valuePx: parseFloat(getComputedStyle(document.querySelector('.wb-value')!).fontSize),
    }));
    expect(fit).toMatchObject({ scroll: true, tiles: true });
    expect(fit.valuePx).toBeGreaterThanOrEqual(48);
    await screenshot(tv, 'wallboard-1280x720');

    // English, as a TV set up with &lang=en shows it.
    const en = await tvContext.newPage();
    await en.goto(`${url}&lang=en`);
    await en.waitForSelector('[data-testid=wallboard][data-status=live]', { timeout: 15_000 });
    expect(await en.textContent('h1')).toBe('Call floor wallboard');
    expect(await seriousA11yViolations(en)).toEqual([]);
    await en.close();

    // The supervisor revokes the link: the TV says so within a few seconds.
    await supervisor.click('[data-testid=kiosk-revoke]');
    await supervisor.click('[data-testid=kiosk-revoke]');
    await supervisor.waitForSelector('[data-testid=kiosk-link][data-state=revoked]');
    await tv.waitForSelector('[data-testid=wallboard-revoked]', { timeout: 5000 });
    expect(await tv.textContent('[data-testid=wallboard-revoked]')).toContain('đã bị thu hồi');
    expect(await seriousA11yViolations(tv)).toEqual([]);
    // Reopening it shows the same page, not the board.
    await tv.reload();
    await tv.waitForSelector('[data-testid=wallboard-revoked]', { timeout: 10_000 });

    const unknown = await tvContext.newPage();
    await unknown.goto(`${ccs.url}/wallboard?k=${newKioskToken()}`);
    await unknown.waitForSelector('[data-testid=wallboard-unknown]', { timeout: 10_000 });
    expect(unknown.url()).toContain('/wallboard');
    await tvContext.close();
    await supervisor.context().close();
  }, 120_000);
});
