/**
 * Live monitoring in a real browser, against the real service on the simulated floor: a
 * supervisor listens to an agent's call from the live calls panel (the agent is not told),
 * switches to whisper (the agent's desk shows the coaching notice), to barge, and stops; the
 * monitoring log lists the session with each mode; a session ends with its call; and a call
 * that ended is refused in words, even from a panel that still shows it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, ensureWebBuild, launchChromium } from './support/browser.ts';
import { startFakeCrm, type FakeCrm } from './support/fake-crm.ts';
import { screenshot, signedInPage, VIEWPORT } from './support/pages.ts';
import { eventually, startUiService, type UiService } from './support/ui-service.ts';

const CAMPAIGN = 5101;

async function deskReady(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, baseURL: url, locale: 'vi-VN' });
  const agent = await context.newPage();
  await agent.goto('/login');
  await agent.fill('input[name=username]', 'agent1');
  await agent.fill('input[name=password]', 'agent1');
  await agent.click('[data-testid=login-submit]');
  await agent.waitForSelector('[data-testid=desk-sign-in]');
  await agent.click('[data-testid=desk-sign-in-submit]');
  await agent.waitForSelector('[data-testid=agent-state][data-state=ready]');
  return agent;
}

describe.runIf(chromiumAvailable())('live monitoring from the live calls panel', () => {
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
    await browser?.close();
    await ccs?.close();
    await crm?.close();
  });

  const connectedCall = () => eventually('a connected call', () => ccs.service.engine.liveCalls().find((c) => c.state === 'connected' && c.agentCode === 'Agent/1001'));
  const deskCoaching = (agent: Page) => agent.evaluate(async () => ((await (await fetch('/ui/agent/state')).json()) as { coaching?: unknown }).coaching ?? null);

  it('a supervisor listens, whispers (the agent is told), barges and stops; the log lists it; a call that ended is refused', async () => {
    const agent = await deskReady(browser, ccs.url);
    await ccs.sendCampaign(CAMPAIGN, [
      { id: 1, phonenumber: '0987510001' },
      { id: 2, phonenumber: '0987510002' },
    ]);
    const call = await connectedCall();
    const sup = await signedInPage(browser, ccs.url, 'supervisor', 'supervisor');
    await sup.goto('/supervisor');
    const row = `[data-testid=monitor-${call.callId}]`;
    await sup.waitForSelector(row);

    // Listen: the supervisor hears both sides; the agent's desk says nothing.
    await sup.click(`${row} [data-testid=monitor-listen]`);
    await sup.waitForSelector(`${row} [data-testid=monitor-state][data-state=listening]`);
    expect(await sup.getAttribute(`${row} [data-testid=monitor-listen]`, 'aria-pressed')).toBe('true');
    expect(await sup.textContent('[data-testid=monitor-phone]')).toContain('SIM/supervisor');
    expect(await deskCoaching(agent)).toBeNull();
    expect(await agent.locator('[data-testid=coaching-notice]').count()).toBe(0);

    // Whisper: only the agent hears the supervisor, and the desk says so.
    await sup.click(`${row} [data-testid=monitor-whisper]`);
    await sup.waitForSelector(`${row} [data-testid=monitor-state][data-state=whispering]`);
    await agent.waitForSelector('[data-testid=coaching-notice][data-mode=whisper]');
    expect(await agent.textContent('[data-testid=coaching-notice]')).toContain('supervisor');

    // Barge: everyone hears the supervisor; the same call, the same session.
    await sup.click(`${row} [data-testid=monitor-barge]`);
    await sup.waitForSelector(`${row} [data-testid=monitor-state][data-state=barging]`);
    await agent.waitForSelector('[data-testid=coaching-notice][data-mode=barge]');
    expect(ccs.service.engine.liveCalls().find((c) => c.callId === call.callId)?.state).toBe('connected');
    await screenshot(sup, 'monitoring-barging');
    await screenshot(agent, 'monitoring-agent-coached');

    await sup.click(`${row} [data-testid=monitor-stop]`);
    await sup.waitForSelector('[data-testid=monitor-state]', { state: 'detached' });
    await agent.waitForSelector('[data-testid=coaching-notice]', { state: 'detached' });

    // Listening again, then the call ends: the session ends with it and the page says so.
    await sup.click(`${row} [data-testid=monitor-listen]`);
    await sup.waitForSelector(`${row} [data-testid=monitor-state][data-state=listening]`);
    // The panel as it was while the call was up (a refresh that has not come yet).
    const stale = await sup.evaluate(async () => (await fetch('/ops/calls/live')).json());
    await agent.click('[data-testid=hangup]');
    await sup.waitForSelector('[data-testid=monitor-message]');
    expect(await sup.textContent('[data-testid=monitor-message]')).toContain('Cuộc gọi bạn giám sát đã kết thúc');

    // A panel still showing the ended call: Listen is refused in words, nothing is stored.
    await sup.route('**/ops/calls/live', (route) => route.fulfill({ json: stale }));
    await sup.reload();
    await sup.waitForSelector(row);
    await sup.click(`${row} [data-testid=monitor-listen]`);
    await eventually('the refusal', async () => (await sup.textContent('[data-testid=monitor-message]'))?.includes('cuộc gọi đã kết thúc hoặc chưa nối với điện thoại viên'));
    expect(await sup.locator('[data-testid=monitor-state]').count()).toBe(0);
    const refused = await sup.evaluate(
      async (callId) => {
        const csrf = ((await (await fetch('/ui/session')).json()) as { csrfToken: string }).csrfToken;
        const r = await fetch('/ops/monitoring', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ callId, mode: 'listen' }) });
        return { status: r.status, body: await r.json() };
      },
      call.callId,
    );
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'not-connected' } } });
    await sup.unroute('**/ops/calls/live');

    // The log: both sessions, newest first, each mode with its times, and how each ended.
    await sup.goto('/supervisor/monitoring');
    await sup.waitForSelector('[data-testid=monitoring-session]');
    const sessions = await sup.$$eval('[data-testid=monitoring-session]', (rows) =>
      rows.map((r) => ({ call: r.getAttribute('data-call'), end: r.getAttribute('data-end'), modes: Array.from(r.querySelectorAll('li[data-mode]'), (li) => li.getAttribute('data-mode')) })),
    );
    await screenshot(sup, 'monitoring-log');
    expect(sessions).toEqual([
      { call: call.callId, end: 'call-ended', modes: ['listen'] },
      { call: call.callId, end: 'stopped', modes: ['listen', 'whisper', 'barge'] },
    ]);
    const api = await sup.evaluate(async () => (await fetch('/ops/monitoring')).json());
    expect(api.sessions[1]).toMatchObject({ supervisor: 'supervisor', callId: call.callId, campaignId: CAMPAIGN, agentCode: 'Agent/1001', endReason: 'stopped' });
    expect(api.sessions[1].modes.every((m: { from: string; to: string | null }) => m.to !== null && m.from <= m.to)).toBe(true);
  }, 120_000);
});
