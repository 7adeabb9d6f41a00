/**
 * A supervisor edits a profile's disposition codes on the dashboard's Dispositions page (in a
 * real browser, against the real service): adds a code with both labels, its effect and the
 * success flag, moves it up, makes a code required and saves; an agent's next wrap-up shows the new code,
 * will not go ready before a code is given, and stores the code picked. The page passes axe-core
 * in Vietnamese and English, and its client checks refuse a duplicate code before any request.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AXE_CONTEXT, seriousA11yViolations } from './support/axe.ts';
import { chromiumAvailable, ensureWebBuild, launchChromium } from './support/browser.ts';
import { startFakeCrm, type FakeCrm } from './support/fake-crm.ts';
import { signedInPage } from './support/pages.ts';
import { eventually, startUiService, type UiService } from './support/ui-service.ts';

const AGENT = 'Agent/1001';

describe.runIf(chromiumAvailable())('disposition codes edited by a supervisor', () => {
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

  it('the supervisor adds a code, an agent’s wrap-up shows it, and selecting it stores it', async () => {
    const supervisor = await signedInPage(browser, ccs.url, 'supervisor', 'supervisor', AXE_CONTEXT);
    await supervisor.goto('/supervisor');
    await supervisor.click('[data-testid=open-dispositions]');
    const card = '[data-testid=dset-default]';
    await supervisor.waitForSelector(`${card} [data-testid=dset-row-0]`);
    expect(await supervisor.textContent(`${card} [data-testid=dset-source]`)).toBe('Theo tệp cấu hình');
    const before = await supervisor.locator(`${card} tbody tr`).count();

    // A duplicate code is refused on the page, with nothing sent.
    await supervisor.click(`${card} [data-testid=dset-add]`);
    const last = before;
    const firstCode = await supervisor.inputValue(`${card} [data-testid=dset-code-0]`);
    await supervisor.fill(`${card} [data-testid=dset-code-${last}]`, firstCode);
    await supervisor.fill(`${card} [data-testid=dset-vi-${last}]`, 'Hứa thanh toán');
    await supervisor.fill(`${card} [data-testid=dset-en-${last}]`, 'Promise to pay');
    await supervisor.click(`${card} [data-testid=dset-save]`);
    await supervisor.waitForSelector(`${card} [data-testid=dset-error]`);
    expect(await supervisor.textContent(`${card} [data-testid=dset-error]`)).toContain(firstCode);

    await supervisor.fill(`${card} [data-testid=dset-code-${last}]`, 'promise-to-pay');
    await supervisor.selectOption(`${card} [data-testid=dset-effect-${last}]`, 'final');
    await supervisor.check(`${card} [data-testid=dset-success-${last}]`);
    await supervisor.check(`${card} [data-testid=dset-required]`);
    // Reordered: the new code moves up one place (its number key with it).
    await supervisor.click(`${card} button[aria-label="Lên trên ${last + 1}"]`);
    expect(await supervisor.inputValue(`${card} [data-testid=dset-code-${last - 1}]`)).toBe('promise-to-pay');
    expect(await seriousA11yViolations(supervisor)).toEqual([]);
    await supervisor.click(`${card} [data-testid=dset-save]`);
    await supervisor.waitForSelector(`${card} [data-testid=dset-saved]`);
    expect(await supervisor.textContent(`${card} [data-testid=dset-source]`)).toContain('supervisor');
    const stored = await supervisor.evaluate(() => fetch('/ops/profiles/default/dispositions').then((r) => r.json()));
    expect(stored.settings.required).toBe(true);
    expect(stored.settings.codes).toHaveLength(before + 1);
    expect(stored.settings.codes[before - 1]).toEqual({ code: 'promise-to-pay', label: { vi: 'Hứa thanh toán', en: 'Promise to pay' }, effect: 'final', success: true });
    await supervisor.click('[data-testid=lang-en]');
    await supervisor.waitForSelector('text=Call outcome codes per profile');
    expect(await seriousA11yViolations(supervisor)).toEqual([]);

    // The agent's next wrap-up offers the new code (with its label), requires one, and stores the one picked.
    const agent = await signedInPage(browser, ccs.url, 'agent1', 'agent1', AXE_CONTEXT);
    await agent.click('[data-testid=desk-sign-in-submit]');
    await agent.waitForSelector('[data-testid=agent-state][data-state=ready]');
    await ccs.sendCampaign(4801, [{ id: 1, phonenumber: '0987000801' }]);
    const desk = () => ccs.service.engine.agents().find((a) => a.agentCode === AGENT);
    const talking = await eventually('a call at the desk', () => (desk()?.activity === 'talking' ? desk() : undefined));
    const callId = talking.callId!;
    await agent.waitForSelector('[data-testid=hangup]:not([disabled])');
    await agent.click('[data-testid=hangup]');
    await agent.waitForSelector('[data-testid=disposition][data-required=true]');
    await agent.waitForSelector('[data-testid=disposition-promise-to-pay]');
    expect(await agent.textContent('[data-testid=disposition]')).toContain('Hứa thanh toán');
    await agent.click('[data-testid=disposition-promise-to-pay]');
    await agent.click('[data-testid=save-and-ready]');
    await eventually('the code stored', async () => (await ccs.service.store.getAttempt(callId))?.disposition === 'promise-to-pay');
    await eventually('the agent ready again', () => desk()?.activity === 'idle' && !desk()?.paused);
  }, 120_000);
});
