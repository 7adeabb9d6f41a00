/**
 * Pacing built per engine: the statistics fed from the engine's events and the pacers that use
 * them, plus what supervisors read. The composition root builds one, hands `pacers` to the
 * engine and, once the engine exists, connects its events with `observe`.
 *
 * `predictive` profiles are paced by the abandon model (`model`, the default) or by the
 * VICIdial-style adaptive dial level (`vicidial-adaptive`, the reference it is measured against).
 */
import type { Clock } from '../../ports/clock.ts';
import type { EngineEvents } from '../engine-events.ts';
import { defaultPacers, type PacerRegistry } from '../pacer.ts';
import { PacingStats } from './pacing-stats.ts';
import { PredictivePacer, defaultPredictiveSettings, type PredictiveSettings } from './predictive-pacer.ts';
import { VicidialAdaptivePacer, defaultAdaptiveSettings, type AdaptiveSettings } from './vicidial-adaptive-pacer.ts';

export type PredictiveAlgorithm = 'model' | 'vicidial-adaptive';

export interface PacingOptions {
  clock: Clock;
  /** The engine's events, when it already exists (otherwise call `observe`). */
  events?: Pick<EngineEvents, 'on'>;
  algorithm?: PredictiveAlgorithm;
  predictive?: Partial<PredictiveSettings>;
  adaptive?: Partial<AdaptiveSettings>;
}

export interface Pacing {
  pacers: PacerRegistry;
  stats: PacingStats;
  predictive: PredictivePacer;
  adaptive: VicidialAdaptivePacer;
  /** Connects the engine's events; returns the function that disconnects them. */
  observe(events: Pick<EngineEvents, 'on'>): () => void;
}

export function createPacing(options: PacingOptions): Pacing {
  const stats = new PacingStats();
  const predictive = new PredictivePacer(stats, options.clock, { ...defaultPredictiveSettings, ...options.predictive });
  const adaptive = new VicidialAdaptivePacer(stats, { ...defaultAdaptiveSettings, ...options.adaptive });
  if (options.events) stats.observe(options.events);
  return {
    pacers: { ...defaultPacers, predictive: options.algorithm === 'vicidial-adaptive' ? adaptive : predictive },
    stats,
    predictive,
    adaptive,
    observe: (events) => stats.observe(events),
  };
}
