/**
 * The engine dials only the agent groups it is given (`dialsGroup`, a cluster's leases): a
 * campaign of another group is neither loaded nor dialed; `takeGroup` takes it up;
 * `dropGroup` stops its dialing at once and writes nothing more for its calls. In virtual time
 * on the simulated floor, over the memory store and SQLite.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../src/ports/coordination.ts';
import { answers, HOUR, MINUTE, SECOND, startEngineHarness, T0, type EngineHarness, type HarnessDialect } from '../support/engine-harness.ts';
import { writeFault } from '../support/failing-writes.ts';

const harnesses: EngineHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

const contacts = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1, phone: `09123450${String(i).padStart(2, '0')}` }));

describe.each(['memory', 'sqlite'] as HarnessDialect[])('an engine gated by agent group (%s)', (dialect) => {
  it('does not dial a group it does not hold, dials it once taken, and stops at once when it gives it up, writing nothing for the calls it drops', async () => {
    const held = new Set<string>();
    const h = await startEngineHarness({ dialect, sim: { agents: 2 }, fallback: answers(5, 60), dialsGroup: (group) => held.has(group) });
    harnesses.push(h);
    await h.sendCampaign({ id: 1, startsAt: T0, endsAt: T0 + HOUR, contacts: contacts(6) });
    await h.clock.advanceBy(MINUTE);
    expect(h.placed).toEqual([]);

    held.add('default');
    await h.engine.takeGroup('default');
    await h.clock.advanceBy(10 * SECOND);
    expect(h.placed.length).toBeGreaterThan(0);
    expect(h.engine.liveCalls().length).toBeGreaterThan(0);

    held.delete('default');
    h.engine.dropGroup('default');
    const placedAtDrop = h.placed.length;
    const updatesAtDrop = (await h.updates(1)).length;
    expect(h.engine.liveCalls()).toEqual([]);
    // The calls end on the floor: no update is written for them, no new call placed, the agents free again.
    await h.clock.advanceBy(5 * MINUTE);
    expect(h.placed.length).toBe(placedAtDrop);
    expect((await h.updates(1)).length).toBe(updatesAtDrop);
    expect(h.engine.agents().every((a) => a.callId === null)).toBe(true);
    expect(h.finished.has(1)).toBe(false);

    // Taken again: the attempts left open are adopted (ended with their last known state) and the campaign runs to its end.
    held.add('default');
    await h.engine.takeGroup('default');
    expect(await h.runUntilFinished(1, HOUR)).toBe(true);
    const updates = await h.updates(1);
    expect(new Set(updates.map((u) => u.callid)).size).toBe(updates.length);
    expect(updates.length).toBe(h.placed.length);
  });

  it('frees the agent of a call that ended while its write was failing when the group is lost meanwhile (the write is then refused for good)', async () => {
    const held = new Set<string>(['default']);
    const fault = writeFault();
    const h = await startEngineHarness({
      dialect,
      sim: { agents: 2, wrapUpSeconds: 1 },
      fallback: answers(2, 20),
      dialsGroup: (group) => held.has(group),
      // The store fails writes for a while (an outage); once the lease is gone the fenced store refuses them for good.
      storeDelay: (method) => (!held.has('default') && !/^(get|list|count|due|next|open|outbox|ping)/.test(method) ? Promise.reject(new LeaseLostError('default')) : fault.delay(method)),
    });
    harnesses.push(h);
    await h.sendCampaign({ id: 1, startsAt: T0, endsAt: T0 + HOUR, contacts: contacts(4) });
    await h.clock.advanceBy(10 * SECOND);
    expect(h.engine.agents().filter((a) => a.callId !== null).length).toBeGreaterThan(0);

    fault.failing = true;
    // The calls end on the floor; their end cannot be written and is retried.
    await h.clock.advanceBy(30 * SECOND);
    expect(fault.refused.get('endAttempt') ?? 0).toBeGreaterThan(0);

    held.delete('default');
    h.engine.dropGroup('default');
    fault.failing = false;
    await h.clock.advanceBy(MINUTE);
    // The calls are over: no agent is left held by one, whoever reports them.
    expect(h.engine.liveCalls()).toEqual([]);
    expect(h.engine.agents().map((a) => [a.agentCode, a.callId, a.shift.state])).toEqual(h.engine.agents().map((a) => [a.agentCode, null, 'ready']));
  });
});
