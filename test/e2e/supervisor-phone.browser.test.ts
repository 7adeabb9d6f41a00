/**
 * The supervisor's phone in the browser on the simulated floor (`CCS_WEBRTC_PHONE=browser`), in
 * headless Chromium with a fake microphone: the supervisor (no monitorEndpoint) gets a phone on
 * the dashboard; a monitoring start while it is not registered is refused in words; once the
 * microphone is allowed it registers, and listen → whisper → stop goes through it (it answers
 * the monitoring leg by itself); sign-out removes its credentials. An account without a phone
 * station (the demo admin) gets no phone: nothing registers and the controls say one is needed.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, ensureWebBuild, launchChromium } from './support/browser.ts';
import { startFakeCrm, type FakeCrm } from './support/fake-crm.ts';
import { signedInPage, VIEWPORT } from './support/pages.ts';
import { eventually, startUiService, type UiService } from './support/ui-service.ts';

const FAKE_MEDIA = ['--use-fake-device-for-media-stream', '--deny-permission-prompts', '--autoplay-policy=no-user-gesture-required'];
const CAMPAIGN = 5201;

async function deskWithPhone(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, baseURL: url, locale: 'vi-VN', permissions: ['microphone'] });
  const page = await context.newPage();
  await page.goto('/login');
  await page.fill('input[name=username]', 'agent1');
  await page.fill('input[name=password]', 'agent1');
  await page.click('[data-testid=login-submit]');
  await page.waitForSelector('[data-testid=desk-sign-in]');
  await page.click('[data-testid=desk-sign-in-submit]');
  await page.waitForSelector('[data-testid=phone][data-registration=registered]');
  await page.waitForSelector('[data-testid=agent-state][data-state=ready]');
  return page;
}

describe.runIf(chromiumAvailable())("the supervisor's phone in the browser (simulated floor)", () => {
  let crm: FakeCrm;
  let ccs: UiService;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuild();
    crm = await startFakeCrm();
    ccs = await startUiService({ crmUrl: crm.url, env: { CCS_WEBRTC_PHONE: 'browser', CCS_WEBRTC_REGISTER_SECONDS: '4' } });
    browser = await launchChromium(FAKE_MEDIA);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ccs?.close();
    await crm?.close();
  });

  it('refuses monitoring while the phone is unregistered; once registered, listen → whisper → stop go through it', async () => {
    const agent = await deskWithPhone(browser, ccs.url);
    await ccs.sendCampaign(CAMPAIGN, [{ id: 1, phonenumber: '0987520001' }]);
    const call = await eventually('a connected call', () => ccs.service.engine.liveCalls().find((c) => c.state === 'connected' && c.agentCode === 'Agent/1001'));

    const sup = await signedInPage(browser, ccs.url, 'supervisor', 'supervisor');
    await sup.goto('/supervisor');
    await sup.waitForSelector('[data-testid=live-calls] [data-testid=phone][data-registration=unregistered]');
    expect(await sup.textContent('[data-testid=phone-hint]')).toContain('tự trả lời');
    const row = `[data-testid=monitor-${call.callId}]`;
    await sup.waitForSelector(row);

    // Not registered (the microphone not allowed yet): refused in words, nothing monitored.
    await sup.click(`${row} [data-testid=monitor-listen]`);
    await eventually('the refusal', async () => (await sup.textContent('[data-testid=monitor-message]'))?.includes('điện thoại trên trình duyệt của bạn chưa kết nối'));
    expect(await sup.locator('[data-testid=monitor-state]').count()).toBe(0);
    expect(await sup.evaluate(async () => ((await (await fetch('/ops/monitoring/mine')).json()) as { session: unknown }).session)).toBeNull();

    // The microphone allowed: the phone registers.
    await sup.context().grantPermissions(['microphone']);
    await sup.click('[data-testid=phone-mic-allow]');
    await sup.waitForSelector('[data-testid=phone][data-registration=registered]');

    // Listen: the monitoring leg rings the browser phone, which answers by itself.
    await sup.click(`${row} [data-testid=monitor-listen]`);
    await sup.waitForSelector(`${row} [data-testid=monitor-state][data-state=listening]`);
    expect(await sup.textContent('[data-testid=monitor-phone]')).toContain('PJSIP/webrtc-supervisor');
    await sup.waitForSelector('[data-testid=phone][data-call=in-call]');

    await sup.click(`${row} [data-testid=monitor-whisper]`);
    await sup.waitForSelector(`${row} [data-testid=monitor-state][data-state=whispering]`);
    await agent.waitForSelector('[data-testid=coaching-notice][data-mode=whisper]');
    expect(await sup.getAttribute('[data-testid=phone]', 'data-call')).toBe('in-call');

    await sup.click(`${row} [data-testid=monitor-stop]`);
    await sup.waitForSelector('[data-testid=monitor-state]', { state: 'detached' });
    await sup.waitForSelector('[data-testid=phone][data-call=idle]');
    await agent.waitForSelector('[data-testid=coaching-notice]', { state: 'detached' });
    const log = await sup.evaluate(async () => (await fetch('/ops/monitoring')).json());
    expect(log.sessions[0]).toMatchObject({ supervisor: 'supervisor', callId: call.callId, endpoint: 'PJSIP/webrtc-supervisor', endReason: 'stopped' });

    // Sign-out removes the phone's credentials: signed in again, the old ones register nothing.
    const post = async (page: Page, path: string, body: unknown) =>
      page.evaluate(
        async ([p, b]) => {
          const csrf = ((await (await fetch('/ui/session')).json()) as { csrfToken: string }).csrfToken;
          const r = await fetch(p as string, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(b) });
          return r.status;
        },
        [path, body] as const,
      );
    const issued = await sup.evaluate(async () => (await (await fetch('/ui/supervisor/phone')).json()) as { username: string; password: string });
    expect(await post(sup, '/ui/supervisor/phone/register', { username: issued.username, password: issued.password })).toBe(200);
    expect(await post(sup, '/ui/logout', {})).toBe(200);
    const again = await signedInPage(browser, ccs.url, 'supervisor', 'supervisor');
    // 409: no phone issued to the new session yet; 401: its dashboard was issued new credentials.
    expect([401, 409]).toContain(await post(again, '/ui/supervisor/phone/register', { username: issued.username, password: issued.password }));
  }, 120_000);

  it('gives an account without a phone station no phone: nothing registers, and the monitoring controls say a phone is needed', async () => {
    await ccs.sendCampaign(CAMPAIGN + 1, [{ id: 2, phonenumber: '0987520002' }]);
    const call = await eventually('a connected call', () => ccs.service.engine.liveCalls().find((c) => c.state === 'connected' && c.agentCode === 'Agent/1001'));
    // The demo admin has neither stationId nor monitorEndpoint.
    const admin = await signedInPage(browser, ccs.url, 'admin', 'admin', { permissions: ['microphone'] });
    const asked: string[] = [];
    admin.on('request', (r) => void (r.url().includes('/ui/supervisor/phone') && asked.push(`${r.method()} ${new URL(r.url()).pathname}`)));
    await admin.goto('/supervisor');
    const row = `[data-testid=monitor-${call.callId}]`;
    await admin.waitForSelector('[data-testid=monitor-phone-needed]');
    expect(await admin.textContent('[data-testid=monitor-phone-needed]')).toContain('stationId');
    await admin.waitForSelector(row);
    expect(await admin.locator(`${row} [data-testid=monitor-listen]`).isDisabled()).toBe(true);
    expect(await admin.locator('[data-testid=live-calls] [data-testid=phone]').count()).toBe(0);
    expect(await admin.evaluate(async () => (await fetch('/ui/supervisor/phone')).json())).toEqual({ kind: 'no-station' });
    // A start sent anyway is refused as having no phone, and nothing is dialled.
    const refused = await admin.evaluate(async (callId) => {
      const csrf = ((await (await fetch('/ui/session')).json()) as { csrfToken: string }).csrfToken;
      const r = await fetch('/ops/monitoring', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ callId, mode: 'listen' }) });
      return { status: r.status, body: await r.json() };
    }, call.callId);
    expect(refused.body.error.code).toBe('no-endpoint');
    expect(asked.filter((a) => a.startsWith('POST'))).toEqual([]);
    await admin.context().close();
  }, 120_000);
});
