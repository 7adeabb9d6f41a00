/**
 * Do-not-call numbers on the simulated floor (decision 3.12): screened at receipt, and
 * checked again just before each dial, so a number listed while its campaign runs is never
 * called. Each is reported once with the contract's DNC update and is not a success.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../support/databases.ts';
import { DAY, fmt, local, MINUTE, SECOND, startComplianceHarness, type ComplianceHarness } from '../../support/compliance-harness.ts';

const ads = { name: 'ads', typeIds: [1], purpose: 'advertising' as const, ruleSet: 'vn-decree-91', callerId: 'CCS-BRAND' };

describe.each(DIALECTS)('do-not-call handling on %s', (dialect) => {
  let h: ComplianceHarness;
  afterEach(async () => h?.close());

  it('makes contacts on the list final at receipt with one DNC update each, and never dials them', async () => {
    const receivedAt = local(2026, 1, 5, 8, 30, 15);
    h = await startComplianceHarness({ dialect, startAt: receivedAt, profiles: [ads] });
    await h.dnc.add('+84912000002', 'national-register', receivedAt - DAY);
    await h.dnc.add('0912000003', 'customer-request', receivedAt - DAY);

    const outcome = await h.send({
      id: 11,
      typeId: 1,
      startsAt: local(2026, 1, 5, 9),
      endsAt: local(2026, 1, 5, 16),
      contacts: [
        { id: 1, phone: '0912000001' },
        { id: 2, phone: '0912 000 002' },
        { id: 3, phone: '84912000003' },
      ],
    });
    expect(outcome).toEqual({ ok: true, campaignId: 11 });

    expect((await h.store.getContact(11, 2))).toMatchObject({ state: 'final', outcome: 'dnc', lastStatus: 'DNC', attempts: 0 });
    expect((await h.store.getContact(11, 3))).toMatchObject({ state: 'final', outcome: 'dnc' });
    expect(await h.updates(11)).toEqual([
      {
        campaignid: 11,
        contact_id: 2,
        phonenumber: '0912 000 002',
        agentcode: null,
        station_id: null,
        starttime: '2026-01-05 08:30:15',
        answertime: null,
        endtime: '2026-01-05 08:30:15',
        duration: 0,
        ringtime: 0,
        link_down_record: null,
        status: 'DNC',
        callid: 'dnc-11-2',
      },
      expect.objectContaining({ contact_id: 3, phonenumber: '84912000003', status: 'DNC', callid: 'dnc-11-3', duration: 0, ringtime: 0, starttime: '2026-01-05 08:30:15', endtime: '2026-01-05 08:30:15' }),
    ]);

    expect(await h.clock.runUntil(async () => (await h.finish(11)) !== undefined, 2 * 3600 * SECOND, MINUTE)).toBe(true);
    expect(h.placed.map((p) => p.request.tags.contactId)).toEqual([1]);
    expect(await h.finish(11)).toEqual({ campaignid: 11, status: 'completed', contact_total: 3, contact_success: 1 });
    const updates = await h.updates(11);
    expect(updates.filter((u) => u.status === 'DNC')).toHaveLength(2);
    expect(updates.filter((u) => u.contact_id === 1).map((u) => u.status)).toEqual(['ANSWERED']);
  });

  it('does not call a number listed while its campaign runs, and reports it once when it comes up', async () => {
    h = await startComplianceHarness({ dialect, startAt: local(2026, 1, 5, 8, 59), profiles: [ads], agents: 1 });
    await h.send({
      id: 12,
      typeId: 1,
      startsAt: local(2026, 1, 5, 9),
      endsAt: local(2026, 1, 5, 16),
      contacts: [
        { id: 1, phone: '0912000001' },
        { id: 2, phone: '0912000002' },
        { id: 3, phone: '0912000003' },
      ],
    });
    expect(await h.updates(12)).toEqual([]);
    const decided: number[] = [];
    h.engine.events.on('contact:skipped', (e) => {
      if (e.reason === 'dnc') decided.push(e.at);
    });

    await h.clock.advanceTo(local(2026, 1, 5, 9, 0, 10));
    expect(h.placed.map((p) => p.request.tags.contactId)).toEqual([1]);
    await h.dnc.add('+84912000003', 'customer-request', h.clock.now());

    expect(await h.clock.runUntil(async () => (await h.finish(12)) !== undefined, 2 * 3600 * SECOND, 10 * SECOND)).toBe(true);
    expect(h.placedFor(12).map((p) => p.request.tags.contactId)).toEqual([1, 2]);
    expect(decided).toHaveLength(1);
    const dncUpdates = (await h.updates(12)).filter((u) => u.contact_id === 3);
    expect(dncUpdates).toEqual([
      {
        campaignid: 12,
        contact_id: 3,
        phonenumber: '0912000003',
        agentcode: null,
        station_id: null,
        starttime: fmt(decided[0]!),
        answertime: null,
        endtime: fmt(decided[0]!),
        duration: 0,
        ringtime: 0,
        link_down_record: null,
        status: 'DNC',
        callid: 'dnc-12-3',
      },
    ]);
    // It came up for dialling after contact 2, once the single agent was free again.
    expect(decided[0]!).toBeGreaterThan(h.placedFor(12, 2)[0]!.at);
    expect(await h.finish(12)).toEqual({ campaignid: 12, status: 'completed', contact_total: 3, contact_success: 2 });
  });
});
