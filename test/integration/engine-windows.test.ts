/**
 * The campaign window in virtual time, on SQLite and PostgreSQL: nothing is dialled before
 * `starttime` or from `endtime` on; `endtime` finishes the campaign as `expired` once its last
 * call has ended; a campaign whose contacts are all final finishes `completed` at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import {
  answers,
  busy,
  contactsFor,
  HOUR,
  MINUTE,
  parseReported,
  phoneNumbers,
  ringsForever,
  SECOND,
  startEngineHarness,
  T0,
  type EngineHarness,
  type HarnessOptions,
} from '../support/engine-harness.ts';

describe.each(DIALECTS)('campaign window on %s', (dialect) => {
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const start = async (options: Omit<HarnessOptions, 'dialect'> = {}) => (h = await startEngineHarness({ dialect, ...options }));

  it('dials nothing before starttime and starts dialling at starttime', async () => {
    const h = await start({ sim: { agents: 2 } });
    const startsAt = T0 + 10 * MINUTE;
    await h.sendCampaign({ id: 1, startsAt, endsAt: startsAt + HOUR, contacts: contactsFor(phoneNumbers(3)) });
    await h.clock.advanceTo(startsAt - 1);
    expect(h.placed).toEqual([]);
    await h.clock.advanceTo(startsAt + SECOND);
    expect(h.placed.length).toBe(2); // one leg per free agent
    expect(h.placed.every((p) => p.at === startsAt)).toBe(true);
  });

  it('places no call from endtime on, lets connected calls finish and then reports expired with the totals', async () => {
    const numbers = phoneNumbers(12);
    // Everyone answers and talks 10 minutes; the window holds only a few rounds of 2 agents.
    const h = await start({ sim: { agents: 2 }, fallback: answers(5, 600), numbers: { [numbers[11]!]: ringsForever } });
    const endsAt = T0 + 25 * MINUTE;
    await h.sendCampaign({ id: 2, startsAt: T0, endsAt, contacts: contactsFor(numbers) });
    expect(await h.runUntilFinished(2, 2 * HOUR)).toBe(true);

    expect(h.placed.length).toBeGreaterThan(0);
    expect(h.placed.every((p) => p.at < endsAt)).toBe(true);
    const finished = h.finished.get(2)!;
    expect(finished.status).toBe('expired');

    const updates = await h.updates(2);
    expect(updates.length).toBe(h.placed.length); // every leg reported
    // The calls up at endtime were connected: not cut, they end after their 10 minutes.
    const cutLate = updates.filter((u) => parseReported(u.endtime) > endsAt);
    expect(cutLate.length).toBeGreaterThan(0);
    for (const u of cutLate) {
      expect(u.status).toBe('ANSWERED');
      expect(u.duration).toBeGreaterThanOrEqual(600);
    }
    // finishCampaign comes after the last call, with the contract's totals.
    const lastEnd = Math.max(...updates.map((u) => parseReported(u.endtime)));
    expect(finished.at).toBeGreaterThanOrEqual(lastEnd);
    const answered = new Set(updates.filter((u) => u.status === 'ANSWERED').map((u) => u.contact_id));
    expect(await h.finishPayload(2)).toEqual({ campaignid: 2, status: 'expired', contact_total: 12, contact_success: answered.size });
    expect(answered.size).toBeLessThan(12);
  });

  it('hangs up legs still ringing at endtime and reports them NO ANSWER', async () => {
    const numbers = phoneNumbers(2);
    const h = await start({ sim: { agents: 2 }, fallback: ringsForever, defaultProfile: { ringTimeoutSeconds: 300 } });
    const endsAt = T0 + 2 * MINUTE;
    await h.sendCampaign({ id: 3, startsAt: T0, endsAt, contacts: contactsFor(numbers) });
    expect(await h.runUntilFinished(3, HOUR, 10 * SECOND)).toBe(true);
    expect(h.hangups.map((x) => x.at)).toEqual([endsAt, endsAt]);
    const updates = await h.updates(3);
    expect(updates.map((u) => u.status)).toEqual(['NO ANSWER', 'NO ANSWER']);
    expect(updates.every((u) => u.endtime === updates[0]!.endtime && parseReported(u.endtime) === endsAt)).toBe(true);
    expect(h.finished.get(3)).toEqual({ status: 'expired', at: endsAt });
    expect(await h.finishPayload(3)).toEqual({ campaignid: 3, status: 'expired', contact_total: 2, contact_success: 0 });
  });

  it('finishes completed as soon as every contact is final, before endtime', async () => {
    const [a, b, c] = phoneNumbers(3);
    const h = await start({
      sim: { agents: 2 },
      numbers: { [a!]: answers(5, 30), [b!]: busy(3), [c!]: answers(2, 45) },
      defaultProfile: { retry: { maxAttempts: 2, delaySeconds: 600 } },
    });
    const endsAt = T0 + 8 * HOUR;
    await h.sendCampaign({ id: 4, startsAt: T0, endsAt, contacts: contactsFor([a!, b!, c!]) });
    expect(await h.runUntilFinished(4, 9 * HOUR)).toBe(true);
    const updates = await h.updates(4);
    const lastEnd = Math.max(...updates.map((u) => parseReported(u.endtime)));
    const finished = h.finished.get(4)!;
    expect(finished.status).toBe('completed');
    expect(finished.at).toBeLessThan(endsAt);
    // Finished with the last call (the busy contact's second attempt), not at endtime.
    expect(finished.at - lastEnd).toBeLessThan(SECOND);
    expect(updates.map((u) => [u.contact_id, u.status])).toEqual(
      expect.arrayContaining([
        [1, 'ANSWERED'],
        [2, 'BUSY'],
        [2, 'BUSY'],
        [3, 'ANSWERED'],
      ]),
    );
    expect(updates.length).toBe(4);
    expect(await h.finishPayload(4)).toEqual({ campaignid: 4, status: 'completed', contact_total: 3, contact_success: 2 });
  });
});
