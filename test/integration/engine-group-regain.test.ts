/**
 * A node that loses its agent group's lease during a database outage and takes the same group
 * back: every attempt the store holds open for the group ends up either followed as a live
 * call of the node or closed, so the campaign finishes. In virtual time on the simulated
 * floor, over the memory store and SQLite; the lease is `held`, the store's fence is played
 * by refusing writes with `LeaseLostError` while it is not held.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../src/ports/coordination.ts';
import { StoreUnavailableError, type Store } from '../../src/ports/store.ts';
import { answers, HOUR, SECOND, startEngineHarness, T0, type EngineHarness, type HarnessDialect, type StoreDelay } from '../support/engine-harness.ts';

const harnesses: EngineHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

const contacts = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1, phone: `09123460${String(i).padStart(2, '0')}` }));
const READS = /^(get|list|count|due|next|open|outbox|ping)/;

/** The store's fence, played: while `held` lacks the group, every write is refused. */
const fenced = (held: Set<string>, method: string) => (!held.has('default') && !READS.test(method) ? Promise.reject(new LeaseLostError('default')) : null);

/** The store with `onRead` run after each read of the open attempts (what the node does taking its group back). */
const afterOpenAttemptsRead =
  (onRead: () => void) =>
  (store: Store): Store => ({
    ...store,
    openAttempts: async () => {
      const open = await store.openAttempts();
      onRead();
      return open;
    },
  });

/** The lease lapses: the node gives the group up. */
function loseGroup(h: EngineHarness, held: Set<string>): void {
  held.delete('default');
  h.engine.dropGroup('default');
}

