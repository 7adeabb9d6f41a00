/**
 * The phone in the browser on the simulated floor (`CCS_WEBRTC_PHONE=browser`), in headless
 * Chromium with a fake microphone: a desk's agent is on the floor only once its phone is
 * registered, which needs the microphone (asked with the reason why); dialer calls are answered
 * by themselves with a tone; a lost registration takes the agent off the floor and the phone
 * comes back by itself (also after a restart of CCS); a refused microphone is a blocking message and the agent stays off the
 * floor; in nailed-up mode the phone's one line is up for the shift.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, ensureWebBuild, launchChromium } from './support/browser.ts';
import { startFakeCrm, type FakeCrm } from './support/fake-crm.ts';
import { VIEWPORT } from './support/pages.ts';
import { eventually, startUiService, type UiService } from './support/ui-service.ts';

/**
 * A fake microphone; permission prompts are refused, so a context is allowed the microphone
 * only by `grantPermissions` (the agent's "allow") and refuses it otherwise.
 */
const FAKE_MEDIA = ['--use-fake-device-for-media-stream', '--deny-permission-prompts', '--autoplay-policy=no-user-gesture-required'];
/** Short registrations so a lost one lapses within seconds (renewed every third of it). */
const REGISTER_SECONDS = '4';

const agentState = (page: Page) => page.getAttribute('[data-testid=agent-state]', 'data-state');
const phone = (page: Page, attribute: 'registration' | 'microphone' | 'call' | 'tones') => page.getAttribute('[data-testid=phone]', `data-${attribute}`);

async function signedInDesk(browser: Browser, url: string, user: string, options: { english?: boolean; microphone?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: VIEWPORT, baseURL: url, locale: 'vi-VN', ...(options.microphone ? { permissions: ['microphone'] } : {}) });
  if (options.english) await context.addInitScript(() => localStorage.setItem('ccs.lang', 'en'));
  const page = await context.newPage();
  await page.goto('/login');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', user);
  await page.click('[data-testid=login-submit]');
  await page.waitForSelector('[data-testid=desk-sign-in]');
  await page.click('[data-testid=desk-sign-in-submit]');
  await page.waitForSelector('[data-testid=phone]');
  return { context, page };
}

describe.runIf(chromiumAvailable())('the phone in the browser (simulated floor, on-answer)', () => {
  let crm: FakeCrm;
  let ccs: UiService;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuild();
    crm = await startFakeCrm();
    ccs = await startUiService({ crmUrl: crm.url, env: { CCS_WEBRTC_PHONE: 'browser', CCS_WEBRTC_REGISTER_SECONDS: REGISTER_SECONDS } });
    browser = await launchChromium(FAKE_MEDIA);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ccs?.close();
    await crm?.close();
  });

  it('puts the agent on the floor only once the microphone is allowed and the phone registered, and answers a dialer call by itself with a tone', async () => {
    const { context, page } = await signedInDesk(browser, ccs.url, 'agent1', { english: true });
    // Signed in, but no phone yet: off the floor, the microphone asked for with the reason.
    await page.waitForSelector('[data-testid=phone-mic-ask]');
    expect(await phone(page, 'microphone')).toBe('unknown');
    expect(await page.textContent('[data-testid=phone-mic-ask]')).toContain('customers can hear you');
    expect(await phone(page, 'registration')).toBe('unregistered');
    expect(await agentState(page)).toBe('offline');

    // The agent allows it when the browser asks.
    await context.grantPermissions(['microphone']);
    await page.click('[data-testid=phone-mic-allow]');
    await page.waitForSelector('[data-testid=phone][data-registration=registered]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid=phone-registration]')).toBe('Registered');
    await page.waitForSelector('[data-testid=agent-state][data-state=ready]', { timeout: 15_000 });
    // The fake microphone is listed for the agent to choose.
    await eventually('the microphone picker lists the fake device', async () => (await page.locator('[data-testid=phone-input] option').count()) >= 2);

    await ccs.sendCampaign(71, [{ id: 1, phonenumber: '0987100001' }]);
    await page.waitForSelector('[data-testid=phone][data-call=in-call]', { timeout: 20_000 });
    expect(await phone(page, 'tones')).toBe('1');
    expect(await agentState(page)).toBe('talking');
    await page.click('[data-testid=hangup]');
    await page.waitForSelector('[data-testid=phone][data-call=idle]', { timeout: 15_000 });
    await context.close();
  }, 120_000);

  it('a lost registration takes the agent off the floor and the phone comes back by itself, the agent with it', async () => {
    // A browser that already allows the microphone registers without asking.
    const { context, page } = await signedInDesk(browser, ccs.url, 'agent2', { microphone: true });
    await page.waitForSelector('[data-testid=phone][data-registration=registered]', { timeout: 15_000 });
    await page.waitForSelector('[data-testid=agent-state][data-state=ready]', { timeout: 15_000 });

    // The network to the PBX is gone: renewals fail.
    await page.route('**/ui/agent/phone/register', (route) => route.abort('internetdisconnected'));
    await page.waitForSelector('[data-testid=phone][data-registration=reconnecting]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid=phone-reconnecting]')).toContain('tự kết nối lại');
    await page.waitForSelector('[data-testid=agent-state][data-state=offline]', { timeout: 20_000 });

    await page.unroute('**/ui/agent/phone/register');
    await page.waitForSelector('[data-testid=phone][data-registration=registered]', { timeout: 20_000 });
    await page.waitForSelector('[data-testid=agent-state][data-state=ready]', { timeout: 20_000 });
    expect(await page.locator('[data-testid=phone-reconnecting]').count()).toBe(0);
    await context.close();
  }, 90_000);

  it('after a restart of CCS the phone registers again by itself with new credentials, and the agent is back on the floor', async () => {
    const { context, page } = await signedInDesk(browser, ccs.url, 'agent3', { microphone: true });
    await page.waitForSelector('[data-testid=agent-state][data-state=ready]', { timeout: 15_000 });
    await ccs.stop();
    await page.waitForSelector('[data-testid=phone][data-registration=reconnecting]', { timeout: 15_000 });
    await ccs.start();
    await page.waitForSelector('[data-testid=phone][data-registration=registered]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid=agent-state][data-state=ready]', { timeout: 30_000 });
    await context.close();
  }, 120_000);
});

