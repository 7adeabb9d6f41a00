/**
 * Predictive pacing on the simulated call floor, in virtual time (hours of calling in seconds):
 * the real engine with the in-memory store, the same set-up as the pacing benchmark. The
 * abandon cap holds, the 2-second rule is applied to every answered customer, and dialling
 * ahead pays: more talk per agent-hour than progressive dialling on the same floor and seed.
 */
import { describe, expect, it } from 'vitest';
import { createPacing } from '../../src/engine/pacing/create-pacing.ts';
import { defaultFloorScenario, runPacingFloor, type FloorScenario, type PacingUnderTest } from '../support/pacing-floor.ts';

const predictive: PacingUnderTest = {
  dialMode: 'predictive',
  build: (clock) => {
    const pacing = createPacing({ clock });
    return { pacers: pacing.pacers, observe: (events) => void pacing.observe(events) };
  },
};
const progressive: PacingUnderTest = { dialMode: 'progressive', build: () => ({ pacers: {} }) };

// Bridging is instant here, so "waited" is exactly answer → agent.
const floor = (overrides: Partial<FloorScenario>): FloorScenario => ({ ...defaultFloorScenario, connectDelayMs: 0, hours: 2, ...overrides });

describe('predictive pacing on the simulated floor', () => {
  it('keeps the abandon rate under the 3% cap over the run and every rolling hour, with 20 agents', async () => {
    const { metrics } = await runPacingFloor(floor({ agents: 20, answerRate: 0.35, seed: 7 }), predictive);
    expect(metrics.answered).toBeGreaterThan(1000);
    expect(metrics.abandoned).toBeGreaterThan(0);
    expect(metrics.abandonRate).toBeLessThanOrEqual(0.03);
    expect(metrics.worstHourAbandonRate).toBeLessThanOrEqual(0.05);
  }, 120_000);

  it('applies the 2-second rule: no connected customer waited more than 2 s; abandoned ones were held 2 s, then heard the message', async () => {
    const { metrics } = await runPacingFloor(floor({ agents: 20, answerRate: 0.35, seed: 8, hours: 1 }), predictive);
    expect(metrics.connected).toBeGreaterThan(0);
    expect(metrics.maxWaitSeconds).toBeLessThanOrEqual(2);
    expect(metrics.abandoned).toBeGreaterThan(0);
    // Hold limit (2 s) plus the floor's abandon message (3 s), from the answer to the hang-up.
    expect(metrics.minAbandonHoldSeconds!).toBeGreaterThanOrEqual(2 + 3);
  }, 120_000);

  it('talks at least 1.3 times as many minutes per agent-hour as progressive dialling on the same floor and seed', async () => {
    const scenario = floor({ agents: 20, answerRate: 0.35, seed: 9 });
    const ahead = (await runPacingFloor(scenario, predictive)).metrics;
    const oneToOne = (await runPacingFloor(scenario, progressive)).metrics;
    expect(oneToOne.abandoned).toBe(0);
    expect(ahead.talkMinutesPerAgentHour).toBeGreaterThanOrEqual(1.3 * oneToOne.talkMinutesPerAgentHour);
    expect(ahead.occupancy).toBeGreaterThan(oneToOne.occupancy);
    expect(ahead.callsPerAgentHour).toBeGreaterThan(oneToOne.callsPerAgentHour);
  }, 120_000);

  it('keeps the cap with only 5 agents', async () => {
    const { metrics } = await runPacingFloor(floor({ agents: 5, answerRate: 0.35, seed: 10 }), predictive);
    expect(metrics.answered).toBeGreaterThan(200);
    expect(metrics.abandonRate).toBeLessThanOrEqual(0.03);
  }, 120_000);

  it('is deterministic: the same floor and seed give the same run', async () => {
    const scenario = floor({ agents: 20, answerRate: 0.35, seed: 11, hours: 0.5 });
    const a = (await runPacingFloor(scenario, predictive)).metrics;
    const b = (await runPacingFloor(scenario, predictive)).metrics;
    expect(b).toEqual(a);
  }, 120_000);
});
