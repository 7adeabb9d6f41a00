/**
 * The engine dials only the agent groups it is given (`dialsGroup`, a cluster's leases): a
 * campaign of another group is neither loaded nor dialed; `takeGroup` takes it up;
 * `dropGroup` stops its dialing at once and writes nothing more for its calls. In virtual time
 * on the simulated floor, over the memory store and SQLite.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { answers, HOUR, MINUTE, SECOND, startEngineHarness, T0, type EngineHarness, type HarnessDialect } from '../support/engine-harness.ts';

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
});
