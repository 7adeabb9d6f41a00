/**
 * Preview and manual dial at the desk, in a real browser against the real service on the
 * simulated floor (customers ring 3 s, then answer): with a preview profile the agent sees the
 * contact, its number and its CRM page before any call; skips one with a reason (it waits, no
 * attempt); calls the next, cancels it while it rings, gets it offered again with that attempt
 * in its history, and calls it through to a conversation whose panel shows the earlier attempt.
 * By hand, a number on the do-not-call list is refused with the reason and another is dialled;
 * both requests are in the auditor's CSV of manual calls, and no manual call reaches the CRM.
 */
import { describe, expect, it } from 'vitest';
import { seriousA11yViolations } from './support/axe.ts';
import { chromiumAvailable } from './support/browser.ts';
import { screenshot } from './support/pages.ts';
import { useUiFloor } from './support/ui-floor.ts';
import { eventually } from './support/ui-service.ts';

const CAMPAIGN = 4401;

describe.runIf(chromiumAvailable())('preview and manual dial at the desk', () => {
  const floor = useUiFloor({
    defaultProfile: { dialMode: 'preview', ruleSet: 'dnc-only', retry: { maxAttempts: 3, delaySeconds: 0 } },
    env: { CCS_SIM_RING_SECONDS: '3' },
  });

  it('an agent previews, skips, cancels and calls contacts, and dials by hand under the do-not-call list', async () => {
    const agent = await floor.openDesk('agent1');
    const a11y = async () => {
      const found: string[] = [];
      for (const lang of ['en', 'vi'] as const) {
        await agent.click(`[data-testid=lang-${lang}]`);
        found.push(...(await seriousA11yViolations(agent)).map((v) => `${lang}: ${v}`));
      }
      return found;
    };

    // Manual dial: a listed number is refused with the reason; nothing is dialled.
    const listed = await fetch(`${floor.ccs.url}/ops/dnc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ number: '0987111222', source: 'customer request' }) });
    expect(listed.status).toBe(201);
    expect(await a11y()).toEqual([]);
    await agent.fill('[data-testid=manual-number]', '0987 111 222');
    await agent.click('[data-testid=manual-call]');
    await agent.waitForSelector('[data-testid=desk-error]');
    expect(await agent.textContent('[data-testid=desk-error]')).toBe('Từ chối: số này nằm trong danh sách không gọi (DNC).');
    expect(floor.ccs.service.engine.liveCalls()).toHaveLength(0);
    await agent.waitForSelector('[data-testid=agent-state][data-state=ready]');

    // Another number is dialled, rings, and the customer is put through to this agent.
    await agent.fill('[data-testid=manual-number]', '0987111333');
    await agent.click('[data-testid=manual-call]');
    await agent.waitForSelector('[data-testid=outbound-panel][data-state=ringing]');
    await agent.waitForSelector('[data-testid=call-panel]', { timeout: 10_000 });
    expect(await agent.textContent('[data-testid=call-phone]')).toBe('0987111333');
    expect(await agent.textContent('[data-testid=call-campaign]')).toBe('Gọi thủ công');
    await agent.click('[data-testid=hangup]');
    await agent.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');
    // Its note is kept, though the call belongs to no campaign.
    await agent.fill('[data-testid=note]', 'Khách gọi nhầm số');
    await agent.waitForSelector('[data-testid=note-saved]');
    await agent.click('[data-testid=save-and-ready]');
    await agent.waitForSelector('[data-testid=agent-state][data-state=ready]');

    const csv = await eventually('both manual requests in the audit CSV', async () => {
      const text = await (await fetch(`${floor.ccs.url}/ops/audit/attempts.csv?manual=true`)).text();
      return text.includes('0987111333') && text.includes('ANSWERED') ? text : null;
    });
    const rows = csv.trim().split('\r\n');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain('0987111222');
    expect(rows[1]).toContain('REFUSED');
    expect(rows[1]).toContain('refused: dnc (source: customer request)');
    expect(rows[2]).toMatch(/^,,ccs-manual-/);

    // A preview campaign: the first contact is offered with its CRM page, before any call.
    await floor.ccs.sendCampaign(CAMPAIGN, [
      { id: 1, phonenumber: '0987000001', linkedit: `${floor.crm.url}/contact/1` },
      { id: 2, phonenumber: '0987000002', linkedit: `${floor.crm.url}/contact/2` },
    ]);
    await agent.waitForSelector('[data-testid=preview-panel][data-contact="1"]');
    expect(await agent.textContent('[data-testid=preview-phone]')).toBe('0987000001');
    expect(await agent.textContent('[data-testid=preview-attempts]')).toBe('0');
    const frame = await agent.waitForSelector('[data-testid=crm-frame]');
    expect(await frame.getAttribute('src')).toBe(`${floor.crm.url}/contact/1`);
    await agent.waitForSelector('[data-testid=history-empty]');
    expect(floor.ccs.service.engine.liveCalls()).toHaveLength(0);
    // Supervisors see what the agent is doing: previewing that contact, not connecting a call.
    const agents = (await (await fetch(`${floor.ccs.url}/ops/agents`)).json()) as { agents: { agentcode: string; state: string; preview: unknown }[] };
    expect(agents.agents.find((a) => a.agentcode === 'Agent/1001')).toMatchObject({ state: 'reserved', preview: { campaignid: CAMPAIGN, contactId: 1 } });
    await screenshot(agent, 'flow-agent-preview');
    expect(await a11y()).toEqual([]);

    // Skip with a reason: the contact waits, no attempt; the next one is offered.
    await agent.click('[data-testid=preview-skip]');
    await agent.selectOption('[data-testid=skip-reason]', 'wrong-data');
    await agent.fill('[data-testid=skip-note]', 'số của người khác');
    await agent.click('[data-testid=skip-confirm]');
    await agent.waitForSelector('[data-testid=preview-panel][data-contact="2"]');
    // The skipped contact is no longer in front of the agent: its history is not given.
    const foreign = await agent.evaluate(async (id) => (await fetch(`/ui/agent/contact-history?campaignId=${id}&contactId=1`)).status, CAMPAIGN);
    expect(foreign).toBe(403);
    const skipped = await floor.ccs.service.store.getContact(CAMPAIGN, 1);
    expect(skipped).toMatchObject({ state: 'pending', attempts: 0, waitReason: 'skipped by Agent/1001: wrong-data (số của người khác)' });

    // Call, then cancel while it rings: that attempt ends, and the contact comes back with it in its history.
    await agent.click('[data-testid=preview-call]');
    await agent.waitForSelector('[data-testid=outbound-panel][data-state=ringing]');
    await agent.click('[data-testid=outbound-hangup]');
    await agent.waitForSelector('[data-testid=preview-panel][data-contact="2"] [data-testid=preview-attempts]:text("1")', { timeout: 10_000 });
    await agent.waitForSelector('[data-testid=preview-panel] [data-testid=history-row]');
    expect(await agent.locator('[data-testid=history-row]').count()).toBe(1);

    // Call again: the customer answers and is put through; the call panel shows the earlier attempt.
    await agent.click('[data-testid=preview-call]');
    await agent.waitForSelector('[data-testid=call-panel]', { timeout: 10_000 });
    expect(await agent.textContent('[data-testid=call-phone]')).toBe('0987000002');
    expect(await agent.textContent('[data-testid=call-attempt]')).toBe('2');
    await agent.waitForSelector('[data-testid=call-panel] [data-testid=history-row]');
    const firstAttempt = await agent.locator('[data-testid=call-panel] [data-testid=history-row]').getAttribute('data-callid');
    expect(firstAttempt).toBe(`ccs-${CAMPAIGN}-2-1`);
    await screenshot(agent, 'flow-agent-preview-call');
    expect(await a11y()).toEqual([]);
    await agent.click('[data-testid=hangup]');
    await agent.waitForSelector('[data-testid=agent-state][data-state=wrap-up]');

    // The CRM heard of the two real attempts only: no skip, no manual call.
    const updates = await eventually('two updates at the CRM', () => (floor.crm.updates.length >= 2 ? floor.crm.updates : null));
    expect(updates.map((u) => [u.contact_id, u.callid])).toEqual([
      [2, `ccs-${CAMPAIGN}-2-1`],
      [2, `ccs-${CAMPAIGN}-2-2`],
    ]);
  }, 120_000);
});
