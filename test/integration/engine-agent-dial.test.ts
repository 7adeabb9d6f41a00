/**
 * Preview and manual dial in virtual time, on SQLite and PostgreSQL: a preview campaign
 * offers a contact to a ready agent before any call; Call re-checks compliance and bridges
 * the customer to that agent only; Skip puts the contact back after the retry delay with no
 * attempt spent and nothing reported; the countdown dials by itself. A manual call is checked
 * against the do-not-call list, calling hours and frequency caps, refused with the reason,
 * kept in the manual-call log either way, and never reported to the CRM.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { complianceDialPolicy } from '../../src/compliance/compliance-policy.ts';
import type { DialPolicy } from '../../src/engine/dial-policy.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { DncStore } from '../../src/ports/dnc-store.ts';
import { attemptHistory } from '../../src/store/attempt-history.ts';
import { dncRepository } from '../../src/store/dnc-repository.ts';
import { DIALECTS } from '../support/databases.ts';
import { answers, contactsFor, HOUR, MINUTE, phoneNumbers, SECOND, startEngineHarness, T0, TIME_ZONE, type EngineHarness } from '../support/engine-harness.ts';

describe.each(DIALECTS)('preview and manual dial on %s', (dialect) => {
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** Agents at a desk (virtual agents of the floor are unattended and call their offers by themselves). */
  const deskAgents = async (count: number) => {
    for (let i = 1; i <= count; i++) await h!.engine.signInAgent({ agentCode: `Agent/900${i}`, stationId: `900${i}` });
    await h!.clock.advanceBy(0);
  };
  const agentState = (code: string) => h!.engine.agents().find((a) => a.agentCode === code)?.shift.state;
  const connectedTo = (callId: string) => {
    const e = h!.events.find((x) => x.type === 'connected' && x.callId === callId);
    return e?.type === 'connected' ? e.agentCode : undefined;
  };

  it('offers a due contact to each ready agent before any call, and Call bridges the customer to that agent only', async () => {
    const numbers = phoneNumbers(3, 100);
    h = await startEngineHarness({ dialect, sim: { agents: 0 }, fallback: answers(5, 30), defaultProfile: { dialMode: 'preview' } });
    await deskAgents(2);
    await h.sendCampaign({ id: 70, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor(numbers) });
    await h.clock.advanceBy(10 * SECOND);

    const first = h.engine.previewOffer('Agent/9001');
    const second = h.engine.previewOffer('Agent/9002');
    expect(first).toMatchObject({ campaignId: 70, attempts: 0, autoDialAt: null, linkEdit: `http://crm.test/contact/${first?.contactId}` });
    expect(second?.contactId).not.toBe(first?.contactId);
    expect(h.placed).toHaveLength(0);
    expect(agentState('Agent/9001')).toBe('reserved');

    const result = await h.engine.previewCall('Agent/9002');
    expect(result.ok).toBe(true);
    const callId = (result as { callId: string }).callId;
    expect(h.placed.map((p) => p.request.callId)).toEqual([callId]);
    expect(h.placed[0]!.request.tags).toMatchObject({ campaignId: 70, contactId: second!.contactId, attemptNo: 1 });
    await h.clock.advanceBy(10 * SECOND);
    expect(connectedTo(callId)).toBe('Agent/9002');
    expect(h.engine.previewOffer('Agent/9002')).toBeUndefined();
    // Agent/9001 still holds its offer: nothing was dialled for it.
    expect(h.engine.previewOffer('Agent/9001')?.contactId).toBe(first!.contactId);
    expect(h.placed).toHaveLength(1);

    await h.clock.advanceBy(MINUTE);
    const [update] = await h.updates(70);
    expect(update).toMatchObject({ callid: callId, status: 'ANSWERED', agentcode: 'Agent/9002', contact_id: second!.contactId });
  });

  it('Skip puts the contact back after the retry delay, spends no attempt, reports nothing, and offers the next contact', async () => {
    const numbers = phoneNumbers(2, 100);
    h = await startEngineHarness({ dialect, sim: { agents: 0 }, defaultProfile: { dialMode: 'preview', retry: { maxAttempts: 3, delaySeconds: 600 } } });
    await deskAgents(1);
    await h.sendCampaign({ id: 71, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor(numbers) });
    await h.clock.advanceBy(SECOND);
    const offered = h.engine.previewOffer('Agent/9001')!;
    expect(offered.contactId).toBe(1);

    expect(await h.engine.previewSkip('Agent/9001', 'no-such-reason')).toMatchObject({ ok: false, refusal: 'invalid' });
    expect(await h.engine.previewSkip('Agent/9001', 'wrong-data', 'number belongs to someone else')).toEqual({ ok: true, callId: null });
    await h.clock.advanceBy(SECOND);

    const skipped = await h.store.getContact(71, 1);
    expect(skipped).toMatchObject({ state: 'pending', attempts: 0, nextAttemptAt: T0 + SECOND + 600 * SECOND });
    expect(skipped!.waitReason).toBe('skipped by Agent/9001: wrong-data (number belongs to someone else)');
    expect(await h.updates(71)).toEqual([]);
    expect(h.placed).toHaveLength(0);
    expect(h.engine.previewOffer('Agent/9001')?.contactId).toBe(2);

    // Skipping the other one too: nothing is due until the first comes back after the delay.
    await h.engine.previewSkip('Agent/9001', 'not-now');
    await h.clock.advanceBy(SECOND);
    expect(h.engine.previewOffer('Agent/9001')).toBeUndefined();
    expect(agentState('Agent/9001')).toBe('ready');
    await h.clock.advanceBy(600 * SECOND);
    expect(h.engine.previewOffer('Agent/9001')?.contactId).toBe(1);
  });

  it('the countdown dials the offer by itself when the agent does neither', async () => {
    h = await startEngineHarness({ dialect, sim: { agents: 0 }, defaultProfile: { dialMode: 'preview', previewAutoDialSeconds: 15 } });
    await deskAgents(1);
    await h.sendCampaign({ id: 72, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor(phoneNumbers(1, 100)) });
    await h.clock.advanceBy(SECOND);
    const offer = h.engine.previewOffer('Agent/9001')!;
    expect(offer.autoDialAt).toBe(offer.offeredAt + 15 * SECOND);
    await h.clock.advanceTo(offer.autoDialAt! - 1);
    expect(h.placed).toHaveLength(0);
    await h.clock.advanceTo(offer.autoDialAt!);
    expect(h.placed).toHaveLength(1);
    expect(h.placed[0]!.at).toBe(offer.autoDialAt);
    await h.clock.advanceBy(10 * SECOND);
    expect(connectedTo(h.placed[0]!.request.callId)).toBe('Agent/9001');
  });

  it('checks compliance again before dialling: a number listed after the offer is not called and is reported DNC', async () => {
    const numbers = phoneNumbers(2, 100);
    const listed = new Set<string>();
    const policy = (base: DialPolicy): DialPolicy => ({
      ...base,
      async checkContact(contact, campaign, profile, now, options) {
        if (listed.has(contact.dialNumber)) return { kind: 'dnc', reason: 'dnc (source: test)' };
        return base.checkContact(contact, campaign, profile, now, options);
      },
    });
    h = await startEngineHarness({ dialect, sim: { agents: 0 }, policy, defaultProfile: { dialMode: 'preview' } });
    await deskAgents(1);
    await h.sendCampaign({ id: 73, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor(numbers) });
    await h.clock.advanceBy(SECOND);
    expect(h.engine.previewOffer('Agent/9001')?.contactId).toBe(1);

    listed.add(numbers[0]!);
    expect(await h.engine.previewCall('Agent/9001')).toMatchObject({ ok: false, refusal: 'dnc' });
    await h.clock.advanceBy(SECOND);
    expect(h.placed).toHaveLength(0);
    expect(await h.updates(73)).toMatchObject([{ contact_id: 1, status: 'DNC' }]);
    expect(await h.store.getContact(73, 1)).toMatchObject({ state: 'final', outcome: 'dnc', attempts: 0 });
    // The agent is offered the next contact.
    expect(h.engine.previewOffer('Agent/9001')?.contactId).toBe(2);
  });

  it('an unattended agent (a virtual agent of the floor) calls its offers by itself after a short look', async () => {
    h = await startEngineHarness({ dialect, sim: { agents: 1 }, fallback: answers(3, 20), defaultProfile: { dialMode: 'preview' } });
    await h.sendCampaign({ id: 76, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor(phoneNumbers(2, 100)) });
    await h.clock.advanceBy(SECOND);
    const offer = h.engine.previewOffer('Agent/9001')!;
    expect(offer.autoDialAt).toBe(offer.offeredAt + 2 * SECOND);
    expect(await h.runUntilFinished(76, HOUR, 10 * SECOND)).toBe(true);
    expect((await h.updates(76)).map((u) => [u.contact_id, u.status, u.agentcode])).toEqual([
      [1, 'ANSWERED', 'Agent/9001'],
      [2, 'ANSWERED', 'Agent/9001'],
    ]);
  });

  it('withdraws the offer when the agent pauses: the contact stays due and no call is placed', async () => {
    h = await startEngineHarness({ dialect, sim: { agents: 0 }, defaultProfile: { dialMode: 'preview' } });
    await deskAgents(1);
    await h.sendCampaign({ id: 74, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor(phoneNumbers(1, 100)) });
    await h.clock.advanceBy(SECOND);
    expect(h.engine.previewOffer('Agent/9001')).toBeDefined();
    h.engine.pauseAgent('Agent/9001', 'Break');
    await h.clock.advanceBy(MINUTE);
    expect(h.engine.previewOffer('Agent/9001')).toBeUndefined();
    expect(agentState('Agent/9001')).toBe('paused');
    expect(await h.store.getContact(74, 1)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(h.placed).toHaveLength(0);
    h.engine.readyAgent('Agent/9001');
    await h.clock.advanceBy(SECOND);
    expect(h.engine.previewOffer('Agent/9001')?.contactId).toBe(1);
  });

  it('withdraws the offer when a supervisor pauses its campaign, refuses a Call meanwhile, and offers the contact again after resume', async () => {
    h = await startEngineHarness({ dialect, sim: { agents: 0 }, defaultProfile: { dialMode: 'preview' } });
    await deskAgents(1);
    await h.sendCampaign({ id: 75, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor(phoneNumbers(1, 100)) });
    await h.clock.advanceBy(SECOND);
    expect(h.engine.previewOffer('Agent/9001')?.campaignId).toBe(75);
    expect(await h.engine.controls.pause(75, 'sup1')).toMatchObject({ ok: true });
    await h.clock.advanceBy(SECOND);
    expect(h.engine.previewOffer('Agent/9001')).toBeUndefined();
    expect(await h.engine.previewCall('Agent/9001')).toMatchObject({ ok: false, refusal: 'no-offer' });
    expect(agentState('Agent/9001')).toBe('ready');
    await h.clock.advanceBy(MINUTE);
    expect(h.engine.previewOffer('Agent/9001')).toBeUndefined();
    expect(h.placed).toHaveLength(0);
    expect(await h.store.getContact(75, 1)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(await h.engine.controls.resume(75, 'sup1')).toMatchObject({ ok: true });
    await h.clock.advanceBy(SECOND);
    expect(h.engine.previewOffer('Agent/9001')?.contactId).toBe(1);
  });

  it('a manual call cut off by a crash is ended as failed at the next start', async () => {
    const before = await startEngineHarness({ dialect, sim: { agents: 0 }, fallback: answers(3, 600) });
    h = before;
    await deskAgents(1);
    const placed = await before.engine.manualDial('Agent/9001', '0912000555');
    expect(placed.ok).toBe(true);
    await before.clock.advanceBy(10 * SECOND);
    expect(before.engine.liveCalls().map((c) => [c.callId, c.state])).toEqual([[(placed as { callId: string }).callId, 'connected']]);
    await before.crash();

    const after = await startEngineHarness({ dialect, database: before.database!, startAt: T0 + 90 * SECOND, sim: { agents: 0 } });
    try {
      const [row] = await after.manualCalls!.list({ from: 0, to: T0 + HOUR, limit: 10 });
      expect(row).toMatchObject({ callId: (placed as { callId: string }).callId, state: 'ended', status: 'FAILED', cause: 'lost in a restart', endedAt: T0 + 90 * SECOND });
      expect(await after.manualCalls!.open()).toEqual([]);
    } finally {
      await after.close();
    }
  });

  describe('manual dial under the compliance rules (vn-decree-91)', () => {
    let dnc: DncStore;
    const start = () =>
      startEngineHarness({
        dialect,
        sim: { agents: 0 },
        fallback: answers(4, 20),
        defaultProfile: { ruleSet: 'vn-decree-91', purpose: 'advertising', callerId: 'CCS-BRAND' },
        policy: (_base, db, track) => {
          dnc = track(dncRepository(db!));
          return complianceDialPolicy({ dnc, history: track(attemptHistory(db!)), timeZone: TIME_ZONE, logger: silentLogger });
        },
      });

    it('places an allowed number for that agent only, logs it, and reports nothing to the CRM', async () => {
      h = await start();
      await deskAgents(1);
      const result = await h.engine.manualDial('Agent/9001', '0912 000 222');
      expect(result.ok).toBe(true);
      const callId = (result as { callId: string }).callId;
      expect(h.placed.map((p) => p.request)).toMatchObject([{ callId, number: '0912000222', tags: { campaignId: 0, contactId: 0, attemptNo: 0 } }]);
      await h.clock.advanceBy(10 * SECOND);
      expect(connectedTo(callId)).toBe('Agent/9001');
      await h.clock.advanceBy(MINUTE);
      const [row] = await h.manualCalls!.list({ from: 0, to: T0 + HOUR, limit: 10 });
      expect(row).toMatchObject({ callId, agentCode: 'Agent/9001', dialNumber: '0912000222', state: 'ended', status: 'ANSWERED', startedAt: T0 });
      expect(row!.audit).toMatchObject({ ruleSet: 'vn-decree-91', checks: expect.arrayContaining(['dnc', 'hours', 'frequency-cap-24h']) });
      expect(await h.store.listCallbacks({ limit: 100 })).toEqual([]);
    });

    it('refuses a listed number, a number called within 24 h, and any number outside calling hours, with the reason, and logs each refusal', async () => {
      h = await start();
      await deskAgents(1);
      await dnc.add('0912000111', 'customer request', T0);
      expect(await h.engine.manualDial('Agent/9001', '+84 912 000 111')).toMatchObject({ ok: false, refusal: 'dnc', reason: 'dnc (source: customer request)' });
      expect(agentState('Agent/9001')).toBe('ready');
      expect(await h.engine.manualDial('Agent/9001', 'abc')).toMatchObject({ ok: false, refusal: 'invalid' });

      expect((await h.engine.manualDial('Agent/9001', '0912000222')).ok).toBe(true);
      await h.clock.advanceBy(MINUTE);
      expect(h.engine.readyAgent('Agent/9001')).toEqual({ ok: true }); // leaves wrap-up
      const again = await h.engine.manualDial('Agent/9001', '0912000222');
      expect(again).toMatchObject({ ok: false, refusal: 'frequency-cap' });

      await h.clock.advanceTo(T0 + 8 * HOUR + 30 * MINUTE); // 17:30 local
      expect(await h.engine.manualDial('Agent/9001', '0912000333')).toMatchObject({ ok: false, refusal: 'hours' });
      expect(h.placed).toHaveLength(1);

      const rows = await h.manualCalls!.list({ from: 0, to: T0 + DAYS, limit: 10 });
      expect(rows.map((r) => [r.dialNumber, r.state, r.cause?.split(/[: ]/)[0]])).toEqual([
        ['+84912000111', 'refused', 'dnc'],
        ['0912000222', 'ended', 'normal'],
        ['0912000222', 'refused', 'frequency-cap-24h'],
        ['0912000333', 'refused', 'outside-legal-hours'],
      ]);
    });

    it('a manual call counts towards the frequency cap of campaign contacts with the same number', async () => {
      h = await start();
      await deskAgents(1);
      expect((await h.engine.manualDial('Agent/9001', '0912000444')).ok).toBe(true);
      await h.clock.advanceBy(2 * MINUTE);
      await h.sendCampaign({ id: 75, startsAt: T0 + 3 * MINUTE, endsAt: T0 + 6 * HOUR, contacts: [{ id: 1, phone: '0912000444' }] });
      await h.clock.advanceBy(10 * MINUTE);
      expect(h.placedFor(75)).toHaveLength(0);
      expect((await h.store.getContact(75, 1))!.waitReason).toMatch(/^frequency-cap-24h/);
    });
  });
});

const DAYS = 24 * HOUR;
