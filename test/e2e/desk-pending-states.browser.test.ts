/**
 * What the desk shows while something is about to happen, in a real browser against the real
 * service on the simulated floor (preview profile, customers ring 25 s then answer, wrap-up limit
 * 20 s): a call the agent dialled by hand says "Calling <number>…" where the CRM page goes, with
 * a way to cancel it, instead of "Waiting for a call…"; a previewed contact's CRM page stays on
 * screen (the same frame, not reloaded) while its phone rings, under a "Calling <number>…" bar
 * with a cancel button, and still once the customer answers; the wrap-up countdown of an agent
 * who pressed Pause during the call says the agent will be paused, with the reason, not "back
 * to ready". In Vietnamese and English. The H key cancels a call being placed as Cancel does,
 * and cancelling a pending pause in wrap-up leaves the agent in wrap-up until it ends.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousA11yViolations } from './support/axe.ts';
import { chromiumAvailable } from './support/browser.ts';
import { screenshot } from './support/pages.ts';
import { useUiFloor } from './support/ui-floor.ts';
import { eventually } from './support/ui-service.ts';

const CAMPAIGN = 5101;

/**
 * Records in the page whether "Waiting for a call…" (the empty CRM area) shows from now on, or
 * (`fromCalling`) from the moment the desk first says it is calling.
 */
async function watchForEmptyCrm(page: Page, fromCalling = false): Promise<void> {
  await page.evaluate((fromCalling) => {
    const w = window as unknown as { __sawEmptyCrm: boolean; __emptyWatch?: MutationObserver };
    let armed = !fromCalling;
    const look = () => {
      armed ||= document.querySelector('[data-testid=desk-calling]') !== null;
      if (armed && document.querySelector('[data-testid=crm-empty]')) w.__sawEmptyCrm = true;
    };
    w.__sawEmptyCrm = false;
    w.__emptyWatch?.disconnect();
    w.__emptyWatch = new MutationObserver(look);
    w.__emptyWatch.observe(document.body, { childList: true, subtree: true });
    look();
  }, fromCalling);
}
const sawEmptyCrm = (page: Page) => page.evaluate(() => (window as unknown as { __sawEmptyCrm: boolean }).__sawEmptyCrm);

