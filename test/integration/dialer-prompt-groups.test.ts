/**
 * Prompt dialing per group, in virtual time: an agent that becomes free in one group gets its
 * call while a long pass over the other groups is still going on (it does not wait for its
 * group's turn in that pass), and the other groups go on being dialled meanwhile. Agents freed
 * in predictively paced groups (whose legs go out ahead of their agents) do not go before it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Profile } from '../../src/domain/profile.ts';
import { answers, busy, contactsFor, HOUR, phoneNumbers, SECOND, startEngineHarness, T0, type EngineHarness } from '../support/engine-harness.ts';

let h: EngineHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Virtual time each attempt write takes: a pass over the busy groups takes seconds. */
const WRITE_MS = 200;

/**
 * Eight busy groups of five agents, whose customers refuse (`refuse`) or talk a second each (so
 * their agents are freed all the time), and a progressive group of one agent whose customers
 * talk ten seconds. Returns how long that agent waited for its next call each time it was freed.
 */
async function promptGroupWaits(
  busyMode: Profile['dialMode'],
  busyCustomers: 'refuse' | 'talk',
  { BUSY_GROUPS, AGENTS_PER_GROUP } = { BUSY_GROUPS: 8, AGENTS_PER_GROUP: 5 },
): Promise<{ waits: number[]; busyPlaced: number[] }> {
  // The floor's agents are Agent/9001 onwards: the prompt group has the last one.
  const promptAgent = `Agent/${9001 + BUSY_GROUPS * AGENTS_PER_GROUP}`;
  const groups = Array.from({ length: BUSY_GROUPS }, (_, i) => `busy${i}`);
  const agents = [
    ...groups.flatMap((group, g) =>
      Array.from({ length: AGENTS_PER_GROUP }, (_, i) => {
        const n = 9001 + g * AGENTS_PER_GROUP + i;
        return { agentCode: `Agent/${n}`, stationId: String(n), group };
      }),
    ),
    { agentCode: promptAgent, stationId: promptAgent.slice(6), group: 'prompt' },
  ];
  const talkers = phoneNumbers(3, 100);
  const others = phoneNumbers(BUSY_GROUPS * 400, 1000);
  const behaviour = busyCustomers === 'refuse' ? busy(0.5) : answers(0.5, 1);
  h = await startEngineHarness({
    dialect: 'memory',
    sim: { agents: agents.length, wrapUpSeconds: 1 },
    numbers: Object.fromEntries([...talkers.map((n) => [n, answers(1, 10)] as const), ...others.map((n) => [n, behaviour] as const)]),
    settings: { agents, maxCallsPerSecond: 1000 },
    defaultProfile: { retry: { maxAttempts: 1, delaySeconds: 1800 } },
    profiles: [
      ...groups.map((group, g) => ({ name: group, typeIds: [10 + g], agentGroup: group, dialMode: busyMode })),
      { name: 'prompt', typeIds: [99], agentGroup: 'prompt', dialMode: 'progressive' as const },
    ],
    storeDelay: (method) => (method === 'beginAttempt' ? new Promise<void>((resolve) => h!.clock.setTimer(WRITE_MS, resolve)) : null),
  });
  // The prompt group's campaign is sent last, so in a pass over every group it comes last.
  for (const [g] of groups.entries()) {
    await h.sendCampaign({ id: 100 + g, typeId: 10 + g, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor(others.slice(g * 400, (g + 1) * 400)) });
  }
  await h.sendCampaign({ id: 99, typeId: 99, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor(talkers) });

  // Each talk (1 s ring, 10 s talk, 1 s wrap-up) frees the agent; its next call follows.
  const waits = await promptAgentWaits(h, promptAgent, 40 * SECOND);
  return { waits, busyPlaced: groups.map((_, g) => h!.placedFor(100 + g).length) };
}

/**
 * Runs the floor for `ms` and returns how long the prompt group's agent waited for each of its
 * next calls (campaign 99, three calls in all) from the moment it became free.
 */
async function promptAgentWaits(h: EngineHarness, promptAgent: string, ms: number): Promise<number[]> {
  const freedAt: number[] = [];
  h.engine.events.on('agent:state', ({ agentCode, activity, at }) => {
    if (agentCode === promptAgent && activity === 'idle') freedAt.push(at);
  });
  await h.clock.advanceBy(ms);
  const placed = h.placedFor(99).map((p) => p.at);
  expect(placed.length).toBe(3);
  return placed.slice(1).map((at, i) => at - freedAt.find((f) => f > placed[i]!)!);
}

describe('a group that just got a free agent', () => {
  it('is dialled within a group turn or two, not after a pass over every other group', async () => {
    const { waits, busyPlaced } = await promptGroupWaits('progressive', 'refuse');
    for (const wait of waits) expect(wait).toBeLessThanOrEqual(3 * WRITE_MS);
    // Meanwhile every busy group kept being dialled.
    for (const n of busyPlaced) expect(n).toBeGreaterThan(40);
  });

  it('goes before groups paced predictively whose agents are freed all the time', async () => {
    const { waits, busyPlaced } = await promptGroupWaits('predictive', 'talk');
    for (const wait of waits) expect(wait).toBeLessThanOrEqual(3 * WRITE_MS);
    for (const n of busyPlaced) expect(n).toBeGreaterThan(20);
  });

  it('does not wait for the rest of a long turn of a predictive group placing hundreds of legs', async () => {
    // A predictive group of 300 agents all free at the start: its first turn places a leg per
    // agent, 4 writes at a time, for about 15 s. The prompt group's one agent, dialled first,
    // talks a second and is free again 3 s in, in the middle of that turn.
    const wide = Array.from({ length: 300 }, (_, i) => ({ agentCode: `Agent/${9001 + i}`, stationId: String(9001 + i), group: 'wide' }));
    const promptAgent = 'Agent/9301';
    const talkers = phoneNumbers(3, 100);
    const others = phoneNumbers(600, 1000);
    h = await startEngineHarness({
      dialect: 'memory',
      sim: { agents: wide.length + 1, wrapUpSeconds: 1 },
      numbers: Object.fromEntries([...talkers.map((n) => [n, answers(0.5, 1)] as const), ...others.map((n) => [n, busy(30)] as const)]),
      settings: { agents: [...wide, { agentCode: promptAgent, stationId: '9301', group: 'prompt' }], maxCallsPerSecond: 1000 },
      defaultProfile: { retry: { maxAttempts: 1, delaySeconds: 1800 } },
      profiles: [
        { name: 'prompt', typeIds: [99], agentGroup: 'prompt', dialMode: 'progressive' },
        { name: 'wide', typeIds: [10], agentGroup: 'wide', dialMode: 'predictive' },
      ],
      storeDelay: (method) => (method === 'beginAttempt' ? new Promise<void>((resolve) => h!.clock.setTimer(WRITE_MS, resolve)) : null),
    });
    await h.sendCampaign({ id: 99, typeId: 99, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor(talkers) });
    await h.sendCampaign({ id: 10, typeId: 10, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor(others) });
    const waits = await promptAgentWaits(h, promptAgent, 12 * SECOND);
    for (const wait of waits) expect(wait).toBeLessThanOrEqual(2 * WRITE_MS);
    // The wide group's turn went on around them.
    expect(h.placedFor(10).length).toBeGreaterThan(150);
  });
});
