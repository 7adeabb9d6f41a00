/**
 * The call controls of the agent's desk, in a real browser against the real service on the
 * simulated floor, with two agents at their desks: mute, hold with its running timer and the
 * keypad by their shortcut keys; an attended transfer completed (the first agent to wrap-up at
 * once, the target talking, one updateCampaign naming the first agent); a consult turned into
 * a conference, then the third party dropped; a consult cancelled; a blind transfer to a
 * supervisor's phone (the picker names supervisors with a phone); and the failures: a target
 * that became busy (refused), an outside number that is busy (the customer comes back), an
 * outside number the campaign's profile does not allow (refused).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password-hash.ts';
import { chromiumAvailable, ensureWebBuild, launchChromium } from './support/browser.ts';
import { startFakeCrm, type FakeCrm } from './support/fake-crm.ts';
import { VIEWPORT } from './support/pages.ts';
import { eventually, startUiService, type UiService } from './support/ui-service.ts';

const state = (page: Page) => page.getAttribute('[data-testid=agent-state]', 'data-state');
const A1 = 'Agent/1001';

async function desk(browser: Browser, url: string, user: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, baseURL: url, locale: 'vi-VN' });
  const page = await context.newPage();
  await page.goto('/login');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', user);
  await page.click('[data-testid=login-submit]');
  await page.waitForSelector('[data-testid=desk-sign-in]');
  await page.click('[data-testid=desk-sign-in-submit]');
  await page.waitForSelector('[data-testid=agent-state][data-state=ready]');
  await page.waitForSelector('[data-testid=live-badge].on');
  return page;
}

describe.runIf(chromiumAvailable())('call controls at the desk', () => {
  let crm: FakeCrm;
  let ccs: UiService;
  let browser: Browser;
  let dir: string;
  let agent1: Page;
  let agent2: Page;
  let campaign = 4800;

  beforeAll(async () => {
    await ensureWebBuild();
    dir = mkdtempSync(join(tmpdir(), 'ccs-controls-'));
    const config = join(dir, 'ccs.config.json');
    const hash = (password: string) => hashPassword(password, { N: 1024, r: 8, p: 1 });
    const accounts = [
      { username: 'agent1', passwordHash: await hash('agent1'), role: 'agent', agentCode: 'Agent/1001', stationId: '1001' },
      { username: 'agent2', passwordHash: await hash('agent2'), role: 'agent', agentCode: 'Agent/1002', stationId: '1002' },
      { username: 'minh', passwordHash: await hash('minh'), role: 'supervisor', monitorEndpoint: 'PJSIP/sup1' },
    ];
    writeFileSync(config, JSON.stringify({ accounts, defaultProfile: { transferNumberPrefixes: ['09'] } }));
    crm = await startFakeCrm();
    ccs = await startUiService({ crmUrl: crm.url, env: { CCS_CONFIG: config, CCS_MAX_WRAPUP_SECONDS: '600' } });
    browser = await launchChromium();
    agent1 = await desk(browser, ccs.url, 'agent1');
    agent2 = await desk(browser, ccs.url, 'agent2');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ccs?.close();
    await crm?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Both agents ready; a one-contact campaign whose call reaches agent 1 (agent 2 paused until then). */
  async function callToAgent1(): Promise<{ id: number; phone: string }> {
    for (const page of [agent1, agent2]) {
      // A call left up by an earlier failure is ended first.
      if ((await state(page)) === 'talking') {
        await page.click('[data-testid=hangup]');
        await page.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');
      }
      if ((await state(page)) !== 'ready') {
        await page.click('[data-testid=ready]');
        await page.waitForSelector('[data-testid=agent-state][data-state=ready]');
      }
    }
    await agent2.click('[data-testid=pause]');
    await agent2.waitForSelector('[data-testid=agent-state][data-state=paused]');
    const id = ++campaign;
    const phone = `09870${id}`;
    await ccs.sendCampaign(id, [{ id: 1, phonenumber: phone }]);
    await eventually(`the call to ${phone}`, async () => (await agent1.textContent('[data-testid=call-phone]').catch(() => null)) === phone && (await state(agent1)) === 'talking');
    await agent2.click('[data-testid=ready]');
    await agent2.waitForSelector('[data-testid=agent-state][data-state=ready]');
    return { id, phone };
  }

  async function consultAgent2(): Promise<void> {
    await agent1.keyboard.press('t');
    await agent1.waitForSelector('[data-testid=transfer-picker] option[value="agent:Agent/1002"]', { state: 'attached' });
    await agent1.selectOption('[data-testid=transfer-target]', 'agent:Agent/1002');
    await agent1.click('[data-testid=transfer-consult]');
    await agent1.waitForSelector('[data-testid=transfer-status][data-phase=answered]');
    expect(await agent1.textContent('[data-testid=transfer-status]')).toContain('Agent/1002 đã nghe máy');
    await agent2.waitForSelector('[data-testid=agent-state][data-state=talking]');
  }

  it('mutes, holds with a running timer and sends DTMF from the keypad, each by its shortcut key; the keys are shown', async () => {
    await callToAgent1();
    expect(await agent1.textContent('[data-testid=desk-keys]')).toContain('M Tắt tiếng · O Giữ máy · K Bàn phím · T Chuyển cuộc gọi · C Gọi ba bên');
    await agent1.keyboard.press('m');
    await agent1.waitForSelector('[data-testid=mute][aria-pressed=true]');
    expect(await agent1.textContent('[data-testid=muted-note]')).toBe('Đã tắt tiếng: khách hàng không nghe thấy bạn.');
    await agent1.keyboard.press('m');
    await agent1.waitForSelector('[data-testid=mute][aria-pressed=false]');

    await agent1.keyboard.press('o');
    await agent1.waitForSelector('[data-testid=hold-timer]');
    await eventually('the hold timer to run a second', async () => /[1-9]/.test((await agent1.textContent('[data-testid=hold-seconds]')) ?? ''));
    await agent1.keyboard.press('o');
    await agent1.waitForSelector('[data-testid=hold-timer]', { state: 'detached' });
    const callId = (await agent1.getAttribute('[data-testid=call-panel]', 'data-callid'))!;
    expect(ccs.service.engine.callControlView(callId)?.holdMs).toBeGreaterThanOrEqual(1000);

    await agent1.keyboard.press('k');
    await agent1.click('[data-testid=dtmf-1]');
    await agent1.click('[data-testid=dtmf-hash]');
    await agent1.waitForSelector('[data-testid=dtmf-sent]');
    expect(await agent1.textContent('[data-testid=dtmf-sent]')).toBe('Đã gửi: 1#');

    await agent1.keyboard.press('h');
    await agent1.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');
  }, 120_000);

  it('an attended transfer: consult, complete; the first agent wraps up at once, the target talks and ends the call; one update names the first agent', async () => {
    const { id } = await callToAgent1();
    await consultAgent2();
    await agent2.waitForSelector('[data-testid=call-panel] [data-testid=call-controls]');
    await agent1.click('[data-testid=transfer-complete]');
    await agent1.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');
    expect(await agent1.textContent('[data-testid=call-panel] h3')).toBe('Đã chuyển cuộc gọi');
    expect(await agent1.$('[data-testid=disposition]')).toBeNull();
    expect(await state(agent2)).toBe('talking');

    await agent2.keyboard.press('h');
    await agent2.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');
    const updates = await eventually('the update', () => {
      const mine = crm.updates.filter((u) => u.campaignid === id);
      return mine.length > 0 ? mine : null;
    });
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ status: 'ANSWERED', agentcode: A1, station_id: '1001' });
  }, 120_000);

  it('a consult turned into a conference, the third party dropped; then a consult cancelled: the customer is back with the first agent', async () => {
    await callToAgent1();
    await consultAgent2();
    await agent1.keyboard.press('c');
    await agent1.waitForSelector('[data-testid=transfer-status][data-phase=conference]');
    expect(await agent1.$('[data-testid=hold-timer]')).toBeNull();
    await agent1.click('[data-testid=transfer-cancel]');
    await agent1.waitForSelector('[data-testid=transfer-status]', { state: 'detached' });
    await agent2.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');
    expect(await state(agent1)).toBe('talking');
    expect(await agent2.textContent('[data-testid=call-panel] h3')).toBe('Đã rời cuộc gọi được hỏi ý');
    expect(await agent2.$('[data-testid=disposition]')).toBeNull();

    await agent2.click('[data-testid=ready]');
    await agent2.waitForSelector('[data-testid=agent-state][data-state=ready]');
    await consultAgent2();
    await agent1.click('[data-testid=transfer-cancel]');
    await agent1.waitForSelector('[data-testid=transfer-status]', { state: 'detached' });
    await agent1.waitForSelector('[data-testid=hold-timer]', { state: 'detached' });
    expect(await state(agent1)).toBe('talking');
    await agent2.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');
    await agent1.keyboard.press('h');
    await agent1.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');
  }, 120_000);

  it("a blind transfer to a supervisor's phone: the first agent wraps up at once, the call goes on with the supervisor", async () => {
    const { id } = await callToAgent1();
    const callId = (await agent1.getAttribute('[data-testid=call-panel]', 'data-callid'))!;
    await agent1.keyboard.press('t');
    await agent1.waitForSelector('[data-testid=transfer-picker] option[value="supervisor:minh"]', { state: 'attached' });
    await agent1.selectOption('[data-testid=transfer-target]', 'supervisor:minh');
    await agent1.click('[data-testid=transfer-blind]');
    await agent1.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');
    expect(await agent1.textContent('[data-testid=call-panel] h3')).toBe('Đã chuyển cuộc gọi');
    expect(ccs.service.engine.callControlView(callId)).toMatchObject({ transferredTo: { kind: 'agent', agentCode: 'Supervisor/minh' } });
    expect(crm.updates.filter((u) => u.campaignid === id)).toEqual([]);
  }, 120_000);

  it('refuses a transfer to an agent who became busy and to an outside number the profile does not allow; a busy outside number brings the customer back', async () => {
    await callToAgent1();
    await agent1.keyboard.press('t');
    await agent1.waitForSelector('[data-testid=transfer-picker] option[value="agent:Agent/1002"]', { state: 'attached' });
    // Agent 2 leaves after the list was shown.
    await agent2.click('[data-testid=pause]');
    await agent2.waitForSelector('[data-testid=agent-state][data-state=paused]');
    await agent1.selectOption('[data-testid=transfer-target]', 'agent:Agent/1002');
    await agent1.click('[data-testid=transfer-blind]');
    await agent1.waitForSelector('[data-testid=desk-error]');
    expect(await agent1.textContent('[data-testid=desk-error]')).toBe('Người nhận đang bận, chưa sẵn sàng nhận cuộc gọi.');
    expect(await state(agent1)).toBe('talking');

    await agent1.selectOption('[data-testid=transfer-target]', 'number:');
    await agent1.fill('[data-testid=transfer-number]', '0812345670');
    await agent1.click('[data-testid=transfer-blind]');
    await eventually('the refusal', async () => (await agent1.textContent('[data-testid=desk-error]')) === 'Chiến dịch này không cho phép chuyển ra số bên ngoài đó.');

    await agent1.fill('[data-testid=transfer-number]', '0912345671');
    await agent1.click('[data-testid=transfer-blind]');
    await agent1.waitForSelector('[data-testid=transfer-failed]');
    expect(await agent1.textContent('[data-testid=transfer-failed]')).toBe('Không chuyển được: 0912345671 đang bận. Khách đã quay lại với bạn.');
    await agent1.waitForSelector('[data-testid=hold-timer]', { state: 'detached' });
    expect(await state(agent1)).toBe('talking');
    await agent1.keyboard.press('h');
    await agent1.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');
  }, 120_000);
});
