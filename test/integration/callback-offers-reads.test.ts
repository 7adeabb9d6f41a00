/**
 * On a floor with no scheduled callback due, a group's turn does not read the campaign's due
 * callbacks: the earliest scheduled one is read at most once per CALLBACK_RECHECK_MS per
 * campaign (a large floor serves each group many times a second). Virtual time, SQLite.
 */
import { afterEach, expect, it } from 'vitest';
import { CALLBACK_RECHECK_MS } from '../../src/engine/callback-offers.ts';
import { busy, contactsFor, HOUR, MINUTE, phoneNumbers, startEngineHarness, T0, type EngineHarness } from '../support/engine-harness.ts';

let h: EngineHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

it('reads a campaign with no callback due at most once per recheck interval, however often its group is served', async () => {
  h = await startEngineHarness({ dialect: 'sqlite', sim: { agents: 4 }, fallback: busy(1), defaultProfile: { dialMode: 'progressive', retry: { maxAttempts: 1, delaySeconds: 60 } } });
  const store = h.callbacks!;
  const reads = { due: 0, next: 0 };
  const { dueCallbacks, nextCallbackDueAt } = store;
  store.dueCallbacks = (...args) => (reads.due++, dueCallbacks.apply(store, args));
  store.nextCallbackDueAt = (...args) => (reads.next++, nextCallbackDueAt.apply(store, args));

  await h.sendCampaign({ id: 80, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor(phoneNumbers(400)) });
  await h.clock.advanceBy(2 * MINUTE);

  // Busy customers end within seconds: the group was served hundreds of times.
  expect(h.placedFor(80).length).toBeGreaterThan(200);
  expect(reads.due).toBe(0);
  expect(reads.next).toBeLessThanOrEqual((2 * MINUTE) / CALLBACK_RECHECK_MS + 1);
  expect(reads.next).toBeGreaterThan(0);
});
