/**
 * Campaign control in a real browser, against the real service on the simulated floor: a
 * supervisor pauses a running campaign from its page (no new call is placed while it is
 * paused, the calls in progress end), changes its dial mode to power ×2, and resumes it (calls
 * are placed again, with the new pacing). Every change is audited with the supervisor's name.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, ensureWebBuild, launchChromium } from './support/browser.ts';
import { startFakeCrm, type FakeCrm } from './support/fake-crm.ts';
import { signedInPage } from './support/pages.ts';
import { eventually, startUiService, type UiService } from './support/ui-service.ts';

const CAMPAIGN = 4301;

describe.runIf(chromiumAvailable())('campaign control from the campaign page', () => {
  let crm: FakeCrm;
  let ccs: UiService;
  let browser: Browser;
  const placed: { at: number; campaignId: number }[] = [];

  beforeAll(async () => {
    await ensureWebBuild();
    crm = await startFakeCrm();
    // Two virtual agents; short calls so the campaign keeps dialling.
    ccs = await startUiService({ crmUrl: crm.url, env: { CCS_SIM_AGENTS: '2', CCS_SIM_TALK_SECONDS: '1', CCS_SIM_WRAPUP_SECONDS: '0' } });
    ccs.service.engine.events.on('call:placed', (e) => placed.push({ at: e.at, campaignId: e.campaignId }));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ccs?.close();
    await crm?.close();
  });

  it('a supervisor pauses a campaign, changes its dial mode and resumes it', async () => {
    const engine = ccs.service.engine;
    await ccs.sendCampaign(
      CAMPAIGN,
      Array.from({ length: 200 }, (_, i) => ({ id: i + 1, phonenumber: `0987${String(100000 + i)}` })),
    );
    await eventually('the campaign dialling', () => placed.some((p) => p.campaignId === CAMPAIGN));

    const page = await signedInPage(browser, ccs.url, 'supervisor', 'supervisor');
    await page.goto(`${ccs.url}/supervisor/campaigns/${CAMPAIGN}`);
    await page.waitForSelector('[data-testid=campaign-control]');
    const pacingBefore = await page.textContent('[data-testid=campaign-pacing]');

    await page.click('[data-testid=campaign-pause]');
    await page.waitForSelector('[data-testid=campaign-paused]');
    await page.waitForSelector('[data-testid=campaign-resume]');
    expect(engine.controls.isPaused(CAMPAIGN)).toBe(true);
    // The calls in progress end normally.
    await eventually('the calls in progress to end', () => engine.liveCalls().every((c) => c.campaignId !== CAMPAIGN));

    await page.selectOption('[data-testid=control-mode]', 'power');
    await page.fill('[data-testid=control-ratio]', '2');
    await page.click('[data-testid=control-apply]');
    await eventually('the new pacing on the page', async () => (await page.textContent('[data-testid=campaign-pacing]'))?.includes('×2'));
    expect(await page.textContent('[data-testid=campaign-pacing]')).not.toBe(pacingBefore);
    expect(engine.controls.get(CAMPAIGN)).toMatchObject({ paused: true, dialMode: 'power', powerRatio: 2 });

    await page.click('[data-testid=campaign-resume]');
    await page.waitForSelector('[data-testid=campaign-pause]');
    expect(await page.locator('[data-testid=campaign-paused]').count()).toBe(0);
    const audit = await engine.controls.audit({ targetKind: 'campaign', targetId: String(CAMPAIGN) });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['resume', 'supervisor'],
      ['pacing', 'supervisor'],
      ['pause', 'supervisor'],
    ]);
    const [resumed, , paused] = audit;
    await eventually('a call placed after the resume', () => placed.some((p) => p.campaignId === CAMPAIGN && p.at >= resumed!.at));
    // Nothing was placed for it while it was paused.
    expect(placed.filter((p) => p.campaignId === CAMPAIGN && p.at > paused!.at && p.at < resumed!.at)).toEqual([]);
    expect(audit[1]!.after).toMatchObject({ dialMode: 'power', powerRatio: 2 });

    // The campaign's API view shows the override over the profile.
    const view = await page.evaluate(async (id) => (await fetch(`/ops/campaigns/${id}`)).json(), CAMPAIGN);
    expect(view.profile).toMatchObject({ dialMode: 'power', powerRatio: 2 });
    expect(view.control).toMatchObject({ paused: false, dialMode: 'power', powerRatio: 2, updatedBy: 'supervisor' });
  }, 90_000);
});
