/**
 * A desk that never loses work, in a real browser against the real service on the simulated
 * floor: a wrap-up note survives the wrap-up timer, the state panel's Ready and a reload; Pause
 * during a call is a pause after it (the supervisor sees talking, then paused); the shift cannot
 * be ended during a call or its wrap-up (a message in Vietnamese and English); and a restart of
 * CCS with the desk open, or a network gone silent, is noticed within 5 s, said loudly, and
 * healed without a new sign-in, the agent back on the floor and the supervisor still signed in.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousA11yViolations } from './support/axe.ts';
import { chromiumAvailable } from './support/browser.ts';
import { startFreezableProxy } from './support/freezable-proxy.ts';
import { markPage, signedInPage, stillSamePage } from './support/pages.ts';
import { useUiFloor } from './support/ui-floor.ts';
import { eventually } from './support/ui-service.ts';

const state = (page: Page) => page.getAttribute('[data-testid=agent-state]', 'data-state');

const contacts = (campaign: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1, phonenumber: `09870${campaign}${i}`.slice(0, 10) }));

describe.runIf(chromiumAvailable())('a desk that never loses work', () => {
  const floor = useUiFloor({ env: { CCS_MAX_WRAPUP_SECONDS: '6' } });

  const noteOf = async (campaignId: number, contactId: number) => (await floor.ccs.service.store.listAttempts({ campaignId, contactId, limit: 1 }))[0]?.note ?? null;
  const callOf = async (page: Page, phone: string) => {
    await eventually(`the call to ${phone}`, async () => (await page.textContent('[data-testid=call-phone]').catch(() => null)) === phone && (await state(page)) === 'talking');
  };

  it('keeps the wrap-up note when wrap-up times out, when the state panel’s Ready is pressed at once, and across a reload', async () => {
    const agent = await floor.openDesk('agent1');
    const campaign = 4701;
    await floor.ccs.sendCampaign(campaign, contacts(campaign, 3));

    // Call 1: a note typed in wrap-up, then nothing: the wrap-up timer returns the agent to ready.
    await callOf(agent, '0987047010');
    await agent.click('[data-testid=hangup]');
    await agent.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');
    await agent.fill('[data-testid=note]', 'Khách hẹn gọi lại thứ Hai');
    await eventually('call 1 note stored', async () => (await noteOf(campaign, 1)) === 'Khách hẹn gọi lại thứ Hai');

    // Call 2 (after the timer): a note typed, then the state panel's Ready pressed straight away.
    await callOf(agent, '0987047011');
    expect(await noteOf(campaign, 1)).toBe('Khách hẹn gọi lại thứ Hai');
    await agent.click('[data-testid=hangup]');
    await agent.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');
    await agent.fill('[data-testid=note]', 'Sai số, đã xin lỗi');
    await agent.click('[data-testid=ready]');
    await eventually('call 2 note stored', async () => (await noteOf(campaign, 2)) === 'Sai số, đã xin lỗi');

    // Call 3: the note is on screen again after a reload in wrap-up.
    await callOf(agent, '0987047012');
    await agent.click('[data-testid=hangup]');
    await agent.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');
    await agent.fill('[data-testid=note]', 'Gửi báo giá qua email');
    await agent.waitForSelector('[data-testid=note-saved]');
    await agent.reload();
    await agent.waitForSelector('[data-testid=agent-state]');
    expect(await agent.inputValue('[data-testid=note]')).toBe('Gửi báo giá qua email');
    await agent.click('[data-testid=save-and-ready]');
    await agent.waitForSelector('[data-testid=agent-state][data-state=ready]');
    expect(await noteOf(campaign, 3)).toBe('Gửi báo giá qua email');
    await agent.context().close();
  }, 120_000);

  it('pauses after the call when Pause is pressed during it, and refuses to end the shift during the call or its wrap-up', async () => {
    const supervisor = await signedInPage(floor.browser, floor.ccs.url, 'supervisor', 'supervisor');
    await supervisor.waitForSelector('[data-testid=supervisor-dashboard]');
    const agent = await floor.openDesk('agent1');
    const campaign = 4702;
    await floor.ccs.sendCampaign(campaign, contacts(campaign, 2));
    await callOf(agent, '0987047020');

    await agent.selectOption('[data-testid=pause-reason]', 'meeting');
    await agent.click('[data-testid=pause]');
    await agent.waitForSelector('[data-testid=pause-after-call]');
    expect(await agent.textContent('[data-testid=pause-after-call]')).toContain('Tạm nghỉ sau cuộc gọi này · Họp');
    expect(await state(agent)).toBe('talking');
    expect(await agent.textContent('[data-testid=agent-state]')).not.toContain('Họp');
    await supervisor.waitForSelector('[data-testid="agent-row-Agent/1001"][data-state=talking]');
    expect(floor.ccs.service.engine.agents().find((a) => a.agentCode === 'Agent/1001')?.paused).toBe(false);
    expect(await seriousA11yViolations(agent)).toEqual([]);

    // Ending the shift, at the desk or with the top bar's sign-out, is refused during the call.
    await agent.click('[data-testid=desk-sign-out]');
    expect(await agent.textContent('[data-testid=desk-error]')).toBe('Không thể kết thúc ca khi đang có cuộc gọi.');
    await agent.click('[data-testid=sign-out-ui]');
    await agent.waitForSelector('[data-testid=sign-out-refused]');
    expect(await agent.textContent('[data-testid=sign-out-refused]')).toBe('Không thể kết thúc ca khi đang có cuộc gọi.');
    expect(new URL(agent.url()).pathname).toBe('/agent');
    expect(await state(agent)).toBe('talking');

    // Wrap-up: still refused, in English too; then the pending pause is taken.
    await agent.click('[data-testid=hangup]');
    await agent.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');
    await agent.click('[data-testid=lang-en]');
    await agent.click('[data-testid=desk-sign-out]');
    await eventually('the English refusal', async () => (await agent.textContent('[data-testid=desk-error]')) === 'Finish the wrap-up of your call before ending your shift.');
    expect(await agent.textContent('[data-testid=pause-after-call]')).toContain('Pause after this call · Meeting');
    expect(await seriousA11yViolations(agent)).toEqual([]);
    await agent.waitForSelector('[data-testid=agent-state][data-state=paused]');
    expect(await agent.textContent('[data-testid=agent-state]')).toContain('Meeting');
    await supervisor.waitForSelector('[data-testid="agent-row-Agent/1001"][data-state=paused]');
    // Paused: contact 2 is not called.
    expect(floor.ccs.service.engine.liveCalls().filter((c) => c.campaignId === campaign)).toHaveLength(0);

    // Now the shift may end.
    await agent.click('[data-testid=desk-sign-out]');
    await agent.waitForSelector('[data-testid=desk-sign-in]');
    await supervisor.context().close();
    await agent.context().close();
  }, 120_000);
});

describe.runIf(chromiumAvailable())('a restart of CCS with the desk open', () => {
  const floor = useUiFloor();

  it('is noticed within 5 s and said loudly; the desk rejoins by itself and the supervisor stays signed in', async () => {
    const supervisor = await signedInPage(floor.browser, floor.ccs.url, 'supervisor', 'supervisor');
    await supervisor.waitForSelector('[data-testid=supervisor-dashboard]');
    const agent = await floor.openDesk('agent1');
    await markPage(agent);
    await markPage(supervisor);
    await supervisor.waitForSelector('[data-testid="agent-row-Agent/1001"][data-state=ready]');

    await floor.ccs.stop();
    const banner = await agent.waitForSelector('[data-testid=service-lost]', { timeout: 5000 });
    expect(await banner.getAttribute('role')).toBe('alert');
    expect(await banner.textContent()).toContain('Mất kết nối tới CCS: không cuộc gọi nào đến được với bạn.');
    expect(await agent.locator('[data-testid=crm-lost]').count()).toBe(1);
    expect(await seriousA11yViolations(agent)).toEqual([]);

    await floor.ccs.start();
    await agent.waitForSelector('[data-testid=service-lost]', { state: 'detached', timeout: 15_000 });
    await agent.waitForSelector('[data-testid=agent-state][data-state=ready]');
    expect(await stillSamePage(agent)).toBe(true);
    await eventually('Agent/1001 back on the floor', () => floor.ccs.service.engine.agents().find((a) => a.agentCode === 'Agent/1001')?.shift.state === 'ready');

    // On the floor for real: a customer reaches the desk.
    await floor.ccs.sendCampaign(4703, [{ id: 1, phonenumber: '0987047030' }]);
    await eventually('the call after the restart', async () => (await agent.textContent('[data-testid=call-phone]').catch(() => null)) === '0987047030');

    // The supervisor was not sent to the sign-in page, and a reload keeps the session.
    await supervisor.waitForSelector('[data-testid="agent-row-Agent/1001"][data-state=talking]');
    expect(new URL(supervisor.url()).pathname).toBe('/supervisor');
    expect(await stillSamePage(supervisor)).toBe(true);
    await supervisor.reload();
    await supervisor.waitForSelector('[data-testid=supervisor-dashboard]');
    expect(new URL(supervisor.url()).pathname).toBe('/supervisor');
    await agent.click('[data-testid=hangup]');
    await supervisor.context().close();
    await agent.context().close();
  }, 120_000);

  it('notices within 5 s a network that goes silent (no error, nothing closed), and comes back when it returns', async () => {
    const proxy = await startFreezableProxy(floor.ccs.url);
    try {
      const agent = await floor.openDesk('agent2', { url: proxy.url });
      proxy.freeze();
      await agent.waitForSelector('[data-testid=service-lost]', { timeout: 5000 });
      proxy.thaw();
      await agent.waitForSelector('[data-testid=service-lost]', { state: 'detached', timeout: 15_000 });
      await agent.waitForSelector('[data-testid=agent-state][data-state=ready]');
      await agent.waitForSelector('[data-testid=live-badge].on');
      await agent.context().close();
    } finally {
      await proxy.close();
    }
  }, 60_000);
});
