/**
 * The pictures in docs/screenshots/, taken on a busy simulated floor: six virtual agents and a
 * desktop agent work two campaigns for 25 minutes of virtual time, then one campaign is closed
 * and the desk, the dashboard and a campaign page are captured at 1366×768 and 390×844, in
 * Vietnamese and English, while the desktop agent is on a call.
 * Runs only with UPDATE_SCREENSHOTS=1 (npm run screenshots:web).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock/virtual-clock.ts';
import { chromiumAvailable, ensureWebBuild, launchChromium } from './support/browser.ts';
import { startFakeCrm, type FakeCrm } from './support/fake-crm.ts';
import { screenshot, signedInPage, VIEWPORT } from './support/pages.ts';
import { startUiService, type UiService } from './support/ui-service.ts';

const contacts = (campaign: number, count: number, crmUrl: string) =>
  Array.from({ length: count }, (_, i) => ({ id: i + 1, phonenumber: `09${String(campaign % 100).padStart(2, '0')}${String(100000 + i * 37).slice(-6)}`, linkedit: `${crmUrl}/contact/${campaign}${i + 1}` }));

describe.runIf(process.env.UPDATE_SCREENSHOTS === '1' && chromiumAvailable())('screenshots for the docs', () => {
  let crm: FakeCrm;
  let ccs: UiService;
  let browser: Browser;
  const clock = new VirtualClock(Date.now());

  beforeAll(async () => {
    await ensureWebBuild();
    crm = await startFakeCrm();
    ccs = await startUiService({
      crmUrl: crm.url,
      clock,
      env: {
        CCS_SIM_AGENTS: '6',
        CCS_SIM_ANSWER_RATE: '0.55',
        CCS_SIM_BUSY_RATE: '0.15',
        CCS_SIM_CONGESTION_RATE: '0.03',
        CCS_SIM_FAIL_RATE: '0.04',
        CCS_SIM_RING_SECONDS: '3-20',
        CCS_SIM_TALK_SECONDS: '25-110',
        CCS_SIM_WRAPUP_SECONDS: '6',
        CCS_RETRY_DELAY_SECONDS: '600',
      },
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ccs?.close();
    await crm?.close();
  });

  it('captures the agent desktop and the supervisor dashboard on a busy floor', async () => {
    const agent = await signedInPage(browser, ccs.url, 'agent1', 'agent1');
    await agent.click('[data-testid=desk-sign-in-submit]');
    await clock.advanceBy(1000);
    await agent.waitForSelector('[data-testid=agent-state][data-state=ready]');
    await ccs.sendCampaign(5101, contacts(5101, 220, crm.url));
    await ccs.sendCampaign(5102, contacts(5102, 140, crm.url));
    await ccs.sendCampaign(5103, contacts(5103, 12, crm.url));
    await clock.advanceBy(5 * 60_000);
    await ccs.service.engine.closeCampaign(5103);
    await clock.advanceBy(20 * 60_000);
    const desk = () => ccs.service.engine.agents().find((a) => a.agentCode === 'Agent/1001');
    // On a call for a while, and still on it once work in flight at that instant has landed.
    const onCall = () => desk()?.activity === 'talking' && clock.now() - desk()!.since > 20_000;
    let settled = false;
    for (let i = 0; i < 20 && !settled; i++) {
      expect(await clock.runUntil(onCall, 30 * 60_000)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      settled = onCall();
      if (!settled) await clock.advanceBy(1000);
    }
    expect(settled).toBe(true);
    const supervisor = await signedInPage(browser, ccs.url, 'supervisor', 'supervisor');
    await supervisor.waitForSelector('[data-testid=chart-calls]');
    await supervisor.waitForSelector('[data-testid=campaign-row-5103] [data-state=finished]');
    // The desktop's timers extrapolate from its last fetch in real time; on a virtual clock, fetch again.
    await agent.reload();
    await agent.waitForSelector('[data-testid=crm-frame]');
    await agent.waitForTimeout(1500);
    await supervisor.waitForTimeout(1500);
    const campaign = await signedInPage(browser, ccs.url, 'supervisor', 'supervisor');
    await campaign.goto('/supervisor/campaigns/5101');
    await campaign.waitForSelector('[data-testid=attempts-table]');
    // Each page in both languages, on a laptop (1366×768) and on a phone (390×844).
    for (const lang of ['vi', 'en'] as const) {
      for (const [size, viewport] of [['', VIEWPORT], ['-390', { width: 390, height: 844 }]] as const) {
        const suffix = `${lang === 'en' ? '-en' : ''}${size}`;
        for (const [page, name] of [[agent, 'agent-desktop'], [supervisor, 'supervisor-dashboard'], [campaign, 'campaign-page']] as const) {
          await page.click(`[data-testid=lang-${lang}]`);
          await page.setViewportSize(viewport);
          await page.waitForTimeout(300);
          await screenshot(page, `${name}${suffix}`, { docs: true });
        }
      }
    }
  }, 300_000);
});
