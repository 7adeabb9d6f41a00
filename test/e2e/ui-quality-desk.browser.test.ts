/**
 * The agent desktop as an agent works it: an incoming call chimes and flashes the hidden tab's
 * title, state changes are announced to screen readers, wrap-up counts down, R / P / H press
 * Ready, Pause and Hang up (never while typing), a network failure reads as a sentence, Pause
 * stays inside its card in Vietnamese, the desk fits 390 px, and axe-core finds no serious or
 * critical violation idle, on a call and in wrap-up, in Vietnamese and English.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AXE_CONTEXT, seriousA11yViolations } from './support/axe.ts';
import { chromiumAvailable, ensureWebBuild, launchChromium } from './support/browser.ts';
import { startFakeCrm, type FakeCrm } from './support/fake-crm.ts';
import { screenshot, VIEWPORT } from './support/pages.ts';
import { eventually, startUiService, type UiService } from './support/ui-service.ts';

const CAMPAIGN = 4501;

describe.runIf(chromiumAvailable())('agent desktop: alerts, announcements, countdown, keys, words, layout and accessibility', () => {
  let crm: FakeCrm;
  let ccs: UiService;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuild();
    crm = await startFakeCrm();
    ccs = await startUiService({ crmUrl: crm.url });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await page?.context().close();
    await browser?.close();
    await ccs?.close();
    await crm?.close();
  });

  /** A hidden tab, and WebAudio replaced by a counter of the tones started. */
  const hiddenTabWithTonesCounted = () => {
    const w = window as unknown as { __tones: number };
    w.__tones = 0;
    Object.defineProperty(Document.prototype, 'hidden', { get: () => true, configurable: true });
    Object.defineProperty(Document.prototype, 'visibilityState', { get: () => 'hidden', configurable: true });
    class FakeAudio {
      currentTime = 0;
      destination = {};
      resume() {
        return Promise.resolve();
      }
      createGain() {
        return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (next: unknown) => next };
      }
      createOscillator() {
        return { type: '', frequency: { value: 0 }, connect: (next: unknown) => next, start: () => void w.__tones++, stop() {} };
      }
    }
    (window as unknown as { AudioContext: unknown }).AudioContext = FakeAudio;
  };

  const state = (page: Page) => page.getAttribute('[data-testid=agent-state]', 'data-state');
  const announced = (page: Page) => page.textContent('[data-testid=announcer]');
  const scanBothLanguages = async (page: Page, found: Record<string, string[]>, name: string) => {
    for (const lang of ['en', 'vi'] as const) {
      await page.click(`[data-testid=lang-${lang}]`);
      found[`${name} ${lang}`] = await seriousA11yViolations(page);
    }
  };

  // One agent's shift, step by step: each step checks one rule and leaves the desk for the next.
  let page: Page;
  const found: Record<string, string[]> = {};
  let title = '';

  it('Pause stays inside its card with the Vietnamese labels', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT, baseURL: ccs.url, locale: 'vi-VN', ...AXE_CONTEXT });
    await context.addInitScript(hiddenTabWithTonesCounted);
    page = await context.newPage();
    await page.goto('/login');
    await page.fill('input[name=username]', 'agent1');
    await page.fill('input[name=password]', 'agent1');
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=desk-sign-in]');
    found['sign-in vi'] = await seriousA11yViolations(page);
    await page.click('[data-testid=desk-sign-in-submit]');
    await page.waitForSelector('[data-testid=agent-state][data-state=ready]');
    const fits = await page.$eval('[data-testid=pause]', (button) => {
      const card = button.closest('.card')!.getBoundingClientRect();
      const box = button.getBoundingClientRect();
      return box.right <= card.right - 1 && box.left >= card.left;
    });
    expect(fits).toBe(true);
    await scanBothLanguages(page, found, 'idle');
    title = await page.title();
  }, 60_000);

  it('the desk has one h1', async () => {
    expect(await page.locator('h1').allTextContents()).toEqual(['Bàn làm việc điện thoại viên']);
  });

  it('an incoming call chimes (WebAudio), flashes the hidden tab’s title and is announced to screen readers', async () => {
    await ccs.sendCampaign(CAMPAIGN, [
      { id: 1, phonenumber: '0955000001', linkedit: `${crm.url}/contact/1` },
      { id: 2, phonenumber: '0955000002', linkedit: `${crm.url}/contact/2` },
    ]);
    await page.waitForSelector('[data-testid=agent-state][data-state=talking]', { timeout: 15_000 });
    await eventually('the chime', () => page.evaluate(() => (window as unknown as { __tones: number }).__tones > 0));
    await eventually('the flashing title', async () => (await page.title()) === '☎ Cuộc gọi đến', 5000);
    await eventually('the title back between flashes', async () => (await page.title()) === title, 5000);
    await eventually('the call announced', async () => (await announced(page)) === 'Trạng thái của bạn: Đang đàm thoại. Cuộc gọi đến: 0955000001.');
    await scanBothLanguages(page, found, 'call');
  }, 60_000);

  it('H hangs up; wrap-up shows a countdown that moves, and is announced', async () => {
    await page.locator('body').press('h');
    await page.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');
    const countdown = page.locator('[data-testid=wrap-up-countdown]');
    expect(await countdown.innerText()).toMatch(/^Tự động sẵn sàng sau 0[12]:\d\d/);
    const first = Number(await countdown.getAttribute('data-seconds'));
    expect(first).toBeGreaterThan(100);
    await eventually('the countdown to move', async () => Number(await countdown.getAttribute('data-seconds')) < first, 5000);
    await eventually('wrap-up announced', async () => (await announced(page)) === 'Trạng thái của bạn: Xử lý sau cuộc gọi.');
    await scanBothLanguages(page, found, 'wrap-up');
    await screenshot(page, 'desk-wrap-up-countdown');
  }, 60_000);

  it('R, P and H typed in the note are text, not shortcuts', async () => {
    await page.fill('[data-testid=note]', '');
    await page.locator('[data-testid=note]').pressSequentially('rph');
    expect(await page.inputValue('[data-testid=note]')).toBe('rph');
    expect(await state(page)).toBe('wrap-up');
  }, 30_000);

  it('P pauses with the chosen reason, R makes the agent ready and the next call comes in', async () => {
    await page.locator('[data-testid=desk-keys]').click();
    await page.keyboard.press('p');
    await page.waitForSelector('[data-testid=agent-state][data-state=paused]');
    await eventually('pause announced', async () => (await announced(page)) === 'Trạng thái của bạn: Tạm nghỉ.');
    await page.keyboard.press('r');
    await page.waitForSelector('[data-testid=agent-state][data-state=talking]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid=call-phone]')).toBe('0955000002');
  }, 60_000);

  it('at 390 px the desk is one column with Ready, Pause and Hang up on the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const layout = await page.evaluate(() => ({
      width: Math.max(document.documentElement.scrollWidth, document.querySelector('.page')!.scrollWidth),
      crmPane: Math.round(document.querySelector('.desk-main')!.getBoundingClientRect().width),
    }));
    // Nothing wider than the screen, and the CRM page gets the full width (below the side panel).
    expect(layout).toEqual({ width: 390, crmPane: 390 });
    for (const id of ['hangup', 'pause', 'ready']) {
      const box = await page.locator(`[data-testid=${id}]`).boundingBox();
      expect(box!.x + box!.width, id).toBeLessThanOrEqual(390);
    }
    await page.setViewportSize(VIEWPORT);
  }, 30_000);

  it('axe-core finds no serious or critical violation on the desk: signing in, idle, on a call and in wrap-up, in Vietnamese and English', () => {
    expect(found).toEqual({ 'sign-in vi': [], 'idle en': [], 'idle vi': [], 'call en': [], 'call vi': [], 'wrap-up en': [], 'wrap-up vi': [] });
  });

  it('a request that cannot reach CCS reads as a sentence, not "TypeError: Failed to fetch"', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT, baseURL: ccs.url, locale: 'vi-VN' });
    const page = await context.newPage();
    await page.goto('/login');
    await page.fill('input[name=username]', 'agent3');
    await page.fill('input[name=password]', 'agent3');
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=desk-sign-in]');
    const signIn = (url: URL) => url.pathname === '/ui/agent/sign-in';
    await page.route(signIn, (route) => route.abort('connectionrefused'));
    await page.click('[data-testid=desk-sign-in-submit]');
    const error = await (await page.waitForSelector('[data-testid=desk-error]')).innerText();
    expect(error).toBe('Không kết nối được với CCS. Kiểm tra kết nối mạng; có thể CCS đang khởi động lại.');
    await page.unroute(signIn);
    await page.route(signIn, (route) => route.fulfill({ status: 404, body: '' }));
    await page.click('[data-testid=desk-sign-in-submit]');
    await eventually('the 404 in words', async () => (await page.innerText('[data-testid=desk-error]')) === 'Không tìm thấy: có thể đã bị xoá.');
    await context.close();
  }, 60_000);
});
