/**
 * Calling hours in virtual time on the simulated floor: the legal hours of vn-decree-91
 * (08:00–17:00 Vietnam time), profile hours that span midnight, and the campaign window,
 * combined so that the most restrictive wins. No leg is ever placed outside any of them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { wallClockAt } from '../../../src/domain/local-time.ts';
import { DIALECTS } from '../../support/databases.ts';
import { HOUR, local, MINUTE, startComplianceHarness, TIME_ZONE, type ComplianceHarness } from '../../support/compliance-harness.ts';

const ads = { name: 'ads', typeIds: [1], purpose: 'advertising' as const, ruleSet: 'vn-decree-91', callerId: 'CCS-BRAND' };
const minuteOfDay = (at: number) => {
  const w = wallClockAt(at, TIME_ZONE);
  return w.hour * 60 + w.minute + w.second / 60;
};
const contacts = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1, phone: `0912${String(i + 1).padStart(6, '0')}` }));
const talks = (seconds: number, n: number) => Object.fromEntries(contacts(n).map((c) => [c.phone, { kind: 'answer' as const, answerAfterSeconds: 5, talkSeconds: seconds }]));

describe.each(DIALECTS)('calling hours on %s', (dialect) => {
  let h: ComplianceHarness;
  afterEach(async () => h?.close());

  it('stops advertising calls at 17:00, waits over midnight, resumes at 08:00 and stops at the campaign’s endtime', async () => {
    h = await startComplianceHarness({ dialect, startAt: local(2026, 1, 5, 16, 40), profiles: [ads], agents: 1, numbers: talks(110, 30) });
    await h.send({ id: 31, typeId: 1, startsAt: local(2026, 1, 5, 16, 50), endsAt: local(2026, 1, 6, 8, 20), contacts: contacts(30) });
    expect(await h.clock.runUntil(async () => (await h.finish(31)) !== undefined, 20 * HOUR, MINUTE)).toBe(true);

    const times = h.placed.map((p) => p.at);
    expect(times[0]).toBe(local(2026, 1, 5, 16, 50));
    for (const t of times) {
      expect(minuteOfDay(t)).toBeGreaterThanOrEqual(8 * 60);
      expect(minuteOfDay(t)).toBeLessThan(17 * 60);
      expect(t).toBeLessThan(local(2026, 1, 6, 8, 20));
    }
    const evening = times.filter((t) => t < local(2026, 1, 6, 0));
    const morning = times.filter((t) => t >= local(2026, 1, 6, 0));
    expect(evening.length).toBeGreaterThan(0);
    expect(morning[0]).toBe(local(2026, 1, 6, 8));
    expect(morning.length).toBeGreaterThan(0);
    expect(await h.finish(31)).toMatchObject({ status: 'expired', contact_total: 30 });
    expect(h.logs.some((l) => l.msg === 'campaign waits: outside calling hours' && String(l.fields.reason).startsWith('outside-legal-hours (vn-decree-91: 08:00–17:00 Asia/Ho_Chi_Minh)'))).toBe(true);
  });

  it('does not dial before 08:00 even when the campaign starts earlier', async () => {
    h = await startComplianceHarness({ dialect, startAt: local(2026, 1, 5, 6), profiles: [ads], agents: 1 });
    await h.send({ id: 32, typeId: 1, startsAt: local(2026, 1, 5, 7), endsAt: local(2026, 1, 5, 12), contacts: contacts(1) });
    await h.clock.advanceTo(local(2026, 1, 5, 7, 59, 59));
    expect(h.placed).toEqual([]);
    await h.clock.advanceTo(local(2026, 1, 5, 8, 5));
    expect(h.placed.map((p) => p.at)).toEqual([local(2026, 1, 5, 8)]);
  });

  it('dials only while profile hours spanning midnight and the legal hours are both open', async () => {
    const evening = { ...ads, callingHours: [{ from: '16:30', to: '02:00' }] };
    h = await startComplianceHarness({ dialect, startAt: local(2026, 1, 5, 9), profiles: [evening], agents: 1, numbers: talks(170, 40) });
    await h.send({ id: 33, typeId: 1, startsAt: local(2026, 1, 5, 10), endsAt: local(2026, 1, 7, 10), contacts: contacts(40) });
    await h.clock.advanceTo(local(2026, 1, 7, 10, 30));
    const times = h.placed.map((p) => p.at);
    expect(times.length).toBeGreaterThan(10);
    for (const t of times) {
      expect(minuteOfDay(t)).toBeGreaterThanOrEqual(16 * 60 + 30);
      expect(minuteOfDay(t)).toBeLessThan(17 * 60);
    }
    expect(times).toContain(local(2026, 1, 5, 16, 30));
    expect(times).toContain(local(2026, 1, 6, 16, 30));
  });

  it('dials across midnight inside profile hours 22:00–02:00 when no legal hours apply', async () => {
    const night = { name: 'night', typeIds: [2], purpose: 'care' as const, ruleSet: 'none', callingHours: [{ from: '22:00', to: '02:00' }] };
    h = await startComplianceHarness({ dialect, startAt: local(2026, 1, 5, 20), profiles: [night], agents: 1, numbers: talks(590, 40) });
    await h.send({ id: 34, typeId: 2, startsAt: local(2026, 1, 5, 21), endsAt: local(2026, 1, 6, 3), contacts: contacts(40) });
    expect(await h.clock.runUntil(async () => (await h.finish(34)) !== undefined, 8 * HOUR, MINUTE)).toBe(true);
    const times = h.placed.map((p) => p.at);
    expect(times[0]).toBe(local(2026, 1, 5, 22));
    for (const t of times) expect(t >= local(2026, 1, 5, 22) && t < local(2026, 1, 6, 2)).toBe(true);
    expect(times.some((t) => t >= local(2026, 1, 6, 0))).toBe(true);
    expect(await h.finish(34)).toMatchObject({ status: 'expired' });
  });
});