describe.runIf(chromiumAvailable())('the desk while a call is being placed or a pause is pending', () => {
  const floor = useUiFloor({
    defaultProfile: { dialMode: 'preview', ruleSet: 'dnc-only', retry: { maxAttempts: 3, delaySeconds: 0 } },
    env: { CCS_SIM_RING_SECONDS: '25', CCS_MAX_WRAPUP_SECONDS: '20' },
  });

  it('keeps the contact and its CRM page on screen while the phone rings, says whom it calls, and says a pending pause in the wrap-up countdown', async () => {
    const agent = await floor.openDesk('agent1');
    const a11y = async () => {
      const found: string[] = [];
      for (const lang of ['en', 'vi'] as const) {
        await agent.click(`[data-testid=lang-${lang}]`);
        found.push(...(await seriousA11yViolations(agent)).map((v) => `${lang}: ${v}`));
      }
      return found;
    };

    // By hand: while the number rings, the main area says whom the agent is calling and offers to cancel.
    await watchForEmptyCrm(agent, true);
    await agent.fill('[data-testid=manual-number]', '0987111333');
    await agent.click('[data-testid=manual-call]');
    const calling = await agent.waitForSelector('[data-testid=desk-calling]');
    expect(await calling.textContent()).toContain('Đang gọi 0987111333…');
    await agent.waitForSelector('[data-testid=outbound-panel][data-state=ringing]');
    expect(await agent.textContent('[data-testid=desk-calling]')).toContain('Đang đổ chuông…');
    await screenshot(agent, 'desk-calling-manual');
    expect(await sawEmptyCrm(agent)).toBe(false);
    expect(await a11y()).toEqual([]);
    await agent.click('[data-testid=lang-en]');
    expect(await agent.textContent('[data-testid=desk-calling]')).toContain('Calling 0987111333…');
    await agent.click('[data-testid=lang-vi]');
    await agent.click('[data-testid=desk-calling-cancel]');
    await agent.waitForSelector('[data-testid=desk-calling]', { state: 'detached', timeout: 10_000 });
    await eventually('the manual leg hung up', () => floor.ccs.service.engine.liveCalls().length === 0);
    await agent.waitForSelector('[data-testid=agent-state][data-state=ready]');

    // Preview: the offered contact's page is framed; Call keeps that very frame through the ringing.
    await floor.ccs.sendCampaign(CAMPAIGN, [{ id: 1, phonenumber: '0987000001', linkedit: `${floor.crm.url}/contact/1` }]);
    await agent.waitForSelector('[data-testid=preview-panel][data-contact="1"]');
    const frame = await agent.waitForSelector('[data-testid=crm-frame]');
    expect(await frame.getAttribute('src')).toBe(`${floor.crm.url}/contact/1`);
    await frame.evaluate((el) => ((el as unknown as { __kept: boolean }).__kept = true));
    await watchForEmptyCrm(agent);
    await agent.click('[data-testid=preview-call]');
    await agent.waitForSelector('[data-testid=outbound-panel][data-state=ringing]');
    expect(await agent.textContent('[data-testid=desk-calling]')).toContain('Đang gọi 0987000001…');
    expect(await agent.locator('[data-testid=desk-calling-cancel]').count()).toBe(1);
    const ringingFrame = await agent.waitForSelector('[data-testid=crm-frame]');
    expect(await ringingFrame.getAttribute('src')).toBe(`${floor.crm.url}/contact/1`);
    expect(await ringingFrame.evaluate((el) => (el as unknown as { __kept?: boolean }).__kept === true)).toBe(true);
    await screenshot(agent, 'desk-calling-preview');
    expect(await a11y()).toEqual([]);
    await agent.click('[data-testid=lang-en]');
    expect(await agent.textContent('[data-testid=desk-calling]')).toContain('Calling 0987000001…');
    await agent.click('[data-testid=lang-vi]');
    await agent.waitForSelector('[data-testid=call-panel]', { timeout: 45_000 });
    expect(await agent.textContent('[data-testid=call-phone]')).toBe('0987000001');
    expect(await sawEmptyCrm(agent)).toBe(false);
    expect(await agent.locator('[data-testid=desk-calling]').count()).toBe(0);
    // Answered: a new call (new id) whose page is looked up and checked again, but the same
    // contact's page: the frame is still the one framed at the offer, not reloaded.
    await agent.waitForSelector('[data-testid=crm-pane][data-framing=allowed]');
    const answeredFrame = await agent.waitForSelector('[data-testid=crm-frame]');
    expect(await answeredFrame.getAttribute('src')).toBe(`${floor.crm.url}/contact/1`);
    expect(await answeredFrame.evaluate((el) => (el as unknown as { __kept?: boolean }).__kept === true)).toBe(true);

    // Pause pressed during the call: the wrap-up countdown says the pause comes, with its reason.
    await agent.selectOption('[data-testid=pause-reason]', 'meeting');
    await agent.click('[data-testid=pause]');
    await agent.waitForSelector('[data-testid=pause-after-call]');
    await agent.click('[data-testid=hangup]');
    const countdown = await agent.waitForSelector('[data-testid=wrap-up-countdown]');
    expect(await countdown.textContent()).toMatch(/^Tạm nghỉ \(Họp\) sau 00:\d\d$/);
    await screenshot(agent, 'desk-wrap-up-then-pause');
    expect(await agent.getAttribute('[data-testid=wrap-up-countdown] [role=progressbar]', 'aria-label')).toMatch(/^Tạm nghỉ \(Họp\) sau/);
    expect(await a11y()).toEqual([]);
    await agent.click('[data-testid=lang-en]');
    expect(await agent.textContent('[data-testid=wrap-up-countdown]')).toMatch(/^Paused \(Meeting\) in 00:\d\d$/);
    // And so it is: wrap-up ends by its limit into the pause, with that reason.
    await agent.waitForSelector('[data-testid=agent-state][data-state=paused]', { timeout: 30_000 });
    expect(await agent.textContent('[data-testid=agent-state]')).toContain('Meeting');
    await agent.context().close();
  }, 120_000);

  it('cancels a call being placed with the H key, and cancelling a pending pause in wrap-up leaves the agent in wrap-up', async () => {
    // agent1 is paused (above): offers go to agent2 alone.
    const agent = await floor.openDesk('agent2');
    const pressOutsideFields = async (key: string) => {
      await agent.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await agent.keyboard.press(key);
    };

    // H while a number dialled by hand rings: does what Cancel does.
    await agent.fill('[data-testid=manual-number]', '0987111444');
    await agent.click('[data-testid=manual-call]');
    await agent.waitForSelector('[data-testid=outbound-panel][data-state=ringing]');
    await pressOutsideFields('h');
    await agent.waitForSelector('[data-testid=desk-calling]', { state: 'detached', timeout: 10_000 });
    await eventually('the manual leg hung up', () => floor.ccs.service.engine.liveCalls().length === 0);
    await agent.waitForSelector('[data-testid=agent-state][data-state=ready]');

    // H while a previewed contact's phone rings: the same.
    await floor.ccs.sendCampaign(CAMPAIGN + 1, [{ id: 1, phonenumber: '0987000002', linkedit: `${floor.crm.url}/contact/2` }]);
    await agent.waitForSelector('[data-testid=preview-panel][data-contact="1"]');
    await agent.click('[data-testid=preview-call]');
    await agent.waitForSelector('[data-testid=outbound-panel][data-state=ringing]');
    await pressOutsideFields('h');
    await agent.waitForSelector('[data-testid=desk-calling]', { state: 'detached', timeout: 10_000 });
    await eventually('the preview leg hung up', () => floor.ccs.service.engine.liveCalls().length === 0);

    // Offered again (no retry delay); this time the customer answers.
    await agent.waitForSelector('[data-testid=preview-panel][data-contact="1"]', { timeout: 15_000 });
    await agent.click('[data-testid=preview-call]');
    await agent.waitForSelector('[data-testid=call-panel]', { timeout: 45_000 });
    await agent.selectOption('[data-testid=pause-reason]', 'lunch');
    await agent.click('[data-testid=pause]');
    await agent.waitForSelector('[data-testid=pause-after-call]');
    await agent.click('[data-testid=hangup]');
    await agent.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');
    expect(await agent.textContent('[data-testid=wrap-up-countdown]')).toMatch(/^Tạm nghỉ \(Ăn trưa\) sau/);

    // Cancelling the pending pause drops the pause only: still in wrap-up, now counting down to ready.
    await agent.click('[data-testid=cancel-pause-after-call]');
    await agent.waitForSelector('[data-testid=pause-after-call]', { state: 'detached', timeout: 10_000 });
    expect(await agent.getAttribute('[data-testid=agent-state]', 'data-state')).toBe('wrap-up');
    expect(floor.ccs.service.engine.agents().find((a) => a.agentCode === 'Agent/1002')?.shift).toMatchObject({ state: 'wrap-up', pauseAfterCall: null });
    expect(await agent.textContent('[data-testid=wrap-up-countdown]')).toMatch(/^Tự động sẵn sàng sau/);
    // And wrap-up ends as usual, by its limit, into ready (not paused).
    await agent.waitForSelector('[data-testid=agent-state][data-state=ready]', { timeout: 30_000 });
    await agent.context().close();
  }, 120_000);
});
