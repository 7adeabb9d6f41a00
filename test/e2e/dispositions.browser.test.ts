/**
 * Dispositions and scheduled callbacks in a real browser, against the real service: codes come
 * from the config file (required, with a callback and a do-not-call code); the agent picks
 * them with number keys at wrap-up, schedules a personal callback after seeing when it can
 * really happen, and the callback comes back to that agent at its time (the service runs on a
 * virtual clock kept in step with real time, and jumps ahead to the callback); a do-not-call
 * code keeps the number from being called again; the supervisor sees both codes and the callback.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock/virtual-clock.ts';
import { AXE_CONTEXT, seriousA11yViolations } from './support/axe.ts';
import { chromiumAvailable, ensureWebBuild, launchChromium } from './support/browser.ts';
import { startFakeCrm, type FakeCrm } from './support/fake-crm.ts';
import { signedInPage } from './support/pages.ts';
import { eventually, startUiService, type UiService } from './support/ui-service.ts';

const CAMPAIGN = 4301;
const AGENT = 'Agent/1001';

/** Moves the virtual clock with real time, 100 ms at a time, until paused (for a jump ahead). */
function realTimePump(clock: VirtualClock) {
  let on = true;
  let loop: Promise<void> = Promise.resolve();
  const run = async () => {
    for (let i = 0; on && i < 20_000; i++) {
      await clock.advanceBy(100);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  loop = run();
  return {
    async pause() {
      on = false;
      await loop;
    },
    resume() {
      on = true;
      loop = run();
    },
  };
}

describe.runIf(chromiumAvailable())('dispositions and callbacks at the desk', () => {
  let crm: FakeCrm;
  let ccs: UiService;
  let browser: Browser;
  let dir: string;
  const clock = new VirtualClock(Date.now());
  let pump: ReturnType<typeof realTimePump>;

  beforeAll(async () => {
    await ensureWebBuild();
    crm = await startFakeCrm();
    dir = mkdtempSync(join(tmpdir(), 'ccs-disp-'));
    const config = join(dir, 'ccs.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        defaultProfile: {
          ruleSet: 'dnc-only',
          dispositions: {
            required: true,
            codes: [
              { code: 'sale', label: { vi: 'Đồng ý mua', en: 'Sale' }, effect: 'final', success: true },
              { code: 'call-back', label: { vi: 'Hẹn gọi lại', en: 'Call back' }, effect: 'callback' },
              { code: 'do-not-call', label: { vi: 'Không gọi nữa', en: 'Do not call' }, effect: 'dnc' },
              { code: 'wrong-number', label: { vi: 'Sai số', en: 'Wrong number' }, effect: 'wrong-number' },
            ],
          },
        },
      }),
    );
    ccs = await startUiService({ crmUrl: crm.url, clock, env: { CCS_CONFIG: config, CCS_CALLBACK_GRACE_SECONDS: '600' } });
    pump = realTimePump(clock);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await pump?.pause();
    await browser?.close();
    await ccs?.close();
    await crm?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const desk = () => ccs.service.engine.agents().find((a) => a.agentCode === AGENT);
  const talking = async (page: Page) => {
    await eventually('a call at the desk', () => desk()?.activity === 'talking');
    await page.waitForSelector('[data-testid=hangup]:not([disabled])');
  };
  const hangUpIntoWrapUp = async (page: Page) => {
    await page.click('[data-testid=hangup]');
    await page.waitForSelector('[data-testid=disposition][data-required=true]');
  };

  it('an agent picks codes with number keys, schedules a personal callback that comes back at its time, a do-not-call code blocks the number, and the supervisor sees it all', async () => {
    const agent = await signedInPage(browser, ccs.url, 'agent1', 'agent1', AXE_CONTEXT);
    await agent.click('[data-testid=desk-sign-in-submit]');
    await agent.waitForSelector('[data-testid=agent-state][data-state=ready]');
    await ccs.sendCampaign(CAMPAIGN, [
      { id: 1, phonenumber: '0987000301', linkedit: `${crm.url}/contact/1` },
      { id: 2, phonenumber: '0987000302', linkedit: `${crm.url}/contact/2` },
    ]);

    // First call: the code is required; key 2 picks the callback code, and the scheduler shows the real time.
    await talking(agent);
    await hangUpIntoWrapUp(agent);
    // Neither "Save & ready" nor the state panel's Ready (key R) leaves wrap-up without the code.
    const readies: string[] = [];
    agent.on('request', (r) => {
      if (r.url().endsWith('/ui/agent/ready')) readies.push(r.method());
    });
    await agent.click('[data-testid=save-and-ready]');
    await agent.waitForSelector('[data-testid=disposition-error]');
    await agent.click('[data-testid=wrap-up] h3');
    await agent.keyboard.press('r');
    await agent.click('[data-testid=ready]');
    // A request the page makes after the clicks: any ready request they made went out before it.
    await agent.evaluate(() => fetch('/ui/agent/state').then((r) => r.status));
    expect(readies).toEqual([]);
    expect(desk()?.activity).toBe('wrap-up');
    await agent.keyboard.press('2');
    await agent.waitForSelector('[data-testid=callback-scheduler]');
    await agent.click('[data-testid=callback-in-5]');
    await agent.waitForSelector('[data-testid=callback-earliest][data-at]:not([data-at=""])');
    const earliest = Number(await agent.getAttribute('[data-testid=callback-earliest]', 'data-at'));
    expect(earliest).toBeGreaterThan(clock.now() + 4 * 60_000);
    expect(await agent.isChecked('[data-testid=callback-for-me]')).toBe(true);
    // The picker and the scheduler pass axe-core in both languages.
    expect(await seriousA11yViolations(agent)).toEqual([]);
    await agent.click('[data-testid=lang-en]');
    await agent.waitForSelector('text=Schedule a callback');
    expect(await seriousA11yViolations(agent)).toEqual([]);
    await agent.click('[data-testid=save-and-ready]');
    await eventually('the agent ready again', () => desk()?.activity !== 'wrap-up' && !desk()?.paused);
    await agent.waitForSelector(`[data-testid=my-callbacks] [data-testid=callback-${CAMPAIGN}-1][data-state=scheduled]`);

    // Second call: key 3, do not call. The number goes on the list; the contact is never dialled again.
    await talking(agent);
    await hangUpIntoWrapUp(agent);
    await agent.keyboard.press('3');
    await agent.waitForSelector('[data-testid=disposition] input[type=radio]:checked');
    await agent.click('[data-testid=save-and-ready]');
    await eventually('the agent ready again', () => desk()?.activity !== 'wrap-up');
    await ccs.sendCampaign(CAMPAIGN + 1, [{ id: 1, phonenumber: '+84 987 000 302' }]);
    const dnc = await eventually('a DNC report for the listed number', () => crm.updates.find((u) => u.campaignid === CAMPAIGN + 1));
    expect(dnc).toMatchObject({ status: 'DNC', callid: `dnc-${CAMPAIGN + 1}-1` });

    // Five minutes on: the callback is due and offered to this agent only; it calls it from "My callbacks".
    await pump.pause();
    await clock.advanceTo(earliest + 1000);
    pump.resume();
    const row = `[data-testid=my-callbacks] [data-testid=callback-${CAMPAIGN}-1]`;
    await agent.waitForSelector(`${row}[data-state=due] [data-testid=callback-call]`, { timeout: 20_000 });
    // The whole list fits the side panel: the Call now button is in view, not cut off at the card's edge.
    const card = (await agent.locator('[data-testid=my-callbacks]').boundingBox())!;
    const callNow = (await agent.locator(`${row} [data-testid=callback-call]`).boundingBox())!;
    expect(callNow.x + callNow.width).toBeLessThanOrEqual(card.x + card.width);
    expect(await agent.locator('[data-testid=my-callbacks] table').evaluate((t) => t.getBoundingClientRect().right)).toBeLessThanOrEqual(card.x + card.width);
    await agent.click(`${row} [data-testid=callback-call]`);
    await talking(agent);
    // The call panel's earlier attempts name the code by its label in the page's language.
    const earlier = agent.locator('[data-testid=call-panel] [data-testid=history-disposition][data-code=call-back]');
    await earlier.waitFor();
    expect((await earlier.textContent())?.trim()).toBe('Call back');
    const calls = crm.updates.filter((u) => u.campaignid === CAMPAIGN);
    expect(calls.map((u) => u.contact_id)).toEqual([1, 2]);
    await eventually('the callback marked dialled', async () => (await agent.locator(`${row}[data-state=dialled]`).count()) > 0 || (await agent.reload(), false), 20_000);

    // The supervisor: the codes on the campaign's attempts, the callback in the list.
    const supervisor = await signedInPage(browser, ccs.url, 'supervisor', 'supervisor');
    await supervisor.goto(`/supervisor/campaigns/${CAMPAIGN}`);
    await supervisor.waitForSelector('[data-testid=attempts-table]');
    await eventually('both codes shown', async () => {
      const codes = await supervisor.locator('[data-testid=attempt-disposition]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-code')));
      return codes.includes('call-back') && codes.includes('do-not-call');
    });
    // Shown by their labels in the page's language, not as raw codes.
    const shown = async () => (await supervisor.locator('[data-testid=attempt-disposition]').allTextContents()).map((s) => s.trim()).filter(Boolean);
    await eventually('the Vietnamese labels', async () => (await shown()).includes('Hẹn gọi lại'));
    expect(await shown()).toEqual(expect.arrayContaining(['Hẹn gọi lại', 'Không gọi nữa']));
    expect(await shown()).not.toContain('call-back');
    await supervisor.click('[data-testid=lang-en]');
    await eventually('the English labels', async () => (await shown()).includes('Call back') && (await shown()).includes('Do not call'));
    await supervisor.click('[data-testid=lang-vi]');
    await supervisor.waitForSelector(`[data-testid=supervisor-callbacks] [data-testid=callback-${CAMPAIGN}-1][data-state=dialled]`);
    await supervisor.waitForSelector('[data-testid=disposition-count-call-back][data-count="1"]');
    await supervisor.waitForSelector('[data-testid=disposition-count-do-not-call][data-count="1"]');
    expect(await supervisor.textContent('[data-testid=disposition-successes]')).toBe('0');
    // The audit CSV carries the codes too.
    const csv = await supervisor.evaluate(async (id) => (await fetch(`/ops/audit/attempts.csv?campaignId=${id}`)).text(), CAMPAIGN);
    const [header, ...rows] = csv.trim().split('\n');
    const column = header!.split(',').indexOf('disposition');
    expect(column).toBeGreaterThan(0);
    expect(rows.map((r) => r.split(',')[column])).toEqual(expect.arrayContaining(['call-back', 'do-not-call']));
  }, 180_000);
});
