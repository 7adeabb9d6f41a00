/**
 * The pacing benchmark's suite: call-floor scenarios (agents × answer rate × mean talk time)
 * and the three algorithms run on each, with the same seeds. Every algorithm runs the same
 * engine; they differ only in the pacer the engine is given for `predictive` profiles.
 */
import type { Clock } from '../../src/ports/clock.ts';
import { createPacing } from '../../src/engine/pacing/create-pacing.ts';
import { defaultFloorScenario, type FloorScenario, type PacingUnderTest } from '../../test/support/pacing-floor.ts';

export const ALGORITHMS = ['predictive', 'adaptive-baseline', 'progressive'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export const SUITE = {
  agents: [5, 20, 100],
  answerRates: [0.15, 0.35, 0.7],
  talkMeans: [60, 240],
};

export interface ScenarioKey {
  agents: number;
  answerRate: number;
  talkMeanSeconds: number;
}

export interface Job {
  scenario: ScenarioKey;
  algorithm: Algorithm;
  seed: number;
  hours: number;
}

export const scenarioName = (s: ScenarioKey) => `${s.agents} agents, answer ${s.answerRate}, talk ${s.talkMeanSeconds} s`;
export const sameScenario = (a: ScenarioKey, b: ScenarioKey) =>
  a.agents === b.agents && a.answerRate === b.answerRate && a.talkMeanSeconds === b.talkMeanSeconds;

/** The floor of a job: the suite's fixed parameters (wrap-up 10 s, answers after 4–15 s, 25 s timeout) and its own. */
export function floorOf(job: Job): FloorScenario {
  return { ...defaultFloorScenario, ...job.scenario, seed: job.seed, hours: job.hours };
}

export function pacingOf(algorithm: Algorithm): PacingUnderTest {
  switch (algorithm) {
    case 'progressive':
      return { dialMode: 'progressive', build: () => ({ pacers: {} }) };
    case 'adaptive-baseline':
      return { dialMode: 'predictive', build: (clock: Clock) => built(createPacing({ clock, algorithm: 'vicidial-adaptive' })) };
    case 'predictive':
      return { dialMode: 'predictive', build: (clock: Clock) => built(createPacing({ clock })) };
  }
}

function built(p: ReturnType<typeof createPacing>) {
  return { pacers: p.pacers, observe: (events: Parameters<typeof p.observe>[0]) => void p.observe(events) };
}