describe.each(['memory', 'sqlite'] as HarnessDialect[])('an agent group lost and taken back by the same node (%s)', (dialect) => {
  /** A node with two agents, every call answered, dialing the group 'default' while `held` has it. */
  async function startNode(held: Set<string>, storeDelay: StoreDelay, wrapStore?: (store: Store) => Store): Promise<EngineHarness> {
    const h = await startEngineHarness({
      dialect,
      sim: { agents: 2, wrapUpSeconds: 1 },
      fallback: answers(2, 10),
      dialsGroup: (group) => held.has(group),
      storeDelay,
      ...(wrapStore ? { wrapStore } : {}),
    });
    harnesses.push(h);
    return h;
  }

  it('follows or closes an attempt whose write was in flight while the group was lost and landed after the group was taken back', async () => {
    const held = new Set<string>(['default']);
    const inFlight: (() => void)[] = [];
    let holdBegins = false;
    let regaining = false;
    const h = await startNode(
      held,
      (method) => {
        // The attempt's write waits for the database; it is checked against the lease when it runs.
        if (method === 'beginAttempt' && holdBegins) return new Promise<void>((resolve) => inFlight.push(resolve));
        return fenced(held, method);
      },
      // The writes land just after the node, taking the group back, has read its open attempts.
      afterOpenAttemptsRead(() => {
        if (regaining) {
          holdBegins = false;
          for (const land of inFlight.splice(0)) land();
        }
      }),
    );
    holdBegins = true;
    await h.sendCampaign({ id: 1, startsAt: T0, endsAt: T0 + HOUR, contacts: contacts(3) });
    await h.clock.advanceBy(SECOND);
    expect(inFlight.length).toBeGreaterThan(0);

    // The lease lapses while the writes wait; the node gives the group up, then takes it back.
    loseGroup(h, held);
    await h.clock.advanceBy(5 * SECOND);
    held.add('default');
    regaining = true;
    await h.engine.takeGroup('default');
    expect(inFlight).toEqual([]);
    await h.clock.advanceBy(SECOND);

    // Every attempt the store holds open is a call the node follows.
    const live = new Set(h.engine.liveCalls().map((c) => c.callId));
    expect((await h.store.openAttempts()).filter((a) => !live.has(a.callId))).toEqual([]);
    expect(await h.runUntilFinished(1, HOUR, 10 * SECOND)).toBe(true);
    expect(await h.store.openAttempts()).toEqual([]);
    const updates = await h.updates(1);
    expect(new Set(updates.map((u) => u.callid)).size).toBe(updates.length);
    // No leg went out that the node did not follow: each one placed was reported.
    expect(updates.length).toBe(h.placed.length);
  });

  it('stops giving back an attempt of a group it lost again (the write is refused for good), and adopts the attempt when it takes the group back', async () => {
    const held = new Set<string>(['default']);
    const inFlight: (() => void)[] = [];
    let holdBegins = false;
    let regaining = false;
    let unplaceFails = false;
    let unplaces = 0;
    const h = await startNode(
      held,
      (method) => {
        if (method === 'unplaceAttempt') unplaces++;
        if (method === 'beginAttempt' && holdBegins) return new Promise<void>((resolve) => inFlight.push(resolve));
        const refused = fenced(held, method);
        if (refused) return refused;
        if (method === 'unplaceAttempt' && unplaceFails) return Promise.reject(new StoreUnavailableError('database unavailable: connection refused (injected)'));
        return null;
      },
      afterOpenAttemptsRead(() => {
        if (regaining) {
          regaining = false;
          holdBegins = false;
          for (const land of inFlight.splice(0)) land();
        }
      }),
    );
    holdBegins = true;
    await h.sendCampaign({ id: 1, startsAt: T0, endsAt: T0 + HOUR, contacts: contacts(3) });
    await h.clock.advanceBy(SECOND);
    loseGroup(h, held);
    await h.clock.advanceBy(5 * SECOND);
    // Taken back: the writes land late and their attempts are being given back, but the store fails.
    held.add('default');
    regaining = true;
    unplaceFails = true;
    await h.engine.takeGroup('default');
    await h.clock.advanceBy(5 * SECOND);
    expect(unplaces).toBeGreaterThan(0);

    // Lost again: the give-back is refused for good and not tried any more; nothing is left live.
    loseGroup(h, held);
    await h.clock.advanceBy(10 * SECOND);
    const tried = unplaces;
    await h.clock.advanceBy(30 * SECOND);
    expect(unplaces).toBe(tried);
    expect(h.engine.liveCalls()).toEqual([]);
    expect((await h.store.openAttempts()).length).toBeGreaterThan(0);

    // Taken back once more: the open attempts are adopted and ended, and the campaign finishes.
    unplaceFails = false;
    held.add('default');
    await h.engine.takeGroup('default');
    expect(await h.runUntilFinished(1, HOUR, 10 * SECOND)).toBe(true);
    expect(await h.store.openAttempts()).toEqual([]);
  });

  it('adopts the attempts left open once the store answers when taking the group back first failed on a store read', async () => {
    const held = new Set<string>(['default']);
    let readsFail = false;
    const h = await startNode(held, (method) => {
      if (readsFail && READS.test(method)) return Promise.reject(new StoreUnavailableError('database unavailable: connection refused (injected)'));
      return fenced(held, method);
    });
    await h.sendCampaign({ id: 1, startsAt: T0, endsAt: T0 + HOUR, contacts: contacts(4) });
    await h.clock.advanceBy(SECOND);
    expect(h.engine.liveCalls().length).toBeGreaterThan(0);

    loseGroup(h, held);
    await h.clock.advanceBy(30 * SECOND);
    expect((await h.store.openAttempts()).length).toBeGreaterThan(0);

    // Taken back while the store still refuses reads for a moment.
    held.add('default');
    readsFail = true;
    const taking = h.engine.takeGroup('default').then(
      () => 'taken',
      () => 'failed',
    );
    await h.clock.advanceBy(3 * SECOND);
    readsFail = false;
    // The campaigns are looked at again now and then (another node's change, the poll).
    const synced = h.engine.syncCampaigns().catch(() => {});
    expect(await h.runUntilFinished(1, HOUR, 10 * SECOND)).toBe(true);
    expect(await taking).toBe('taken');
    await synced;
    expect(await h.store.openAttempts()).toEqual([]);
  });
});
