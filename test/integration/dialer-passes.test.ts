/**
 * What a dial pass costs, in virtual time: a group with nothing due is not paced at all (the
 * pacer is asked again only once a contact falls due), and a pass that places many calls
 * yields to the event loop between slices of at most `SLICE_CALLS` placements, placing the
 * same calls in the same order as without yielding. On SQLite and PostgreSQL.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SLICE_CALLS } from '../../src/engine/dialer.ts';
import { defaultPacers } from '../../src/engine/pacer.ts';
import type { Clock } from '../../src/ports/clock.ts';
import { DIALECTS } from '../support/databases.ts';
import { answers, busy, contactsFor, HOUR, MINUTE, phoneNumbers, SECOND, startEngineHarness, T0, type EngineHarness } from '../support/engine-harness.ts';

let h: EngineHarness | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
  h = undefined;
});

describe.each(DIALECTS)('dial passes on %s', (dialect) => {
  it('does not ask the pacer while no contact of the group is due, and dials the retries once they fall due', async () => {
    const talking = phoneNumbers(4, 100);
    const refusing = phoneNumbers(4, 200);
    const numbers = Object.fromEntries([...talking.map((n) => [n, answers(5, 600)] as const), ...refusing.map((n) => [n, busy(3)] as const)]);
    h = await startEngineHarness({
      dialect,
      sim: { agents: 10, wrapUpSeconds: 5 },
      numbers,
      defaultProfile: { retry: { maxAttempts: 2, delaySeconds: 1800 } },
    });
    const asked = vi.spyOn(defaultPacers.progressive, 'callsToPlace');
    await h.sendCampaign({ id: 40, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor([...talking, ...refusing]) });
    await h.clock.advanceBy(5 * SECOND);
    expect(h.placed.length).toBe(8);
    const askedAfterFirstPass = asked.mock.calls.length;

    // Ten minutes of drain: the busy legs end, the talks go on and end, agents wrap up;
    // every change asks for a pass, and nothing is due until the retries at +30 min.
    await h.clock.advanceBy(20 * MINUTE);
    expect(h.placed.length).toBe(8);
    expect(h.events.filter((e) => e.type === 'ended').length).toBe(8);
    expect(asked.mock.calls.length).toBe(askedAfterFirstPass);

    // The retries fall due: the dialer wakes by itself, paces the group and dials them.
    await h.clock.advanceBy(12 * MINUTE);
    expect(asked.mock.calls.length).toBeGreaterThan(askedAfterFirstPass);
    expect(h.placed.length).toBe(12);
    expect(new Set(h.placed.slice(8).map((p) => p.request.number))).toEqual(new Set(refusing));
  });
});

describe('a settled group', () => {
  it('is paced again only when its floor changes or a second has passed, however often other groups call for passes', async () => {
    const agents = Array.from({ length: 12 }, (_, i) => ({ agentCode: `Agent/${9001 + i}`, stationId: String(9001 + i), group: i < 2 ? 'a' : 'b' }));
    const talkers = phoneNumbers(10, 100);
    const refusing = phoneNumbers(2000, 1000);
    h = await startEngineHarness({
      dialect: 'memory',
      sim: { agents: 12 },
      numbers: Object.fromEntries([...talkers.map((n) => [n, answers(1, 600)] as const), ...refusing.map((n) => [n, busy(0.5)] as const)]),
      settings: { agents },
      defaultProfile: { retry: { maxAttempts: 1, delaySeconds: 1800 } },
      profiles: [
        { name: 'pa', typeIds: [1], agentGroup: 'a' },
        { name: 'pb', typeIds: [2], agentGroup: 'b' },
      ],
    });
    const asked = vi.spyOn(defaultPacers.progressive, 'callsToPlace');
    await h.sendCampaign({ id: 60, typeId: 1, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor(talkers) });
    await h.sendCampaign({ id: 61, typeId: 2, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor(refusing) });
    // Group a's two agents take their calls (10 minutes each); the rest of its contacts wait.
    await h.clock.advanceBy(10 * SECOND);
    const groupA = () => asked.mock.calls.filter(([s]) => s.group === 'a').length;
    const groupB = () => asked.mock.calls.filter(([s]) => s.group === 'b').length;
    const [aBefore, bBefore, placedBefore] = [groupA(), groupB(), h.placedFor(61).length];
    await h.clock.advanceBy(30 * SECOND);
    // Group b churns (a refused leg every few hundred ms) and is paced on every change; group a,
    // whose floor stays the same, about once a second.
    expect(h.placedFor(61).length - placedBefore).toBeGreaterThan(300);
    expect(groupB() - bBefore).toBeGreaterThanOrEqual(50);
    expect(groupA() - aBefore).toBeLessThanOrEqual(32);
    expect(h.placedFor(60).length).toBe(2);
  });
});

describe('a large pass', () => {
  const run = async (yieldNow: (() => Promise<void>) | null) => {
    const agents = 300;
    const harness = await startEngineHarness({ dialect: 'memory', sim: { agents }, fallback: answers(20, 120) });
    h = harness;
    const slices: number[] = [];
    if (yieldNow) {
      (harness.clock as Clock).yieldNow = async () => {
        slices.push(harness.placed.length);
        await yieldNow();
      };
    }
    await harness.sendCampaign({ id: 50, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor(phoneNumbers(2 * agents)) });
    await harness.clock.advanceBy(SECOND);
    const placed = harness.placed.map((p) => p.request.callId);
    await harness.close();
    h = undefined;
    return { placed, slices };
  };

  it('yields to the event loop between slices of placements and places the same calls as in one go', async () => {
    const whole = await run(null);
    const sliced = await run(() => new Promise<void>((resolve) => setImmediate(resolve)));
    expect(whole.placed.length).toBe(300);
    expect(sliced.placed).toEqual(whole.placed);
    // A yield after every SLICE_CALLS placements at most (virtual time does not move within the pass).
    expect(sliced.slices.length).toBeGreaterThanOrEqual(Math.floor(300 / SLICE_CALLS));
    const sizes = sliced.slices.map((n, i) => n - (i === 0 ? 0 : sliced.slices[i - 1]!));
    for (const size of sizes) expect(size).toBeLessThanOrEqual(SLICE_CALLS);
  });
});
