/**
 * Crash safety of the engine in virtual time, on SQLite and PostgreSQL. When CCS dies with
 * calls in flight, or the PBX restarts and forgets its calls, every attempt whose outcome is
 * unknown is reported once with the best status known (connected → ANSWERED, else FAILED),
 * retried if attempts remain, and no contact is dialled beyond its limit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { attemptCallId } from '../../src/domain/callbacks.ts';
import { DIALECTS } from '../support/databases.ts';
import {
  answers,
  busy,
  contactsFor,
  HOUR,
  MINUTE,
  phoneNumbers,
  ringsForever,
  SECOND,
  startEngineHarness,
  T0,
  type EngineHarness,
  type HarnessOptions,
} from '../support/engine-harness.ts';

describe.each(DIALECTS)('recovery on %s', (dialect) => {
  const open: EngineHarness[] = [];
  afterEach(async () => {
    for (const h of open.splice(0).reverse()) await h.close();
  });
  const start = async (options: Omit<HarnessOptions, 'dialect'>) => {
    const h = await startEngineHarness({ dialect, ...options });
    open.push(h);
    return h;
  };

  it('after a crash of CCS, reports the calls it had in flight once and retries the unreached ones', async () => {
    const [talker, ringer, busyOne, late] = phoneNumbers(4);
    const profile = { retry: { maxAttempts: 3, delaySeconds: 600 }, ringTimeoutSeconds: 120 };
    const before = await start({
      sim: { agents: 3 },
      numbers: { [talker!]: answers(3, 300), [ringer!]: ringsForever, [busyOne!]: busy(2), [late!]: answers(3, 300) },
      defaultProfile: profile,
    });
    await before.sendCampaign({ id: 50, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor([talker!, ringer!, busyOne!, late!]) });
    await before.clock.advanceBy(30 * SECOND);
    expect(before.engine.liveCalls().map((c) => [c.contactId, c.state]).sort()).toEqual([
      [1, 'connected'],
      [2, 'ringing'],
      [4, 'connected'],
    ]);
    expect((await before.updates(50)).map((u) => u.callid)).toEqual([attemptCallId(50, 3, 1)]);
    await before.crash();

    // A minute later CCS is back, on a fresh floor where everyone now answers.
    const after = await start({ dialect, database: before.database!, startAt: T0 + 90 * SECOND, sim: { agents: 3 }, fallback: answers(3, 30), defaultProfile: profile } as HarnessOptions);
    const reconciled = await after.updates(50);
    expect(reconciled.map((u) => [u.callid, u.status]).sort()).toEqual(
      [
        [attemptCallId(50, 1, 1), 'ANSWERED'],
        [attemptCallId(50, 2, 1), 'FAILED'],
        [attemptCallId(50, 3, 1), 'BUSY'],
        [attemptCallId(50, 4, 1), 'ANSWERED'],
      ].sort(),
    );
    expect(await after.runUntilFinished(50, 2 * HOUR)).toBe(true);

    const updates = await after.updates(50);
    expect(new Set(updates.map((u) => u.callid)).size).toBe(updates.length); // one report per attempt
    expect(after.placedFor(50, 1)).toEqual([]); // answered before the crash: final
    expect(after.placedFor(50, 4)).toEqual([]);
    expect(after.placedFor(50, 2).map((p) => p.request.callId)).toEqual([attemptCallId(50, 2, 2)]);
    expect(after.placedFor(50, 3).map((p) => p.request.callId)).toEqual([attemptCallId(50, 3, 2)]);
    expect(await after.finishPayload(50)).toEqual({ campaignid: 50, status: 'completed', contact_total: 4, contact_success: 4 });
  });

  it('does not dial a contact again when its last attempt was in flight at the crash', async () => {
    const before = await start({ sim: { agents: 1 }, fallback: ringsForever, defaultProfile: { retry: { maxAttempts: 2, delaySeconds: 60 }, ringTimeoutSeconds: 20 } });
    await before.sendCampaign({ id: 51, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor(phoneNumbers(1)) });
    await before.clock.advanceBy(90 * SECOND); // attempt 1 rang out at +20 s, attempt 2 rings since +80 s
    expect(before.placed.map((p) => p.request.callId)).toEqual([attemptCallId(51, 1, 1), attemptCallId(51, 1, 2)]);
    await before.crash();

    const after = await start({ database: before.database!, startAt: T0 + 3 * MINUTE, sim: { agents: 1 }, fallback: answers(), defaultProfile: { retry: { maxAttempts: 2, delaySeconds: 60 } } });
    expect(await after.runUntilFinished(51, HOUR)).toBe(true);
    expect(after.placed).toEqual([]);
    expect((await after.updates(51)).map((u) => [u.callid, u.status])).toEqual([
      [attemptCallId(51, 1, 1), 'NO ANSWER'],
      [attemptCallId(51, 1, 2), 'FAILED'],
    ]);
    expect(await after.store.getContact(51, 1)).toMatchObject({ state: 'final', outcome: 'exhausted', attempts: 2 });
    expect(await after.finishPayload(51)).toEqual({ campaignid: 51, status: 'completed', contact_total: 1, contact_success: 0 });
  });

  it('after a restart of the PBX, reports the calls it forgot and carries on', async () => {
    const [talker, ringer] = phoneNumbers(2);
    const h = await start({
      sim: { agents: 2, wrapUpSeconds: 5 },
      numbers: { [talker!]: answers(3, 300), [ringer!]: ringsForever },
      defaultProfile: { retry: { maxAttempts: 3, delaySeconds: 120 }, ringTimeoutSeconds: 100 },
    });
    await h.sendCampaign({ id: 52, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor([talker!, ringer!]) });
    await h.clock.advanceBy(20 * SECOND);
    h.driver.crash({ downForMs: 30 * SECOND });
    await h.clock.advanceBy(10 * SECOND);
    expect(h.placed.length).toBe(2); // nothing is dialled while the PBX is down
    await h.clock.advanceBy(30 * SECOND);

    const updates = await h.updates(52);
    expect(updates.map((u) => [u.callid, u.status]).sort()).toEqual([
      [attemptCallId(52, 1, 1), 'ANSWERED'],
      [attemptCallId(52, 2, 1), 'FAILED'],
    ]);
    // The agent who was talking is free again, and the unreached contact is retried.
    await h.clock.advanceBy(3 * MINUTE);
    expect(h.engine.agents().every((a) => a.online)).toBe(true);
    expect(h.placedFor(52, 2).map((p) => p.request.tags.attemptNo)).toEqual([1, 2]);
    expect(h.placedFor(52, 1).length).toBe(1);
  });
});
