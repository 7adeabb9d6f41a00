/**
 * Pacing built per engine: the statistics fed from the engine's events, the pacers that use
 * them, and what supervisors read (`snapshot`). The composition root builds one, hands `pacers`
 * to the engine and, once the engine exists, connects its events with `observe`.
 *
 * `predictive` profiles are paced by the abandon model (`model`, the default) or by the
 * VICIdial-style adaptive dial level (`vicidial-adaptive`, the reference it is measured
 * against). Progressive and power pacing are the stateless ones of `pacer.ts`, watched so that
 * supervisors see their dial level and abandon rates too.
 */
import type { Clock } from '../../ports/clock.ts';
import type { EngineEvents } from '../engine-events.ts';
import { defaultPacers, type Pacer, type PacerRegistry } from '../pacer.ts';
import { rateOf, type AbandonTally } from './abandon-counts.ts';
import type { PacingGroupSnapshot, PacingMode } from './pacing-snapshot.ts';
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
  /** Per agent group that has been paced: dial level, measured abandon rates, prediction inputs. */
  snapshot(): PacingGroupSnapshot[];
}

interface LastPass {
  mode: PacingMode;
  at: number;
  dialLevel: number;
  placed: number;
  target: number;
}

export function createPacing(options: PacingOptions): Pacing {
  const stats = new PacingStats();
  const predictive = new PredictivePacer(stats, options.clock, { ...defaultPredictiveSettings, ...options.predictive });
  const adaptive = new VicidialAdaptivePacer(stats, { ...defaultAdaptiveSettings, ...options.adaptive });
  const lastPass = new Map<string, LastPass>();
  if (options.events) stats.observe(options.events);

  const watched = (mode: PacingMode, pacer: Pacer): Pacer => ({
    callsToPlace(s, profile) {
      for (const id of s.campaignIds) stats.assign(id, s.group);
      const placed = pacer.callsToPlace(s, profile);
      const active = s.agents.filter((a) => !a.paused).length;
      lastPass.set(s.group, { mode, at: s.now, placed, target: profile.abandonTarget, dialLevel: active === 0 ? 0 : (s.calls.length + placed) / active });
      return placed;
    },
    ...(pacer.recheckAt ? { recheckAt: (group: string, now: number) => pacer.recheckAt!(group, now) } : {}),
  });
  const modelRuns = options.algorithm !== 'vicidial-adaptive';

  return {
    pacers: {
      progressive: watched('progressive', defaultPacers.progressive),
      power: watched('power', defaultPacers.power),
      predictive: modelRuns ? watched('predictive', predictive) : watched('vicidial-adaptive', adaptive),
    },
    stats,
    predictive,
    adaptive,
    observe: (events) => stats.observe(events),
    snapshot() {
      const now = options.clock.now();
      const predictiveViews = predictive.views();
      const adaptiveViews = adaptive.views();
      const figures = (t: AbandonTally) => ({ answered: t.answered, abandoned: t.abandoned, rate: rateOf(t) });
      return [...lastPass].map(([group, pass]) => {
        const g = stats.group(group);
        const p = pass.mode === 'predictive' ? predictiveViews.get(group) : undefined;
        const f = p?.forecast ?? null;
        return {
          group,
          mode: pass.mode,
          state: p?.state ?? null,
          at: pass.at,
          dialLevel: pass.dialLevel,
          callsPlacedLastPass: pass.placed,
          riskLimit: p ? p.riskLimit : null,
          marginalRisk: p ? p.marginalRisk : null,
          calibration: p ? p.control.calibration : null,
          inputs: {
            resolvedCalls: g.resolved,
            answerProbability: g.answerProbability(),
            meanSecondsToAnswer: g.answerTime.mean(),
            meanTalkSeconds: g.talkTime.mean(),
            meanWrapUpSeconds: g.wrapUpTime.mean(),
            agentsFreeNow: f?.freeNow ?? null,
            customersWaiting: f?.waitingNow ?? null,
            agentsExpectedFree: f?.agentsExpectedFree ?? null,
            answersExpected: f?.answersExpected ?? null,
            expectedAbandons: f?.expectedAbandons ?? null,
            horizonSeconds: f?.horizonSeconds ?? null,
          },
          adaptive: pass.mode === 'vicidial-adaptive' ? (adaptiveViews.get(group) ?? null) : null,
          campaigns: stats
            .campaigns()
            .filter((id) => stats.groupOf(id) === group)
            .map((campaignId) => {
              const c = stats.campaign(campaignId);
              return {
                campaignId,
                group,
                abandonTarget: pass.target,
                sinceStart: figures(c.total),
                window: { ...figures(c.window(now)), minutes: Math.round(c.windowMs / 60_000) },
              };
            }),
        };
      });
    },
  };
}
