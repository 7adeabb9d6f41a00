/** Conformance rules for the callback outbox: claims and leases, update-before-finish, delivery states, stats. */
import { expect, it } from 'vitest';
import type { CallbackRecord, Store } from '../../../src/ports/store.ts';
import { HOUR, MINUTE, SECOND, T0, contacts, createRunning, writeUpdate } from './fixtures.ts';

const LEASE = 30 * SECOND;
const keys = (rows: readonly CallbackRecord[]) => rows.map((r) => r.idempotencyKey);

async function byKey(s: Store, key: string): Promise<CallbackRecord> {
  const found = (await s.listCallbacks({ limit: 1000 })).find((r) => r.idempotencyKey === key);
  if (!found) throw new Error(`no callback ${key}`);
  return found;
}

export function outboxRules(store: () => Store): void {
  it('claimDueCallbacks returns due pending callbacks oldest first, up to the limit', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2, 3, 4));
    await writeUpdate(s, 1, 3, T0);
    await writeUpdate(s, 1, 1, T0 + SECOND);
    await writeUpdate(s, 1, 2, T0 + 2 * SECOND);
    await writeUpdate(s, 1, 4, T0 + 20 * SECOND);

    const first = await s.claimDueCallbacks(T0 + 10 * SECOND, 2, LEASE);
    expect(keys(first)).toEqual(['dnc-1-3', 'dnc-1-1']);
    expect(first[0]!.id).toBeLessThan(first[1]!.id);
    expect(first[0]).toMatchObject({ campaignId: 1, kind: 'update', state: 'pending', attempts: 0, createdAt: T0 });
    expect(keys(await s.claimDueCallbacks(T0 + 10 * SECOND, 10, LEASE))).toEqual(['dnc-1-2']);
    expect(keys(await s.claimDueCallbacks(T0 + 10 * SECOND, 10, LEASE))).toEqual([]);
    expect(keys(await s.claimDueCallbacks(T0 + 20 * SECOND, 10, LEASE))).toEqual(['dnc-1-4']);
  });

  it('a claim leases its callbacks: a second claim inside the lease gets nothing, one after the lease gets them again', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2));
    await writeUpdate(s, 1, 1, T0);
    await writeUpdate(s, 1, 2, T0);
    const now = T0 + MINUTE;

    expect(keys(await s.claimDueCallbacks(now, 10, LEASE))).toEqual(['dnc-1-1', 'dnc-1-2']);
    expect(await byKey(s, 'dnc-1-1')).toMatchObject({ state: 'pending', nextAttemptAt: now + LEASE, attempts: 0 });
    expect(await s.nextCallbackDueAt()).toBe(now + LEASE);
    expect(await s.claimDueCallbacks(now, 10, LEASE)).toEqual([]);
    expect(await s.claimDueCallbacks(now + LEASE - 1, 10, LEASE)).toEqual([]);
    expect(keys(await s.claimDueCallbacks(now + LEASE, 10, LEASE))).toEqual(['dnc-1-1', 'dnc-1-2']);
    expect(await byKey(s, 'dnc-1-2')).toMatchObject({ nextAttemptAt: now + 2 * LEASE });
  });

  it('a finish is not claimable while an update of its campaign is pending, even one not due', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2));
    await createRunning(s, 2, contacts(1));
    await writeUpdate(s, 1, 1, T0);
    await writeUpdate(s, 1, 2, T0);
    await s.finishCampaign(1, 'completed', T0 + SECOND);
    await s.finishCampaign(2, 'closed', T0 + SECOND);

    // Both updates are due with the finish: only the updates (and the other campaign's finish) go.
    expect(keys(await s.claimDueCallbacks(T0 + MINUTE, 10, LEASE))).toEqual(['dnc-1-1', 'dnc-1-2', 'finish-2']);
    const u1 = await byKey(s, 'dnc-1-1');
    const u2 = await byKey(s, 'dnc-1-2');
    await s.markDelivered([u1.id, (await byKey(s, 'finish-2')).id], T0 + MINUTE);
    await s.markFailed(u2.id, 'HTTP 503', T0 + 10 * MINUTE, false);
    // The remaining update waits for its retry: the finish still may not overtake it.
    expect(keys(await s.claimDueCallbacks(T0 + 2 * MINUTE, 10, LEASE))).toEqual([]);

    await s.markDelivered([u2.id], T0 + 2 * MINUTE);
    expect(keys(await s.claimDueCallbacks(T0 + 2 * MINUTE, 10, LEASE))).toEqual(['finish-1']);
  });

  it('a finish becomes claimable once the pending updates of its campaign are dead', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1));
    await writeUpdate(s, 1, 1, T0);
    await s.finishCampaign(1, 'completed', T0);

    expect(keys(await s.claimDueCallbacks(T0, 10, LEASE))).toEqual(['dnc-1-1']);
    await s.markFailed((await byKey(s, 'dnc-1-1')).id, 'HTTP 400', T0 + MINUTE, true);
    expect(keys(await s.claimDueCallbacks(T0, 10, LEASE))).toEqual(['finish-1']);
  });

  it('releaseCallbacks makes claimed callbacks due again at once and leaves delivered ones as they are', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2, 3));
    await writeUpdate(s, 1, 1, T0);
    await writeUpdate(s, 1, 2, T0);
    await writeUpdate(s, 1, 3, T0 + HOUR);
    const [u1, u2] = await s.claimDueCallbacks(T0, 10, LEASE);
    await s.markDelivered([u1!.id], T0 + SECOND);

    await s.releaseCallbacks([u1!.id, u2!.id], T0 + 2 * SECOND);
    expect(await byKey(s, 'dnc-1-1')).toMatchObject({ state: 'delivered', deliveredAt: T0 + SECOND });
    expect(await byKey(s, 'dnc-1-2')).toMatchObject({ state: 'pending', nextAttemptAt: T0 + 2 * SECOND, attempts: 0 });
    expect(await byKey(s, 'dnc-1-3')).toMatchObject({ state: 'pending', nextAttemptAt: T0 + HOUR });
    expect(keys(await s.claimDueCallbacks(T0 + 2 * SECOND, 10, LEASE))).toEqual(['dnc-1-2']);
  });

  it('markDelivered marks callbacks delivered at the given time, counting the attempt, and they are never claimed again', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2, 3));
    await writeUpdate(s, 1, 1, T0);
    await writeUpdate(s, 1, 2, T0);
    await writeUpdate(s, 1, 3, T0);
    const claimed = await s.claimDueCallbacks(T0, 10, LEASE);
    await s.markFailed(claimed[0]!.id, 'timeout', T0, false);
    await s.claimDueCallbacks(T0, 10, LEASE);

    await s.markDelivered([claimed[0]!.id, claimed[1]!.id], T0 + 5 * SECOND);
    await s.markDelivered([], T0 + 6 * SECOND);
    expect(await byKey(s, 'dnc-1-1')).toMatchObject({ state: 'delivered', deliveredAt: T0 + 5 * SECOND, attempts: 2, lastError: null });
    expect(await byKey(s, 'dnc-1-2')).toMatchObject({ state: 'delivered', deliveredAt: T0 + 5 * SECOND, attempts: 1 });
    expect(await byKey(s, 'dnc-1-3')).toMatchObject({ state: 'pending', deliveredAt: null, attempts: 0 });
    expect(keys(await s.claimDueCallbacks(T0 + 10 * MINUTE, 10, LEASE))).toEqual(['dnc-1-3']);
  });

  it('markFailed records the error and reschedules a pending callback, or makes it dead', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2));
    await writeUpdate(s, 1, 1, T0);
    await writeUpdate(s, 1, 2, T0);
    const [a, b] = await s.claimDueCallbacks(T0, 10, LEASE);

    await s.markFailed(a!.id, 'HTTP 502', T0 + 2 * MINUTE, false);
    expect(await byKey(s, 'dnc-1-1')).toMatchObject({ state: 'pending', attempts: 1, lastError: 'HTTP 502', nextAttemptAt: T0 + 2 * MINUTE });
    await s.markFailed(b!.id, 'HTTP 400: campaign unknown', T0 + 2 * MINUTE, true);
    expect(await byKey(s, 'dnc-1-2')).toMatchObject({ state: 'dead', attempts: 1, lastError: 'HTTP 400: campaign unknown' });

    expect(await s.claimDueCallbacks(T0 + 2 * MINUTE - 1, 10, LEASE)).toEqual([]);
    expect(keys(await s.claimDueCallbacks(T0 + 2 * MINUTE, 10, LEASE))).toEqual(['dnc-1-1']);
    expect(keys(await s.claimDueCallbacks(T0 + 60 * MINUTE, 10, LEASE))).toEqual(['dnc-1-1']);
    // A dead callback is left as it is.
    await s.markFailed(b!.id, 'again', T0 + 90 * MINUTE, false);
    expect(await byKey(s, 'dnc-1-2')).toMatchObject({ state: 'dead', attempts: 1, lastError: 'HTTP 400: campaign unknown' });
  });

  it('replayCallback makes a dead callback pending and due now, and refuses any other', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2, 3));
    await writeUpdate(s, 1, 1, T0);
    await writeUpdate(s, 1, 2, T0);
    await writeUpdate(s, 1, 3, T0);
    const [dead, delivered, pending] = await s.claimDueCallbacks(T0, 10, LEASE);
    await s.markFailed(dead!.id, 'HTTP 400', T0 + MINUTE, true);
    await s.markDelivered([delivered!.id], T0);

    expect(await s.replayCallback(delivered!.id, T0 + HOUR)).toBe(false);
    expect(await s.replayCallback(pending!.id, T0 + HOUR)).toBe(false);
    expect(await s.replayCallback(987_654, T0 + HOUR)).toBe(false);
    expect(await s.replayCallback(dead!.id, T0 + HOUR)).toBe(true);
    expect(await byKey(s, 'dnc-1-1')).toMatchObject({ state: 'pending', nextAttemptAt: T0 + HOUR, attempts: 1, lastError: 'HTTP 400' });
    expect(await s.replayCallback(dead!.id, T0 + HOUR)).toBe(false);
    expect(await byKey(s, 'dnc-1-2')).toMatchObject({ state: 'delivered' });
    expect(keys(await s.claimDueCallbacks(T0 + HOUR, 10, LEASE))).toEqual(['dnc-1-1', 'dnc-1-3']);
  });

  it('outboxStats counts callbacks by state and gives the creation time of the oldest pending one', async () => {
    const s = store();
    expect(await s.outboxStats()).toEqual({ pending: 0, dead: 0, delivered: 0, oldestPendingAt: null });
    await createRunning(s, 1, contacts(1, 2, 3, 4));
    await writeUpdate(s, 1, 1, T0);
    await writeUpdate(s, 1, 2, T0 + SECOND);
    await writeUpdate(s, 1, 3, T0 + 2 * SECOND);
    await writeUpdate(s, 1, 4, T0 + 3 * SECOND);
    const [c1, c2] = await s.claimDueCallbacks(T0 + 3 * SECOND, 2, LEASE);

    await s.markDelivered([c1!.id], T0 + 4 * SECOND);
    await s.markFailed(c2!.id, 'HTTP 400', T0 + MINUTE, true);
    expect(await s.outboxStats()).toEqual({ pending: 2, dead: 1, delivered: 1, oldestPendingAt: T0 + 2 * SECOND });
    // A replayed callback is pending again.
    await s.replayCallback(c2!.id, T0 + 10 * MINUTE);
    expect(await s.outboxStats()).toEqual({ pending: 3, dead: 0, delivered: 1, oldestPendingAt: T0 + 2 * SECOND });
  });

  it('pruneDeliveredCallbacks deletes only delivered callbacks delivered before the cut-off, oldest first, up to the limit', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2, 3, 4, 5));
    for (const contactId of [1, 2, 3, 4, 5]) await writeUpdate(s, 1, contactId, T0);
    const [c1, c2, c3, c4] = await s.claimDueCallbacks(T0, 5, LEASE);
    await s.markDelivered([c1!.id, c2!.id], T0 + MINUTE);
    await s.markDelivered([c3!.id], T0 + HOUR);
    await s.markFailed(c4!.id, 'HTTP 400', T0 + MINUTE, true);

    expect(await s.pruneDeliveredCallbacks(T0 + MINUTE, 10)).toBe(0);
    expect(await s.pruneDeliveredCallbacks(T0 + 2 * MINUTE, 1)).toBe(1);
    expect(keys(await s.listCallbacks({ limit: 10 }))).toEqual(['dnc-1-2', 'dnc-1-3', 'dnc-1-4', 'dnc-1-5']);
    expect(await s.pruneDeliveredCallbacks(T0 + 2 * HOUR, 10)).toBe(2);
    // The dead callback and the pending one stay, and so do the counts of what is left.
    expect(keys(await s.listCallbacks({ limit: 10 }))).toEqual(['dnc-1-4', 'dnc-1-5']);
    expect(await s.getCallback(c1!.id)).toBeUndefined();
    expect(await s.outboxStats()).toMatchObject({ pending: 1, dead: 1, delivered: 0 });
    expect(keys(await s.claimDueCallbacks(T0 + 3 * HOUR, 10, LEASE))).toEqual(['dnc-1-5']);
    expect(await s.pruneDeliveredCallbacks(T0 + 3 * HOUR, 10)).toBe(0);
  });

  it('nextCallbackDueAt is the earliest time a pending callback becomes due, or null', async () => {
    const s = store();
    expect(await s.nextCallbackDueAt()).toBeNull();
    await createRunning(s, 1, contacts(1, 2));
    await writeUpdate(s, 1, 1, T0 + MINUTE);
    await writeUpdate(s, 1, 2, T0 + 2 * MINUTE);
    expect(await s.nextCallbackDueAt()).toBe(T0 + MINUTE);

    // Claiming one of two due rows: the other is still due at its own time.
    expect(keys(await s.claimDueCallbacks(T0 + 5 * MINUTE, 1, LEASE))).toEqual(['dnc-1-1']);
    expect(await s.nextCallbackDueAt()).toBe(T0 + 2 * MINUTE);
    expect(keys(await s.claimDueCallbacks(T0 + 5 * MINUTE, 1, LEASE))).toEqual(['dnc-1-2']);
    expect(await s.nextCallbackDueAt()).toBe(T0 + 5 * MINUTE + LEASE);

    const rows = await s.listCallbacks({ limit: 10 });
    await s.markFailed(rows[0]!.id, 'timeout', T0 + 7 * MINUTE, false);
    expect(await s.nextCallbackDueAt()).toBe(T0 + 5 * MINUTE + LEASE);
    await s.markDelivered([rows[1]!.id], T0 + 6 * MINUTE);
    expect(await s.nextCallbackDueAt()).toBe(T0 + 7 * MINUTE);
    await s.markFailed(rows[0]!.id, 'HTTP 400', T0 + 9 * MINUTE, true);
    expect(await s.nextCallbackDueAt()).toBeNull();
  });

  it('listCallbacks lists in the order written, filters by state and campaign, and pages', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2));
    await createRunning(s, 2, contacts(1));
    await writeUpdate(s, 1, 1, T0);
    await writeUpdate(s, 2, 1, T0);
    await writeUpdate(s, 1, 2, T0);
    await s.finishCampaign(2, 'completed', T0);
    const all = await s.listCallbacks({ limit: 10 });
    expect(keys(all)).toEqual(['dnc-1-1', 'dnc-2-1', 'dnc-1-2', 'finish-2']);
    await s.markDelivered([all[1]!.id], T0);

    expect(keys(await s.listCallbacks({ limit: 2, offset: 1 }))).toEqual(['dnc-2-1', 'dnc-1-2']);
    expect(keys(await s.listCallbacks({ campaignId: 2, limit: 10 }))).toEqual(['dnc-2-1', 'finish-2']);
    expect(keys(await s.listCallbacks({ state: 'pending', limit: 10 }))).toEqual(['dnc-1-1', 'dnc-1-2', 'finish-2']);
    expect(keys(await s.listCallbacks({ state: 'delivered', campaignId: 2, limit: 10 }))).toEqual(['dnc-2-1']);
    expect(keys(await s.listCallbacks({ state: 'pending', campaignId: 1, limit: 1, offset: 1 }))).toEqual(['dnc-1-2']);
  });
}
