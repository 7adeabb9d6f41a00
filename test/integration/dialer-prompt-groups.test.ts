/**
 * Prompt dialing per group, in virtual time: an agent that becomes free in one group gets its
 * call while a long pass over the other groups is still going on (it does not wait for its
 * group's turn in that pass), and the other groups go on being dialled meanwhile.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { answers, busy, contactsFor, HOUR, phoneNumbers, SECOND, startEngineHarness, T0, type EngineHarness } from '../support/engine-harness.ts';

let h: EngineHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const BUSY_GROUPS = 8;
const AGENTS_PER_GROUP = 5;
/** Virtual time each attempt write takes: a pass over the busy groups takes seconds. */
const WRITE_MS = 200;

describe('a group that just got a free agent', () => {
  it('is dialled within a group turn or two, not after a pass over every other group', async () => {
    // The floor's agents are Agent/9001 onwards: the prompt group has the last one.
    const PROMPT_AGENT = `Agent/${9001 + BUSY_GROUPS * AGENTS_PER_GROUP}`;
    const groups = Array.from({ length: BUSY_GROUPS }, (_, i) => `busy${i}`);
    const agents = [
      ...groups.flatMap((group, g) =>
        Array.from({ length: AGENTS_PER_GROUP }, (_, i) => {
          const n = 9001 + g * AGENTS_PER_GROUP + i;
          return { agentCode: `Agent/${n}`, stationId: String(n), group };
        }),
      ),
      { agentCode: PROMPT_AGENT, stationId: PROMPT_AGENT.slice(6), group: 'prompt' },
    ];
    const talkers = phoneNumbers(3, 100);
    const refusing = phoneNumbers(BUSY_GROUPS * 400, 1000);
    h = await startEngineHarness({
      dialect: 'memory',
      sim: { agents: agents.length, wrapUpSeconds: 1 },
      numbers: Object.fromEntries([...talkers.map((n) => [n, answers(1, 10)] as const), ...refusing.map((n) => [n, busy(0.5)] as const)]),
      settings: { agents, maxCallsPerSecond: 1000 },
      defaultProfile: { retry: { maxAttempts: 1, delaySeconds: 1800 } },
      profiles: [
        ...groups.map((group, g) => ({ name: group, typeIds: [10 + g], agentGroup: group })),
        { name: 'prompt', typeIds: [99], agentGroup: 'prompt' },
      ],
      storeDelay: (method) => (method === 'beginAttempt' ? new Promise<void>((resolve) => h!.clock.setTimer(WRITE_MS, resolve)) : null),
    });
    // The prompt group's campaign is sent last, so in a pass over every group it comes last.
    for (const [g] of groups.entries()) {
      await h.sendCampaign({ id: 100 + g, typeId: 10 + g, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor(refusing.slice(g * 400, (g + 1) * 400)) });
    }
    await h.sendCampaign({ id: 99, typeId: 99, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor(talkers) });

    const freedAt: number[] = [];
    h.engine.events.on('agent:state', ({ agentCode, activity, at }) => {
      if (agentCode === PROMPT_AGENT && activity === 'idle') freedAt.push(at);
    });
    await h.clock.advanceBy(40 * SECOND);

    // Each talk (1 s ring, 10 s talk, 1 s wrap-up) frees the agent; its next call follows at once.
    const placed = h.placedFor(99).map((p) => p.at);
    expect(placed.length).toBe(3);
    const waits = placed.slice(1).map((at, i) => at - freedAt.find((f) => f > placed[i]!)!);
    for (const wait of waits) expect(wait).toBeLessThanOrEqual(3 * WRITE_MS);
    // Meanwhile every busy group kept being dialled.
    for (const [g] of groups.entries()) expect(h.placedFor(100 + g).length).toBeGreaterThan(40);
  });
});
