/**
 * CRM callback health on the dashboard, in a real browser: while the CRM refuses callbacks they
 * go dead (a very short maximum age here), the dashboard shows them as dead letters, and once
 * the CRM is back the supervisor replays them with the buttons and the CRM receives them.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, ensureWebBuild, launchChromium } from './support/browser.ts';
import { startFakeCrm, type FakeCrm } from './support/fake-crm.ts';
import { signedInPage } from './support/pages.ts';
import { eventually, startUiService, type UiService } from './support/ui-service.ts';

describe.runIf(chromiumAvailable())('CRM callback health on the dashboard', () => {
  let crm: FakeCrm;
  let ccs: UiService;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuild();
    crm = await startFakeCrm();
    crm.failWith = 503;
    ccs = await startUiService({
      crmUrl: crm.url,
      env: { CCS_SIM_AGENTS: '1', CCS_CRM_MAX_AGE_HOURS: '0.001', CCS_SIM_ANSWER_RATE: '0', CCS_SIM_BUSY_RATE: '1', CCS_RETRY_MAX_ATTEMPTS: '1' },
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ccs?.close();
    await crm?.close();
  });

  it('shows dead callbacks and replays them once the CRM is back', async () => {
    const supervisor = await signedInPage(browser, ccs.url, 'supervisor', 'supervisor');
    await supervisor.waitForSelector('[data-testid=crm-health]');
    await ccs.sendCampaign(4301, [{ id: 1, phonenumber: '0933000001' }]);

    // One BUSY attempt (its updateCampaign) and the campaign's finishCampaign, both refused until they die.
    await eventually('two dead callbacks on the dashboard', async () => (await supervisor.textContent('[data-testid=crm-dead] .kpi-value')) === '2', 30_000);
    expect(crm.updates).toHaveLength(0);
    const deadIds = await supervisor.$$eval('[data-testid^=replay-]:not([data-testid=replay-all])', (buttons) => buttons.map((b) => b.getAttribute('data-testid')!));
    expect(deadIds).toHaveLength(2);

    crm.failWith = null;
    await supervisor.click(`[data-testid=${deadIds.find((id) => id !== 'replay-all')}]`);
    await eventually('one dead callback left', async () => (await supervisor.textContent('[data-testid=crm-dead] .kpi-value')) === '1', 15_000);
    await supervisor.click('[data-testid=replay-all]');
    await eventually('no dead callback left', async () => (await supervisor.textContent('[data-testid=crm-dead] .kpi-value')) === '0', 15_000);
    await eventually('both callbacks at the CRM', () => crm.updates.length === 1 && crm.finishes.length === 1, 15_000);
    expect(crm.updates[0]).toMatchObject({ campaignid: 4301, contact_id: 1, status: 'BUSY' });
    expect(crm.finishes[0]).toMatchObject({ campaignid: 4301, status: 'completed', contact_total: 1, contact_success: 0 });
    await eventually('delivered count on the dashboard', async () => (await supervisor.textContent('[data-testid=crm-delivered] .kpi-value')) === '2', 15_000);
    await supervisor.context().close();
  }, 90_000);
});
