/**
 * What the simulated call floor looks like: how many virtual agents it has, how customers
 * answer (probabilities, ring and talk times) and how long the floor itself takes (bridging,
 * the abandon message). Validated and frozen by `resolveSimulatorConfig`.
 */
import type { CustomerBehaviour } from './customer-behaviour.ts';

export interface Range {
  min: number;
  max: number;
}

export type TalkTimeDistribution =
  | { kind: 'uniform'; min: number; max: number }
  /** Log-normal with arithmetic `mean` (seconds) and log-space `sigma`. */
  | { kind: 'lognormal'; mean: number; sigma: number };

export interface SimulatorConfig {
  seed: number;
  /** Number of virtual agents: `Agent/<ext>` on station `<ext>`, from `firstExtension` up. */
  agents: number;
  firstExtension: number;
  /** Outcome probabilities of a customer leg; what is left over rings until the ring timeout. */
  answerRate: number;
  busyRate: number;
  congestionRate: number;
  failRate: number;
  /** Seconds until the customer answers, or until busy/congestion/failure is signalled. */
  ringSeconds: Range;
  /** Milliseconds from placing the call to the `ringing` event. */
  ringingDelayMs: Range;
  /** Seconds of conversation once bridged with an agent, after which the customer hangs up. */
  talkSeconds: TalkTimeDistribution;
  /** Wrap-up a virtual agent takes by itself (announced as `autoWrapUpSeconds`). */
  wrapUpSeconds: number;
  /** Milliseconds to bridge an agent. */
  connectDelayMs: number;
  /** Length of the message played to an abandoned customer before hanging up. */
  abandonMessageSeconds: number;
  /**
   * Cap on the length of a generated recording; none by default, so a recording lasts as long
   * as the call's talk (tests and benchmarks cap it to keep their files tiny).
   */
  recordingSeconds: number;
  /** Probability that `placeCall` itself rejects (the leg never exists). */
  failPlaceRate: number;
  /** Per-number override of the drawn customer behaviour (tests script outcomes with it). */
  script?: (number: string) => CustomerBehaviour | undefined;
}

export const defaultSimulatorConfig: Readonly<SimulatorConfig> = Object.freeze({
  seed: 1,
  agents: 10,
  firstExtension: 9001,
  answerRate: 0.45,
  busyRate: 0.1,
  congestionRate: 0.03,
  failRate: 0.02,
  ringSeconds: Object.freeze({ min: 3, max: 25 }),
  ringingDelayMs: Object.freeze({ min: 100, max: 500 }),
  talkSeconds: Object.freeze({ kind: 'lognormal', mean: 120, sigma: 0.6 } as const),
  wrapUpSeconds: 10,
  connectDelayMs: 200,
  abandonMessageSeconds: 3,
  recordingSeconds: Number.POSITIVE_INFINITY,
  failPlaceRate: 0,
});

/** Defaults overlaid with `overrides`, checked and frozen; throws a RangeError on nonsense. */
export function resolveSimulatorConfig(overrides: Partial<SimulatorConfig> = {}): Readonly<SimulatorConfig> {
  const config: SimulatorConfig = { ...defaultSimulatorConfig, ...overrides };
  const problems: string[] = [];
  const probability = (name: keyof SimulatorConfig) => {
    const value = config[name];
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) problems.push(`${name} must be within [0, 1]`);
  };
  const nonNegative = (name: string, value: number) => {
    if (!(value >= 0) || !Number.isFinite(value)) problems.push(`${name} must be a finite number >= 0`);
  };
  const range = (name: string, value: Range) => {
    nonNegative(`${name}.min`, value.min);
    nonNegative(`${name}.max`, value.max);
    if (value.min > value.max) problems.push(`${name}.min must not exceed ${name}.max`);
  };

  if (!Number.isFinite(config.seed)) problems.push('seed must be a finite number');
  if (!Number.isInteger(config.agents) || config.agents < 0) problems.push('agents must be an integer >= 0');
  if (!Number.isInteger(config.firstExtension) || config.firstExtension < 0) problems.push('firstExtension must be an integer >= 0');
  for (const name of ['answerRate', 'busyRate', 'congestionRate', 'failRate', 'failPlaceRate'] as const) probability(name);
  if (config.answerRate + config.busyRate + config.congestionRate + config.failRate > 1 + 1e-9) {
    problems.push('answerRate + busyRate + congestionRate + failRate must not exceed 1');
  }
  range('ringSeconds', config.ringSeconds);
  range('ringingDelayMs', config.ringingDelayMs);
  const talk = config.talkSeconds;
  if (talk.kind === 'uniform') range('talkSeconds', talk);
  else if (talk.kind === 'lognormal') {
    if (!(talk.mean > 0) || !Number.isFinite(talk.mean)) problems.push('talkSeconds.mean must be > 0');
    nonNegative('talkSeconds.sigma', talk.sigma);
  } else problems.push('talkSeconds.kind must be uniform or lognormal');
  nonNegative('wrapUpSeconds', config.wrapUpSeconds);
  nonNegative('connectDelayMs', config.connectDelayMs);
  nonNegative('abandonMessageSeconds', config.abandonMessageSeconds);
  if (!(config.recordingSeconds >= 0)) problems.push('recordingSeconds must be >= 0');
  if (problems.length > 0) throw new RangeError(`invalid simulator config: ${problems.join('; ')}`);
  return Object.freeze(config);
}
