/**
 * The abandon model on synthetic floors: answers against agents slot by slot, the hold limit
 * (a customer waits through the slot after answering, no longer), and the choice of how many
 * calls to place under a marginal-risk limit.
 */
import { describe, expect, it } from 'vitest';
import { bernoulliSumPmf, callsWithinRisk, outlook, type SlotForecast } from '../../src/engine/pacing/abandon-model.ts';

const NO_FREEING = [1];

function forecast(overrides: Partial<SlotForecast> & { slots?: number }): SlotForecast {
  const slots = overrides.slots ?? 4;
  return {
    slotSeconds: 2 / 1.5,
    freeNow: 0,
    waitingNow: 0,
    inFlightAnswers: new Array(slots).fill(0),
    newCallAnswers: new Array(slots).fill(0),
    agentsFreed: new Array(slots + 1).fill(NO_FREEING),
    ...overrides,
  };
}

function poisson(mean: number, n: number): number {
  let p = Math.exp(-mean);
  for (let k = 1; k <= n; k++) p *= mean / k;
  return p;
}

describe('abandon model', () => {
  it('abandons every answer when no agent is free or becomes free', () => {
    const o = outlook(forecast({ inFlightAnswers: [0.7, 1.3, 0.5, 0] }), 0);
    expect(o.answers).toBeCloseTo(2.5, 10);
    expect(o.abandons).toBeCloseTo(2.5, 6);
  });

  it('abandons nothing when there are no answers', () => {
    expect(outlook(forecast({ freeNow: 3 }), 0)).toEqual({ abandons: 0, answers: 0 });
  });

  it('abandons the answers beyond the free agents: E[(A − free)⁺] for a Poisson count', () => {
    const mean = 3;
    const o = outlook(forecast({ freeNow: 2, inFlightAnswers: [mean, 0, 0, 0] }), 0);
    const expected = mean - 2 + 2 * poisson(mean, 0) + 1 * poisson(mean, 1);
    expect(o.abandons).toBeCloseTo(expected, 8);
  });

  it('serves a customer who answered in the previous slot with an agent freed in this one', () => {
    const certainInSlot = (j: number, slots = 4) => Array.from({ length: slots + 1 }, (_, i) => (i === j ? [0, 1] : NO_FREEING));
    // Already waiting (answered in the slot before now): an agent freed in the first slot is in time…
    expect(outlook(forecast({ waitingNow: 1, agentsFreed: certainInSlot(0) }), 0).abandons).toBeCloseTo(0, 10);
    // …one freed a slot later is not.
    expect(outlook(forecast({ waitingNow: 1, agentsFreed: certainInSlot(1) }), 0).abandons).toBeCloseTo(1, 10);
    // A (rare) answer in slot 0 waits through slot 1, not slot 2.
    const rare = [1e-3, 0, 0, 0];
    expect(outlook(forecast({ inFlightAnswers: rare, agentsFreed: certainInSlot(1) }), 0).abandons).toBeLessThan(1e-6);
    expect(outlook(forecast({ inFlightAnswers: rare, agentsFreed: certainInSlot(2) }), 0).abandons).toBeCloseTo(1e-3, 6);
  });

  it('expects more abandons with every call added, and a growing rise per call', () => {
    const f = forecast({ freeNow: 2, inFlightAnswers: [0.5, 0.5, 0.3, 0.1], newCallAnswers: [0, 0.1, 0.15, 0.1], agentsFreed: [[0.5, 0.5], [1], [0.2, 0.8], [1], [1]] });
    const abandons = [0, 1, 2, 3, 4, 5, 6, 8, 12].map((k) => outlook(f, k).abandons);
    for (let i = 1; i < abandons.length; i++) expect(abandons[i]!).toBeGreaterThan(abandons[i - 1]!);
    const rises = [1, 2, 3, 4, 5].map((k) => outlook(f, k).abandons - outlook(f, k - 1).abandons);
    for (let i = 1; i < rises.length; i++) expect(rises[i]!).toBeGreaterThanOrEqual(rises[i - 1]! - 1e-12);
  });

  it('places calls while each one raises expected abandons by at most the limit times its answer chance', () => {
    const f = forecast({
      freeNow: 3,
      inFlightAnswers: [0.4, 0.6, 0.8, 0.6, 0.3, 0.1],
      newCallAnswers: [0, 0, 0.08, 0.1, 0.1, 0.07],
      agentsFreed: [[0.6, 0.4], [0.3, 0.5, 0.2], [1], [0.5, 0.5], [0.7, 0.3], [1], [0.9, 0.1]],
      slots: 6,
    });
    const perCall = 0.35;
    for (const limit of [0.01, 0.03, 0.1, 0.3]) {
      // Brute force: the first call whose own rise exceeds the limit is not placed.
      let expected = 0;
      while (expected < 200 && outlook(f, expected + 1).abandons - outlook(f, expected).abandons <= limit * perCall) expected++;
      const decision = callsWithinRisk(f, limit, 200);
      expect(decision.calls).toBe(expected);
      expect(decision.outlook.abandons).toBeCloseTo(outlook(f, expected).abandons, 10);
      expect(decision.base.abandons).toBeCloseTo(outlook(f, 0).abandons, 10);
    }
    expect(callsWithinRisk(f, 0.3, 2).calls).toBeLessThanOrEqual(2);
  });

  it('places no call ahead when answers already outnumber the agents to come', () => {
    const f = forecast({ freeNow: 0, inFlightAnswers: [1, 1, 1, 1], newCallAnswers: [0, 0.2, 0.2, 0.1] });
    expect(callsWithinRisk(f, 0.05, 50).calls).toBe(0);
  });

  it('sums Bernoulli draws exactly', () => {
    const pmf = bernoulliSumPmf([0.3, 0.3, 0.3]);
    const binomial = [0.343, 0.441, 0.189, 0.027];
    pmf.forEach((p, i) => expect(p).toBeCloseTo(binomial[i]!, 12));
    expect(bernoulliSumPmf([1, 1, 0.5])).toEqual([0, 0, 0.5, 0.5]);
    expect(bernoulliSumPmf([])).toEqual([1]);
  });
});
