/**
 * Campaign profiles by `typeid` (decision 3.10) in virtual time, on SQLite and PostgreSQL:
 * caller id, ring timeout, retry rule and agent group come from the campaign's profile (the
 * default one for an absent or unknown typeid), and a profile's calling hours bound when
 * calls start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { wallClockAt } from '../../src/domain/local-time.ts';
import { DIALECTS } from '../support/databases.ts';
import {
  answers,
  contactsFor,
  HOUR,
  MINUTE,
  phoneNumbers,
  ringsForever,
  startEngineHarness,
  T0,
  TIME_ZONE,
  type EngineHarness,
} from '../support/engine-harness.ts';

describe.each(DIALECTS)('campaign profiles on %s', (dialect) => {
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('dials each campaign with the caller id, ring timeout, retry rule and agent group of its typeid', async () => {
    const sales = phoneNumbers(3, 100);
    const care = phoneNumbers(2, 200);
    const other = phoneNumbers(2, 300);
    h = await startEngineHarness({
      dialect,
      sim: { agents: 3 },
      fallback: answers(3, 30),
      numbers: { [sales[2]!]: ringsForever, [care[1]!]: ringsForever },
      settings: {
        agents: [
          { agentCode: 'Agent/9001', stationId: '9001', group: 'sales' },
          { agentCode: 'Agent/9002', stationId: '9002', group: 'sales' },
          { agentCode: 'Agent/9003', stationId: '9003', group: 'default' },
        ],
      },
      defaultProfile: { callerId: '19001000', ringTimeoutSeconds: 25, retry: { maxAttempts: 3, delaySeconds: 300 } },
      profiles: [{ name: 'sales', typeIds: [5, 6], callerId: '02873000111', ringTimeoutSeconds: 15, agentGroup: 'sales', retry: { maxAttempts: 2, delaySeconds: 120 } }],
    });
    await h.sendCampaign({ id: 40, typeId: 6, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor(sales) });
    await h.sendCampaign({ id: 41, typeId: 99, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor(care) });
    await h.sendCampaign({ id: 42, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor(other) });
    for (const id of [40, 41, 42]) expect(await h.runUntilFinished(id, 3 * HOUR)).toBe(true);

    for (const p of h.placedFor(40)) expect(p.request).toMatchObject({ callerId: '02873000111', ringTimeoutSeconds: 15 });
    for (const p of [...h.placedFor(41), ...h.placedFor(42)]) expect(p.request).toMatchObject({ callerId: '19001000', ringTimeoutSeconds: 25 });

    const salesUpdates = await h.updates(40);
    const defaultUpdates = [...(await h.updates(41)), ...(await h.updates(42))];
    for (const u of salesUpdates.filter((x) => x.status === 'ANSWERED')) expect(['Agent/9001', 'Agent/9002']).toContain(u.agentcode);
    for (const u of defaultUpdates.filter((x) => x.status === 'ANSWERED')) expect(u).toMatchObject({ agentcode: 'Agent/9003', station_id: '9003' });

    // Ring timeout and retry rule of each profile, seen on the contacts that never answer.
    const salesRinger = salesUpdates.filter((u) => u.contact_id === 3);
    expect(salesRinger.map((u) => [u.status, u.duration, u.ringtime])).toEqual([
      ['NO ANSWER', 15, 15],
      ['NO ANSWER', 15, 15],
    ]);
    const careRinger = defaultUpdates.filter((u) => u.campaignid === 41 && u.contact_id === 2);
    expect(careRinger.map((u) => [u.status, u.duration])).toEqual([
      ['NO ANSWER', 25],
      ['NO ANSWER', 25],
      ['NO ANSWER', 25],
    ]);
  });

  it('starts calls only inside the calling hours of the profile', async () => {
    // T0 is 09:00 local; the campaign starts at 11:00 and runs into the next day.
    h = await startEngineHarness({
      dialect,
      sim: { agents: 1, wrapUpSeconds: 5 },
      fallback: answers(3, 600),
      profiles: [{ name: 'office', typeIds: [8], callingHours: [{ from: '08:00', to: '11:30' }, { from: '13:30', to: '17:00' }] }],
    });
    const startsAt = T0 + 2 * HOUR;
    await h.sendCampaign({ id: 43, typeId: 8, startsAt, endsAt: T0 + 26 * HOUR, contacts: contactsFor(phoneNumbers(40)) });
    await h.clock.advanceTo(T0 + 24 * HOUR + 30 * MINUTE);

    const local = (at: number) => {
      const w = wallClockAt(at, TIME_ZONE);
      return w.hour * 60 + w.minute + w.second / 60;
    };
    const minutes = h.placed.map((p) => local(p.at));
    expect(minutes.length).toBeGreaterThan(20);
    for (const m of minutes) expect((m >= 8 * 60 && m < 11.5 * 60) || (m >= 13.5 * 60 && m < 17 * 60)).toBe(true);
    const atLocal = (dayOffset: number, hhmm: number) => T0 - 9 * HOUR + dayOffset * 24 * HOUR + hhmm * MINUTE;
    const times = h.placed.map((p) => p.at);
    expect(times[0]).toBe(startsAt);
    // Each window opens with a call at its first instant (the agent is free by then).
    expect(times).toContain(atLocal(0, 13 * 60 + 30));
    expect(times).toContain(atLocal(1, 8 * 60));
    expect(times.some((t) => t > atLocal(0, 11 * 60 + 30) && t < atLocal(0, 13 * 60 + 30))).toBe(false);
    expect(times.some((t) => t >= atLocal(0, 17 * 60) && t < atLocal(1, 8 * 60))).toBe(false);
  });
});
