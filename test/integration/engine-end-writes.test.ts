/**
 * A call's end takes effect on the floor when the floor reports it, not when the store has
 * written it: under a write backlog the group's pacing no longer counts the ended leg and the
 * agent of a finished conversation goes to wrap-up at once, while the contact is not dialled
 * again and the campaign does not finish before the outcome is written. Virtual time, SQLite.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { attemptCallId } from '../../src/domain/callbacks.ts';
import {
  answers,
  busy,
  contactsFor,
  HOUR,
  phoneNumbers,
  SECOND,
  startEngineHarness,
  T0,
  type EngineHarness,
  type HarnessOptions,
} from '../support/engine-harness.ts';

let h: EngineHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
const start = async (options: Omit<HarnessOptions, 'dialect'>) => (h = await startEngineHarness({ dialect: 'sqlite', ...options }));

/** A write held until `release()`: a database with a backlog. */
function heldWrite(): { promise: Promise<void>; release(): void } {
  let release: () => void = () => {};
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe('a call ended on the floor while its end is still being written', () => {
  it('no longer holds its group: a progressive agent gets its next leg before the write lands', async () => {
    const held = heldWrite();
    const [refuser, next] = phoneNumbers(2);
    const h = await start({
      sim: { agents: 1, wrapUpSeconds: 2 },
      numbers: { [refuser!]: busy(3), [next!]: answers(5, 10) },
      defaultProfile: { dialMode: 'progressive', retry: { maxAttempts: 1, delaySeconds: 60 } },
      storeDelay: (method, args) => (method === 'endAttempt' && (args[0] as { callId: string }).callId === attemptCallId(60, 1, 1) ? held.promise : null),
    });
    await h.sendCampaign({ id: 60, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor([refuser!, next!]) });
    await h.clock.advanceBy(10 * SECOND);

    // The busy leg ended at about 3 s; its end is not written, yet the one agent's next leg is out.
    expect(h.events.some((e) => e.type === 'ended' && e.callId === attemptCallId(60, 1, 1))).toBe(true);
    expect(h.placedFor(60).map((p) => p.request.callId)).toEqual([attemptCallId(60, 1, 1), attemptCallId(60, 2, 1)]);
    // Not finished while the first outcome is unwritten, though the second call may be over.
    await h.clock.advanceBy(30 * SECOND);
    expect(h.finished.has(60)).toBe(false);

    held.release();
    expect(await h.runUntilFinished(60, HOUR, 10 * SECOND)).toBe(true);
    const updates = await h.updates(60);
    expect(updates.map((u) => [u.contact_id, u.status])).toEqual([
      [2, 'ANSWERED'],
      [1, 'BUSY'],
    ]);
    expect(h.placed).toHaveLength(2); // the busy contact was not dialled again meanwhile
  });

  it('frees its agent into wrap-up at once; its update comes once the write lands', async () => {
    const held = heldWrite();
    const [talker] = phoneNumbers(1);
    const h = await start({
      sim: { agents: 1, wrapUpSeconds: 30 },
      numbers: { [talker!]: answers(2, 5) },
      defaultProfile: { dialMode: 'progressive', retry: { maxAttempts: 1, delaySeconds: 60 } },
      storeDelay: (method, args) => (method === 'endAttempt' && (args[0] as { callId: string }).callId === attemptCallId(61, 1, 1) ? held.promise : null),
    });
    await h.sendCampaign({ id: 61, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor([talker!]) });
    await h.clock.advanceBy(15 * SECOND);

    expect(h.events.some((e) => e.type === 'ended' && e.callId === attemptCallId(61, 1, 1))).toBe(true);
    expect(h.engine.agents().map((a) => [a.agentCode, a.activity])).toEqual([['Agent/9001', 'wrap-up']]);
    expect(h.finished.has(61)).toBe(false);
    expect(await h.updates(61)).toEqual([]);

    held.release();
    expect(await h.runUntilFinished(61, HOUR, 10 * SECOND)).toBe(true);
    expect((await h.updates(61)).map((u) => [u.contact_id, u.status, u.agentcode])).toEqual([[1, 'ANSWERED', 'Agent/9001']]);
  });
});

describe('a progressive group while an answered customer is being bridged to an agent', () => {
  it('places a leg for another agent freed meanwhile: the bridged leg has its agent already', async () => {
    const [answerer, refuser, third] = phoneNumbers(3);
    const h = await start({
      // Bridging the agent takes 10 s, so the window is wide in virtual time.
      sim: { agents: 2, wrapUpSeconds: 1, connectDelayMs: 10_000 },
      numbers: { [answerer!]: answers(2, 5), [refuser!]: busy(4), [third!]: answers(5, 5) },
      defaultProfile: { dialMode: 'progressive', retry: { maxAttempts: 1, delaySeconds: 60 } },
    });
    await h.sendCampaign({ id: 62, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor([answerer!, refuser!, third!]) });
    await h.clock.advanceBy(6 * SECOND);

    // The first customer answered at 2 s and is still being bridged; the busy leg ended at 4 s.
    expect(h.events.some((e) => e.type === 'connected')).toBe(false);
    expect(h.placedFor(62).map((p) => p.request.callId)).toEqual([attemptCallId(62, 1, 1), attemptCallId(62, 2, 1), attemptCallId(62, 3, 1)]);
    expect(await h.runUntilFinished(62, HOUR, 10 * SECOND)).toBe(true);
  });
});
