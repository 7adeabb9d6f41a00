/**
 * The agent desktop and the supervisor dashboard in a real browser, against the real service on
 * the simulated floor: an agent takes calls from a campaign the CRM sent, with the contact's
 * CRM page popping up, wrap-up notes and pauses, while a supervisor watches the counters move
 * live and closes the campaign; the CRM receives the results.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentActivity } from '../../src/engine/agent-pool.ts';
import { chromiumAvailable, ensureWebBuild, launchChromium } from './support/browser.ts';
import { startFakeCrm, type FakeCrm } from './support/fake-crm.ts';
import { markPage, screenshot, signedInPage, stillSamePage } from './support/pages.ts';
import { eventually, startUiService, type UiService } from './support/ui-service.ts';

const CAMPAIGN = 4101;

describe.runIf(chromiumAvailable())('agent desktop and supervisor dashboard', () => {
  let crm: FakeCrm;
  let ccs: UiService;
  let browser: Browser;
  const activity: AgentActivity[] = [];

  beforeAll(async () => {
    await ensureWebBuild();
    crm = await startFakeCrm();
    ccs = await startUiService({ crmUrl: crm.url });
    ccs.service.engine.events.on('agent:state', (e) => {
      if (e.agentCode === 'Agent/1001') activity.push(e.activity);
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ccs?.close();
    await crm?.close();
  });

  const attr = (page: Page, selector: string, name: string) => page.locator(selector).first().getAttribute(name, { timeout: 1000 }).catch(() => null);

  it('an agent takes calls with the CRM page popping up, and the supervisor watches live and closes the campaign', async () => {
    const supervisor = await signedInPage(browser, ccs.url, 'supervisor', 'supervisor');
    await supervisor.waitForSelector('[data-testid=supervisor-dashboard]');
    await supervisor.waitForSelector('[data-testid=live-badge].on');
    await markPage(supervisor);

    // The agent signs in (Vietnamese by default) and starts a shift as Agent/1001.
    const agent = await signedInPage(browser, ccs.url, 'agent1', 'agent1');
    expect(new URL(agent.url()).pathname).toBe('/agent');
    await agent.waitForSelector('[data-testid=desk-sign-in]');
    expect(await agent.locator('[data-testid=desk-sign-in] h3').textContent()).toBe('Vào ca làm việc');
    await agent.click('[data-testid=desk-sign-in-submit]');
    await agent.waitForSelector('[data-testid=agent-state][data-state=ready]');
    await agent.waitForSelector('[data-testid=live-badge].on');
    await markPage(agent);
    await supervisor.waitForSelector('[data-testid="agent-row-Agent/1001"][data-state=ready]');

    // The CRM sends a campaign of three contacts through the contract API.
    await ccs.sendCampaign(CAMPAIGN, [
      { id: 1, phonenumber: '0987000001', linkedit: `${crm.url}/contact/1` },
      { id: 2, phonenumber: '0987000002', linkedit: `${crm.url}/locked/2` },
      { id: 3, phonenumber: '0987000003', linkedit: `${crm.url}/contact/3` },
    ]);
    await supervisor.waitForSelector(`[data-testid=campaign-row-${CAMPAIGN}]`);

    // First call: number, campaign, attempt and a running timer; the CRM page is embedded.
    await agent.waitForSelector('[data-testid=call-panel]');
    expect(await agent.textContent('[data-testid=call-phone]')).toBe('0987000001');
    expect(await agent.textContent('[data-testid=call-campaign]')).toBe(`#${CAMPAIGN}`);
    expect(await agent.textContent('[data-testid=call-attempt]')).toBe('1');
    await agent.waitForSelector('[data-testid=agent-state][data-state=talking]');
    const frameElement = await agent.waitForSelector('[data-testid=crm-frame]');
    expect(await frameElement.getAttribute('src')).toBe(`${crm.url}/contact/1`);
    const frame = await eventually('the CRM page inside the frame', async () => (await frameElement.contentFrame())?.textContent('#contact').catch(() => null));
    expect(frame).toBe('Fake CRM · contact 1');
    const firstTimer = await agent.textContent('[data-testid=call-timer]');
    await eventually('the call timer to run', async () => (await agent.textContent('[data-testid=call-timer]')) !== firstTimer);
    await supervisor.waitForSelector('[data-testid="agent-row-Agent/1001"][data-state=talking]');
    await eventually('the live call on the dashboard', async () => (await supervisor.textContent('[data-testid=live-calls]'))?.includes('0987000001'));
    await screenshot(agent, 'flow-agent-desktop');

    // Hang-up, wrap-up with a note, then ready: the dialer connects the next contact.
    await agent.click('[data-testid=hangup]');
    await agent.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');
    await agent.fill('[data-testid=note]', 'Khách hẹn gọi lại thứ Hai');
    await screenshot(agent, 'flow-agent-wrap-up');
    await agent.click('[data-testid=save-and-ready]');
    await eventually('the agent back to ready after wrap-up', () => activity.includes('wrap-up') && activity.lastIndexOf('idle') > activity.indexOf('wrap-up'));
    const [first] = await ccs.service.store.listAttempts({ campaignId: CAMPAIGN, contactId: 1, limit: 5 });
    expect(first?.note).toBe('Khách hẹn gọi lại thứ Hai');
    expect(first?.status).toBe('ANSWERED');
    expect(first?.agentCode).toBe('Agent/1001');

    // The supervisor's counters moved without a reload.
    await eventually('contacts final 1/3 on the dashboard', async () => (await attr(supervisor, `[data-testid=campaign-row-${CAMPAIGN}] [data-testid=campaign-progress]`, 'data-final')) === '1');
    expect(await supervisor.textContent(`[data-testid=campaign-row-${CAMPAIGN}] [data-testid=campaign-answered]`)).toBe('1');

    // Second call: this CRM page refuses framing, so it opens in a new tab, with a reopen button.
    const popup = await agent.context().waitForEvent('page', { timeout: 15_000 });
    await popup.waitForLoadState();
    expect(popup.url()).toBe(`${crm.url}/locked/2`);
    await agent.waitForSelector('[data-testid=crm-in-tab]');
    expect(await agent.textContent('[data-testid=call-phone]')).toBe('0987000002');
    expect(await agent.locator('[data-testid=crm-frame]').count()).toBe(0);
    await screenshot(agent, 'flow-agent-crm-in-tab');
    await eventually('the second live call on the dashboard', async () => (await supervisor.textContent('[data-testid=live-calls]'))?.includes('0987000002'));
    await eventually('the answered chart', async () => (await supervisor.locator('[data-testid=chart-calls] rect').count()) > 0, 10_000);
    await screenshot(supervisor, 'flow-supervisor-dashboard');

    // Hang up and pause (with a reason) instead of ready: contact 3 stays pending.
    await agent.click('[data-testid=hangup]');
    await agent.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');
    await agent.selectOption('[data-testid=pause-reason]', 'lunch');
    await agent.click('[data-testid=pause]');
    await agent.waitForSelector('[data-testid=agent-state][data-state=paused]');
    expect(await agent.textContent('[data-testid=agent-state]')).toContain('Ăn trưa');
    await supervisor.waitForSelector('[data-testid="agent-row-Agent/1001"][data-state=paused]');
    await eventually('contacts final 2/3', async () => (await attr(supervisor, `[data-testid=campaign-row-${CAMPAIGN}] [data-testid=campaign-progress]`, 'data-final')) === '2');

    // The supervisor closes the campaign; it finishes as closed and the CRM hears about it.
    await supervisor.click(`[data-testid=close-${CAMPAIGN}]`);
    await supervisor.click(`[data-testid=close-confirm-${CAMPAIGN}]`);
    await supervisor.waitForSelector(`[data-testid=campaign-row-${CAMPAIGN}] [data-testid=campaign-state][data-state=finished]`);
    expect(await stillSamePage(supervisor)).toBe(true);
    expect(await stillSamePage(agent)).toBe(true);
    await eventually('finishCampaign at the CRM', () => crm.finishes.length > 0);
    expect(crm.finishes[0]).toMatchObject({ campaignid: CAMPAIGN, status: 'closed', contact_total: 3, contact_success: 2 });
    expect(crm.updates.map((u) => [u.contact_id, u.status, u.agentcode])).toEqual([
      [1, 'ANSWERED', 'Agent/1001'],
      [2, 'ANSWERED', 'Agent/1001'],
    ]);

    // The campaign page lists the attempts with the note and a playable recording link.
    await supervisor.click(`[data-testid=campaign-row-${CAMPAIGN}] a`);
    await supervisor.waitForSelector('[data-testid=attempts-table]');
    await eventually('the note in the attempts table', async () => (await supervisor.textContent('[data-testid=attempts-table]'))?.includes('Khách hẹn gọi lại thứ Hai'));
    const recording = await supervisor.locator('[data-testid=recording]').first().getAttribute('src');
    expect(recording).toMatch(/\/recordings\/.+\?exp=\d+&sig=/);
    const audio = await supervisor.evaluate(async (src) => {
      const r = await fetch(src!);
      return { status: r.status, type: r.headers.get('content-type') };
    }, recording);
    expect(audio).toEqual({ status: 200, type: 'audio/wav' });
    await screenshot(supervisor, 'flow-campaign-page');
    await supervisor.context().close();
    await agent.context().close();
  }, 120_000);
});
