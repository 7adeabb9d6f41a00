/**
 * The simulator's numbers: a seed fixes every outcome and timing, and over thousands of calls
 * in virtual time the configured rates and talk-time distributions come out as configured.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TelephonyEvent } from '../../src/ports/telephony.ts';
import { resolveSimulatorConfig, type SimulatorConfig } from '../../src/telephony/simulator/simulator-config.ts';
import { callRequest, START, startSimulator, type SimulatorHarness } from './simulator-harness.ts';

const HOUR = 3_600_000;

describe('simulator statistics', () => {
  let harness: SimulatorHarness | undefined;
  afterEach(async () => {
    await harness?.driver.stop();
    harness = undefined;
  });

  /**
   * Places `calls` calls one `spacingMs` apart; like an engine, bridges every answered call
   * with an agent (round robin) or hangs it up, and runs until every leg has ended.
   */
  async function run(config: Partial<SimulatorConfig>, calls: number, options: { spacingMs?: number; bridge?: boolean } = {}) {
    const agents = config.agents ?? 5;
    let nextAgent = 0;
    const h = (harness = await startSimulator(config, {
      quiet: true,
      listener: (event, { driver }) => {
        if (event.type !== 'answered') return;
        if (options.bridge === false) void driver.hangup(event.callId);
        else {
          const ext = 9001 + (nextAgent++ % agents);
          void driver.connectAgent(event.callId, { agentCode: `Agent/${ext}`, stationId: String(ext) }, { record: false });
        }
      },
    }));
    const rejected: string[] = [];
    for (let i = 0; i < calls; i++) {
      h.clock.setTimer(i * (options.spacingMs ?? 1000), () => {
        h.driver.placeCall(callRequest(`call-${i}`, `0${(100_000_000 + i * 7919) % 1_000_000_000}`)).catch(() => rejected.push(`call-${i}`));
      });
    }
    const done = await h.clock.runUntil(async () => h.clock.nextTimerAt() === null, 100 * HOUR, HOUR);
    expect(done).toBe(true);
    expect(h.driver.stats().live).toBe(0);
    return { events: h.events, stats: h.driver.stats(), rejected };
  }

  /** Per call: its event types, times (relative to the start) and end cause. */
  function traces(events: TelephonyEvent[]): Record<string, string[]> {
    const byCall: Record<string, string[]> = {};
    for (const e of events) {
      if (!('callId' in e)) continue;
      (byCall[e.callId] ??= []).push(`${e.type}@${e.at - START}${e.type === 'ended' ? `:${e.cause}` : ''}`);
    }
    return byCall;
  }

  it('the same seed gives the same outcomes and timings; another seed does not', async () => {
    const config = { agents: 5, talkSeconds: { kind: 'lognormal', mean: 60, sigma: 0.5 } } as const;
    const first = traces((await run({ ...config, seed: 11 }, 200)).events);
    await harness!.driver.stop();
    const second = traces((await run({ ...config, seed: 11 }, 200)).events);
    await harness!.driver.stop();
    const other = traces((await run({ ...config, seed: 12 }, 200)).events);
    expect(Object.keys(first)).toHaveLength(200);
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
    const differing = Object.keys(first).filter((id) => JSON.stringify(first[id]) !== JSON.stringify(other[id]));
    expect(differing.length).toBeGreaterThan(150);
  });

  it('over 5,000 calls the configured outcome rates hold within tolerance', async () => {
    const rates = { answerRate: 0.4, busyRate: 0.15, congestionRate: 0.05, failRate: 0.1, failPlaceRate: 0.05 };
    const { events, stats, rejected } = await run(
      { seed: 2024, ...rates, ringSeconds: { min: 1, max: 20 } },
      5000,
      { spacingMs: 100, bridge: false },
    );
    const placed = 5000 - rejected.length;
    expect(Math.abs(rejected.length / 5000 - rates.failPlaceRate)).toBeLessThan(0.015);
    const answered = new Set(events.filter((e) => e.type === 'answered').map((e) => (e as { callId: string }).callId));
    const causes: Record<string, number> = {};
    for (const e of events) if (e.type === 'ended' && !answered.has(e.callId)) causes[e.cause] = (causes[e.cause] ?? 0) + 1;
    const observed = {
      answered: answered.size / placed,
      busy: (causes.busy ?? 0) / placed,
      congestion: (causes.congestion ?? 0) / placed,
      failed: (causes.failed ?? 0) / placed,
      noAnswer: (causes['no-answer'] ?? 0) / placed,
    };
    const expected = { answered: 0.4, busy: 0.15, congestion: 0.05, failed: 0.1, noAnswer: 0.3 };
    for (const key of Object.keys(expected) as (keyof typeof expected)[]) {
      expect(Math.abs(observed[key] - expected[key]), `${key}: ${observed[key]}`).toBeLessThan(0.025);
    }
    expect(stats).toMatchObject({ placed, rejected: rejected.length, answered: answered.size });
    expect(stats.ended.normal).toBe(answered.size);
  });

  it('log-normal talk times average the configured mean with the configured spread', async () => {
    const mean = 90;
    const sigma = 0.5;
    const { events } = await run({ seed: 5, answerRate: 1, busyRate: 0, congestionRate: 0, failRate: 0, talkSeconds: { kind: 'lognormal', mean, sigma } }, 3000, { spacingMs: 200 });
    const talks = talkSeconds(events);
    expect(talks).toHaveLength(3000);
    const average = talks.reduce((a, b) => a + b, 0) / talks.length;
    const median = [...talks].sort((a, b) => a - b)[talks.length >> 1]!;
    expect(Math.abs(average / mean - 1)).toBeLessThan(0.05);
    expect(Math.abs(median / (mean * Math.exp((-sigma * sigma) / 2)) - 1)).toBeLessThan(0.06);
  });

  it('uniform talk times stay within their bounds and average the midpoint', async () => {
    const { events } = await run({ seed: 6, answerRate: 1, busyRate: 0, congestionRate: 0, failRate: 0, talkSeconds: { kind: 'uniform', min: 10, max: 20 } }, 2000, { spacingMs: 200 });
    const talks = talkSeconds(events);
    expect(Math.min(...talks)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...talks)).toBeLessThanOrEqual(20);
    expect(Math.abs(talks.reduce((a, b) => a + b, 0) / talks.length - 15)).toBeLessThan(0.4);
  });

  it('refuses a configuration whose probabilities exceed 1 or whose ranges are inverted', () => {
    expect(() => resolveSimulatorConfig({ answerRate: 0.8, busyRate: 0.3 })).toThrow(/must not exceed 1/);
    expect(() => resolveSimulatorConfig({ ringSeconds: { min: 5, max: 1 } })).toThrow(/ringSeconds.min/);
    expect(Object.isFrozen(resolveSimulatorConfig({}))).toBe(true);
  });
});

function talkSeconds(events: TelephonyEvent[]): number[] {
  const connectedAt = new Map<string, number>();
  const talks: number[] = [];
  for (const e of events) {
    if (e.type === 'connected') connectedAt.set(e.callId, e.at);
    else if (e.type === 'ended' && connectedAt.has(e.callId)) talks.push((e.at - connectedAt.get(e.callId)!) / 1000);
  }
  return talks;
}
