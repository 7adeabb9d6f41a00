/**
 * The 24-hour cap of vn-decree-91 across campaigns on the simulated floor: a number called
 * by one campaign is held back in another (postponed with a visible reason, not skipped)
 * and dialled as soon as the cap allows, inside the legal hours and the campaign window.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { subscriberKey } from '../../../src/domain/phone-number.ts';
import { DIALECTS } from '../../support/databases.ts';
import { DAY, local, MINUTE, startComplianceHarness, type ComplianceHarness } from '../../support/compliance-harness.ts';

const ads = { name: 'ads', typeIds: [1], purpose: 'advertising' as const, ruleSet: 'vn-decree-91', callerId: 'CCS-BRAND' };

describe.each(DIALECTS)('frequency caps on %s', (dialect) => {
  let h: ComplianceHarness;
  afterEach(async () => h?.close());

  it('postpones a number already called by another campaign within 24 hours, then dials it when allowed', async () => {
    h = await startComplianceHarness({ dialect, startAt: local(2026, 1, 5, 8, 50), profiles: [ads], agents: 2 });
    await h.send({ id: 21, typeId: 1, startsAt: local(2026, 1, 5, 9), endsAt: local(2026, 1, 5, 16), contacts: [{ id: 1, phone: '0912000001' }] });
    await h.send({
      id: 22,
      typeId: 1,
      startsAt: local(2026, 1, 5, 10),
      endsAt: local(2026, 1, 6, 16),
      contacts: [
        { id: 1, phone: '+84912000001' },
        { id: 2, phone: '0912000009' },
      ],
    });

    await h.clock.advanceTo(local(2026, 1, 5, 10, 30));
    const first = h.placedFor(21, 1);
    expect(first.map((p) => p.at)).toEqual([local(2026, 1, 5, 9)]);
    expect(h.placedFor(22).map((p) => p.request.tags.contactId)).toEqual([2]);
    const held = await h.store.getContact(22, 1);
    expect(held).toMatchObject({ state: 'pending', attempts: 0, nextAttemptAt: first[0]!.at + DAY });
    expect(held!.waitReason).toBe('frequency-cap-24h (vn-decree-91: at most 1 call per 24h to one number, all campaigns)');
    expect(h.logs.some((l) => l.msg === 'contact waits' && l.fields.campaignId === 22 && l.fields.contactId === 1 && String(l.fields.reason).startsWith('frequency-cap-24h'))).toBe(true);

    await h.clock.advanceTo(local(2026, 1, 6, 8, 59));
    expect(h.placedFor(22, 1)).toEqual([]);
    await h.clock.advanceTo(local(2026, 1, 6, 9, 30));
    const second = h.placedFor(22, 1);
    expect(second.map((p) => p.at)).toEqual([first[0]!.at + DAY]);
    expect(await h.store.getContact(22, 1)).toMatchObject({ state: 'final', outcome: 'answered' });

    // Never two calls to one subscriber within 24 hours, across both campaigns.
    const times = h.placed.filter((p) => subscriberKey(p.request.number) === '+84912000001').map((p) => p.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(DAY);
    const [attempt] = await h.store.listAttempts({ campaignId: 22, contactId: 1, limit: 10 });
    expect(attempt!.audit).toMatchObject({ ruleSet: 'vn-decree-91', recentAttempts: { '24h': 0 }, checks: ['brand-caller-id', 'hours', 'dnc', 'frequency-cap-24h'] });
  });

  it('counts unanswered attempts too: a retry waits 24 hours instead of the profile’s retry delay', async () => {
    h = await startComplianceHarness({
      dialect,
      startAt: local(2026, 1, 5, 8, 50),
      profiles: [{ ...ads, retry: { maxAttempts: 3, delaySeconds: 1800 } }],
      numbers: { '0912000001': { kind: 'refuse', cause: 'busy', afterSeconds: 3, rings: true, detail: 'busy' } },
    });
    await h.send({ id: 23, typeId: 1, startsAt: local(2026, 1, 5, 9), endsAt: local(2026, 1, 7, 16), contacts: [{ id: 1, phone: '0912000001' }] });
    await h.clock.advanceTo(local(2026, 1, 7, 12));
    expect(h.placedFor(23).map((p) => p.at)).toEqual([local(2026, 1, 5, 9), local(2026, 1, 6, 9), local(2026, 1, 7, 9)]);
  });

  it('leaves a capped contact pending when the cap lifts only after the campaign ends, and the campaign expires', async () => {
    h = await startComplianceHarness({ dialect, startAt: local(2026, 1, 5, 8, 50), profiles: [ads], agents: 2 });
    await h.send({ id: 24, typeId: 1, startsAt: local(2026, 1, 5, 9), endsAt: local(2026, 1, 5, 16), contacts: [{ id: 1, phone: '0912000001' }] });
    await h.send({ id: 25, typeId: 1, startsAt: local(2026, 1, 5, 9, 30), endsAt: local(2026, 1, 5, 16), contacts: [{ id: 1, phone: '0912000001' }] });
    expect(await h.clock.runUntil(async () => (await h.finish(25)) !== undefined, DAY, 10 * MINUTE)).toBe(true);
    expect(h.placedFor(25)).toEqual([]);
    expect(await h.finish(25)).toEqual({ campaignid: 25, status: 'expired', contact_total: 1, contact_success: 0 });
    expect(await h.updates(25)).toEqual([]);
  });
});
