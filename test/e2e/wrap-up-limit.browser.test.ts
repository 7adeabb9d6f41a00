/**
 * The end of a wrap-up by its time limit, in a real browser against the real service on the
 * simulated floor (preview profile, a required code, wrap-up limit 3 s): the agent types a note
 * and leaves it; the limit makes the agent ready, the next contact is offered at once and the
 * desk shows that offer (it was hidden behind the ended call: the agent sat reserved, unable to
 * call or skip); the note is kept. Also: while CCS is away, the red banner stays in view though
 * the side panel is scrolled down to the wrap-up, and the top bar's refusal to sign out during a
 * call does not stay on screen for the rest of the shift.
 */
import { describe, expect, it } from 'vitest';
import { seriousA11yViolations } from './support/axe.ts';
import { chromiumAvailable } from './support/browser.ts';
import { useUiFloor } from './support/ui-floor.ts';
import { eventually } from './support/ui-service.ts';

const CAMPAIGN = 4901;
const AGENT = 'Agent/1001';

describe.runIf(chromiumAvailable())('a wrap-up ended by its time limit', () => {
  const floor = useUiFloor({
    defaultProfile: {
      dialMode: 'preview',
      ruleSet: 'dnc-only',
      dispositions: {
        required: true,
        codes: [
          { code: 'done', label: { vi: 'Hoàn tất', en: 'Done' }, effect: 'final', success: true },
          { code: 'call-back', label: { vi: 'Hẹn gọi lại', en: 'Call back' }, effect: 'callback' },
        ],
      },
    },
    env: { CCS_MAX_WRAPUP_SECONDS: '3' },
  });

  const desk = () => floor.ccs.service.engine.agents().find((a) => a.agentCode === AGENT);

  it('leaves the agent in front of the next offer, with the note kept', async () => {
    const agent = await floor.openDesk('agent1');
    await floor.ccs.sendCampaign(CAMPAIGN, [
      { id: 1, phonenumber: '0987049001', linkedit: `${floor.crm.url}/contact/1` },
      { id: 2, phonenumber: '0987049002', linkedit: `${floor.crm.url}/contact/2` },
    ]);
    await agent.waitForSelector('[data-testid=preview-panel][data-contact="1"]');
    await agent.click('[data-testid=preview-call]');
    await agent.waitForSelector('[data-testid=hangup]:not([disabled])', { timeout: 10_000 });
    const callId = desk()!.callId!;
    await agent.click('[data-testid=hangup]');
    await agent.waitForSelector('[data-testid=wrap-up]');
    await agent.fill('[data-testid=note]', 'Khách bận, để lại ghi chú');

    // The limit ends the wrap-up without a code; the next contact is offered to the agent at once.
    await eventually('contact 2 offered to the agent', () => desk()?.shift.state === 'reserved');
    await agent.waitForSelector('[data-testid=preview-panel][data-contact="2"]', { timeout: 5_000 });
    expect(await agent.textContent('[data-testid=preview-phone]')).toBe('0987049002');
    expect(await agent.locator('[data-testid=wrap-up]').count()).toBe(0);
    expect(await agent.textContent('[data-testid=crm-pane]')).toContain(`${floor.crm.url}/contact/2`);
    const attempt = await floor.ccs.service.store.getAttempt(callId);
    expect(attempt?.note).toBe('Khách bận, để lại ghi chú');
    expect(attempt?.disposition ?? null).toBeNull();
    expect(await seriousA11yViolations(agent)).toEqual([]);

    // The offer works: the agent calls it through.
    await agent.click('[data-testid=preview-call]');
    await agent.waitForSelector('[data-testid=call-panel] [data-testid=hangup]:not([disabled])', { timeout: 10_000 });
    expect(await agent.textContent('[data-testid=call-phone]')).toBe('0987049002');

    // Sign-out refused during the call: said, then gone after a while rather than for the whole shift.
    await agent.click('[data-testid=sign-out-ui]');
    await agent.waitForSelector('[data-testid=sign-out-refused]');
    await agent.waitForSelector('[data-testid=sign-out-refused]', { state: 'detached', timeout: 15_000 });
    expect(desk()?.shift.state).toBe('talking');

    // Into wrap-up, scrolled down to the codes: CCS goes away, and the banner is in view all the same.
    await agent.click('[data-testid=hangup]');
    await agent.waitForSelector('[data-testid=wrap-up]');
    await agent.locator('[data-testid=disposition]').scrollIntoViewIfNeeded();
    expect(await agent.evaluate(() => document.querySelector('.desk-side')!.scrollTop)).toBeGreaterThan(0);
    await floor.ccs.stop();
    const banner = await agent.waitForSelector('[data-testid=service-lost]', { timeout: 5_000 });
    const box = (await banner.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(768);
    // Nothing covers it: the element at its centre is the banner or inside it.
    const onTop = await agent.evaluate(({ x, y }) => !!document.elementFromPoint(x, y)?.closest('[data-testid=service-lost]'), { x: box.x + box.width / 2, y: box.y + box.height / 2 });
    expect(onTop).toBe(true);
    await floor.ccs.start();
    await agent.waitForSelector('[data-testid=service-lost]', { state: 'detached', timeout: 15_000 });
    await agent.context().close();
  }, 120_000);
});