describe.runIf(chromiumAvailable())('the phone in the browser (a refused microphone; nailed-up mode)', () => {
  let crm: FakeCrm;
  let ccs: UiService;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuild();
    crm = await startFakeCrm();
    ccs = await startUiService({ crmUrl: crm.url, env: { CCS_WEBRTC_PHONE: 'browser', CCS_WEBRTC_REGISTER_SECONDS: REGISTER_SECONDS, CCS_AGENT_MODE: 'nailed-up' } });
    browser = await launchChromium(FAKE_MEDIA);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ccs?.close();
    await crm?.close();
  });

  it('says a refused microphone blocks the phone, and the agent stays off the floor', async () => {
    const { context, page } = await signedInDesk(browser, ccs.url, 'agent1', { english: true });
    // The agent presses "allow", the browser refuses.
    await page.click('[data-testid=phone-mic-allow]');
    await page.waitForSelector('[data-testid=phone-mic-denied]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid=phone-mic-denied]')).toContain('you cannot take calls');
    expect(await page.getAttribute('[data-testid=phone-mic-denied]', 'role')).toBe('alert');
    expect(await phone(page, 'registration')).toBe('unregistered');
    // Off the floor: the engine has no agent online to send a customer to.
    expect(await agentState(page)).toBe('offline');
    expect(ccs.service.engine.agents().filter((a) => a.online)).toEqual([]);
    await context.close();
  }, 60_000);

  it('in nailed-up mode holds one line for the shift and announces each customer with a tone', async () => {
    const { context, page } = await signedInDesk(browser, ccs.url, 'agent2', { microphone: true });
    await page.waitForSelector('[data-testid=phone][data-registration=registered]', { timeout: 15_000 });
    // The line is answered once, with no tone (no customer yet).
    await page.waitForSelector('[data-testid=phone][data-call=in-call]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid=phone-call]')).toContain('cả ca');
    expect(await phone(page, 'tones')).toBe('0');
    await ccs.sendCampaign(72, [{ id: 1, phonenumber: '0987200001' }]);
    await page.waitForSelector('[data-testid=agent-state][data-state=talking]', { timeout: 30_000 });
    await eventually('the tone for the customer', async () => (await phone(page, 'tones')) === '1', 15_000);
    expect(await phone(page, 'call')).toBe('in-call');
    await context.close();
  }, 90_000);
});
