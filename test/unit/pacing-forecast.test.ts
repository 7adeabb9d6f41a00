/**
 * From a snapshot of the floor and the group's statistics to the slot forecast: what a new call
 * and each call in flight are expected to bring, and when agents free up.
 */
import { describe, expect, it } from 'vitest';
import type { GroupSnapshot, PacingAgent, PacingCall } from '../../src/engine/pacer.ts';
import { GroupStats, defaultStatsSettings } from '../../src/engine/pacing/pacing-stats.ts';
import { forecastGroup } from '../../src/engine/pacing/slot-forecast.ts';

const NOW = Date.UTC(2026, 0, 5, 3, 0, 0);
const SETTINGS = { slotSeconds: 1, minSamples: 20, maxHorizonSeconds: 60 };

/** 30% answered after 4–15 s (uniform); the rest end after 25 s. */
function learnedStats(options: { talk?: boolean } = {}): GroupStats {
  const g = new GroupStats(defaultStatsSettings);
  for (let i = 0; i < 1000; i++) {
    if (i % 10 < 3) {
      g.answerTime.add(4 + (11 * ((i * 7) % 100)) / 100);
      g.outcome(true);
    } else {
      g.unansweredTime.add(25);
      g.outcome(false);
    }
  }
  if (options.talk) for (let i = 0; i < 200; i++) g.talkTime.add(30 + (i % 61)); // 30–90 s
  return g;
}

function snapshot(calls: Partial<PacingCall>[], agents: Partial<PacingAgent>[]): GroupSnapshot {
  const fullAgents = agents.map((a, i) => ({ agentCode: `Agent/${i}`, paused: false, activity: 'idle' as const, since: NOW, autoWrapUpSeconds: 10, ...a }));
  return {
    now: NOW,
    group: 'sales',
    available: fullAgents.filter((a) => a.activity === 'idle').length,
    loggedIn: fullAgents.length,
    talking: 0,
    wrapUp: 0,
    reserved: 0,
    unconnected: calls.length,
    waiting: 0,
    campaignIds: [1],
    calls: calls.map((c, i) => ({ callId: `c${i}`, campaignId: 1, state: 'ringing' as const, startedAt: NOW, answeredAt: null, waitingSince: null, ...c })),
    agents: fullAgents,
  };
}

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

describe('slot forecast', () => {
  it('gives a new call the answer probability, spread over the time answers take', () => {
    const f = forecastGroup(snapshot([], []), learnedStats(), SETTINGS);
    expect(f.answerProbability).toBeCloseTo(0.3, 12);
    expect(sum(f.newCallAnswers)).toBeCloseTo(0.3, 2);
    expect(sum(f.newCallAnswers.slice(0, 4))).toBeCloseTo(0, 6); // nobody answers within 4 s
    expect(f.horizonSeconds).toBeGreaterThanOrEqual(15);
  });

  it('expects less of a call the longer it has rung unanswered, and nothing past the longest answer time', () => {
    const stats = learnedStats();
    const fresh = forecastGroup(snapshot([{ startedAt: NOW }], []), stats, SETTINGS);
    const aged = forecastGroup(snapshot([{ startedAt: NOW - 10_000 }], []), stats, SETTINGS);
    const old = forecastGroup(snapshot([{ startedAt: NOW - 16_000 }], []), stats, SETTINGS);
    expect(fresh.answersExpected).toBeCloseTo(0.3, 2);
    // After 10 s unanswered: p·S_answer(10) / (p·S_answer(10) + (1 − p)·S_unanswered(10)).
    const stillToAnswer = 0.3 * (5 / 11);
    expect(Math.abs(aged.answersExpected - stillToAnswer / (stillToAnswer + 0.7))).toBeLessThan(0.01);
    expect(old.answersExpected).toBe(0);
  });

  it('counts customers already waiting and leaves calls already with an agent out', () => {
    const f = forecastGroup(
      snapshot([{ state: 'answered', answeredAt: NOW - 500, waitingSince: NOW - 500 }, { state: 'answered', answeredAt: NOW - 100 }, { state: 'connected', answeredAt: NOW - 9000 }], []),
      learnedStats(),
      SETTINGS,
    );
    expect(f.waitingNow).toBe(1);
    expect(f.answersExpected).toBe(1);
  });

  it('frees an agent in automatic wrap-up exactly when the wrap-up ends', () => {
    const f = forecastGroup(snapshot([], [{ activity: 'wrap-up', since: NOW - 6_500, autoWrapUpSeconds: 10 }, { activity: 'idle' }]), learnedStats(), SETTINGS);
    expect(f.freeNow).toBe(1);
    expect(f.agentsFreed[3]).toEqual([0, 1]); // 3.5 s from now, in the slot [3 s, 4 s)
    expect(f.agentsFreed[2]).toEqual([1]);
    expect(f.agentsExpectedFree).toBe(2);
  });

  it('frees talking agents by their remaining talk plus wrap-up, and not at all before talk times are known', () => {
    const talking = [{ activity: 'talking' as const, since: NOW - 80_000 }, { activity: 'talking' as const, since: NOW - 5_000 }];
    const unknown = forecastGroup(snapshot([], talking), learnedStats(), SETTINGS);
    expect(unknown.agentsExpectedFree).toBe(0);
    const known = forecastGroup(snapshot([], talking), learnedStats({ talk: true }), SETTINGS);
    // The one 80 s into a 30–90 s talk is likely to end within the horizon (then 10 s wrap-up);
    // the one 5 s in cannot be free within 25 s.
    expect(known.agentsExpectedFree).toBeGreaterThan(0.3);
    expect(known.agentsExpectedFree).toBeLessThanOrEqual(1 + 1e-9);
    expect(sum(known.agentsFreed.slice(0, 10).map((pmf) => 1 - pmf[0]!))).toBeCloseTo(0, 9); // nobody before the 10 s wrap-up
  });

  it('leaves paused agents out', () => {
    const f = forecastGroup(snapshot([], [{ activity: 'idle', paused: true }, { activity: 'wrap-up', paused: true, since: NOW }]), learnedStats(), SETTINGS);
    expect(f.freeNow).toBe(0);
    expect(f.agentsExpectedFree).toBe(0);
  });
});
