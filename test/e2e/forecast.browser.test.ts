/**
 * The campaign page's forecast panel in a real browser: with no agent on shift the campaign is
 * forecast not to finish before its endtime with every contact left; asking "what if 5 agents"
 * runs the forecast again and shows contacts reached. A campaign with no calls yet is marked
 * low confidence. The panel's figures are the ones /ops/campaigns/{id}/forecast serves.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, ensureWebBuild, launchChromium } from './support/browser.ts';
import { startFakeCrm, type FakeCrm } from './support/fake-crm.ts';
import { signedInPage } from './support/pages.ts';
import { startUiService, type UiService } from './support/ui-service.ts';

const CAMPAIGN = 4401;

describe.runIf(chromiumAvailable())('Campaign forecast panel', () => {
  let crm: FakeCrm;
  let ccs: UiService;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuild();
    crm = await startFakeCrm();
    ccs = await startUiService({ crmUrl: crm.url });
    await ccs.sendCampaign(
      CAMPAIGN,
      Array.from({ length: 20 }, (_, i) => ({ id: i + 1, phonenumber: `0912${String(i + 1).padStart(6, '0')}` })),
    );
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ccs?.close();
    await crm?.close();
  });

  it('shows a forecast for the agents on shift and a new one for "what if N agents"', async () => {
    const page = await signedInPage(browser, ccs.url, 'supervisor', 'supervisor');
    await page.click('[data-testid=lang-en]');
    await page.goto(`${ccs.url}/supervisor/campaigns/${CAMPAIGN}`);
    await page.waitForSelector('[data-testid=forecast-panel] [data-testid=forecast-finish]');

    // No agent on shift: nothing is dialled before the endtime.
    expect(await page.getAttribute('[data-testid=forecast-agents]', 'data-agents')).toBe('0');
    expect(await page.textContent('[data-testid=forecast-finish]')).toContain('Not before');
    expect(await page.textContent('[data-testid=forecast-finish]')).toContain('100%');
    expect(await page.textContent('[data-testid=forecast-reached]')).toBe('0 / 20');
    expect(await page.isVisible('[data-testid=forecast-low-confidence]')).toBe(true);

    await page.fill('[data-testid=forecast-agents-input]', '5');
    await page.click('[data-testid=forecast-run]');
    await page.waitForSelector('[data-testid=forecast-agents][data-agents="5"]');
    expect(await page.textContent('[data-testid=forecast-agents]')).toContain('what if');
    const reached = Number((await page.textContent('[data-testid=forecast-reached]'))!.split('/')[0]);
    expect(reached).toBeGreaterThan(0);

    const served = (await (await fetch(`${ccs.url}/ops/campaigns/${CAMPAIGN}/forecast?agents=5`)).json()) as { contactsReached: number; agents: number };
    expect(served.agents).toBe(5);
    expect(served.contactsReached).toBe(reached);

    // A head count out of range cannot be asked for.
    await page.fill('[data-testid=forecast-agents-input]', '0');
    expect(await page.isDisabled('[data-testid=forecast-run]')).toBe(true);
    await page.context().close();
  }, 90_000);

  it('answers 400 for a head count that is not a whole number from 1 to 500, and 404 for an unknown campaign', async () => {
    for (const bad of ['0', '501', '2.5', 'abc', '-3']) {
      const response = await fetch(`${ccs.url}/ops/campaigns/${CAMPAIGN}/forecast?agents=${bad}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('bad-request');
    }
    expect((await fetch(`${ccs.url}/ops/campaigns/999999/forecast`)).status).toBe(404);
  });
});
