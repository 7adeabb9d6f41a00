/**
 * What a campaign's calls so far say about the rest of it, as inputs of the simulated floor:
 * outcome mix, ring time and talk time, each fitted to the simulator's distributions. With
 * too few calls to trust, the defaults stand in and the result says so (`lowConfidence`).
 */
import type { AttemptRecord } from '../domain/campaign.ts';
import type { SimulatorConfig, TalkTimeDistribution } from '../telephony/simulator/simulator-config.ts';

export interface CallMeasures {
  /** Ended attempts the figures come from. */
  calls: number;
  /** Calls the customer answered (talked to an agent or was abandoned). */
  answered: number;
  talks: number;
  answerRate: number;
  busyRate: number;
  congestionRate: number;
  failRate: number;
  /** Seconds from placing the call to the customer's answer, fitted uniform. */
  ringSeconds: { min: number; max: number };
  talkSeconds: Extract<TalkTimeDistribution, { kind: 'lognormal' }>;
  /** True when the campaign has too few calls: defaults were used for what could not be measured. */
  lowConfidence: boolean;
}

/** Below these counts a measured rate or distribution is too noisy to run a forecast on. */
export const MIN_CALLS = 50;
export const MIN_TALKS = 20;

export const DEFAULT_MEASURES = {
  answerRate: 0.35,
  busyRate: 0.1,
  congestionRate: 0.02,
  failRate: 0.01,
  ringSeconds: { min: 4, max: 15 },
  talkSeconds: { kind: 'lognormal', mean: 90, sigma: 0.6 } as const,
} satisfies Partial<SimulatorConfig>;

function meanAndSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, values.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

export function measureCalls(attempts: readonly AttemptRecord[]): CallMeasures {
  const ended = attempts.filter((a) => a.state === 'ended' && a.status !== null && a.status !== 'DNC');
  const count = (status: string) => ended.filter((a) => a.status === status).length;
  const answeredCalls = ended.filter((a) => a.status === 'ANSWERED' || a.status === 'ABANDONED');
  const rings = answeredCalls.filter((a) => a.answeredAt !== null).map((a) => Math.max(0, (a.answeredAt! - a.startedAt) / 1000));
  const talks = ended
    .filter((a) => a.status === 'ANSWERED' && a.connectedAt !== null && a.endedAt !== null && a.endedAt > a.connectedAt)
    .map((a) => (a.endedAt! - a.connectedAt!) / 1000);
  const enoughCalls = ended.length >= MIN_CALLS;
  const enoughTalks = talks.length >= MIN_TALKS;
  const rate = (n: number, fallback: number) => (enoughCalls ? n / ended.length : fallback);

  let ringSeconds = DEFAULT_MEASURES.ringSeconds;
  if (rings.length >= MIN_TALKS) {
    // A uniform law with the measured mean and spread.
    const { mean, sd } = meanAndSd(rings);
    ringSeconds = { min: Math.max(0, mean - Math.sqrt(3) * sd), max: mean + Math.sqrt(3) * sd };
  }
  let talkSeconds: CallMeasures['talkSeconds'] = DEFAULT_MEASURES.talkSeconds;
  if (enoughTalks) {
    const { mean } = meanAndSd(talks);
    const { sd } = meanAndSd(talks.map((t) => Math.log(Math.max(t, 0.5))));
    talkSeconds = { kind: 'lognormal', mean, sigma: sd };
  }
  return {
    calls: ended.length,
    answered: answeredCalls.length,
    talks: talks.length,
    answerRate: rate(answeredCalls.length, DEFAULT_MEASURES.answerRate),
    busyRate: rate(count('BUSY'), DEFAULT_MEASURES.busyRate),
    congestionRate: rate(count('CONGESTION'), DEFAULT_MEASURES.congestionRate),
    failRate: rate(count('FAILED'), DEFAULT_MEASURES.failRate),
    ringSeconds,
    talkSeconds,
    lowConfidence: !enoughCalls || !enoughTalks,
  };
}
