/**
 * Predictive pacing: places calls ahead of agents becoming free, as many as the abandon model
 * says can be placed while the abandon rate stays under the profile's `abandonTarget`.
 *
 * Per pass: the group's statistics and snapshot give a slot forecast (`slot-forecast.ts`);
 * calls are added one at a time while each one's marginal abandon risk — the rise in expected
 * abandons it causes over its chance of being answered — stays under a risk limit. Never fewer
 * calls than progressive would place.
 *
 * The risk limit comes from `risk-limit.ts`: the target with a margin, corrected by how the
 * model's predicted abandons compare with the measured ones, and cut as the rate measured per
 * campaign (over the rolling window and since the start) nears the target.
 *
 * States per group: learning (too few resolved calls or answers to trust the statistics: 1:1),
 * predicting, and holding (a measured rate reached the target: 1:1 until it is back under the
 * margin). While predicting, the group is paced again every second even without events, since
 * an agent nearing the end of a wrap-up or a call nearing its usual length raises none.
 */
import type { Profile } from '../../domain/profile.ts';
import type { Clock } from '../../ports/clock.ts';
import type { GroupSnapshot, Pacer } from '../pacer.ts';
import { callsWithinRisk, outlook } from './abandon-model.ts';
import { rateOf, type AbandonTally } from './abandon-counts.ts';
import type { PacingStats } from './pacing-stats.ts';
import { RiskLimit, type RiskLimitSettings, type RiskLimitView, defaultRiskLimitSettings } from './risk-limit.ts';
import { forecastGroup, type ForecastSettings, type GroupForecast } from './slot-forecast.ts';

export type PredictiveState = 'learning' | 'predicting' | 'holding';

export interface PredictiveSettings extends ForecastSettings {
  /** Resolved calls and answered calls needed before predicting. */
  minResolvedCalls: number;
  minAnsweredCalls: number;
  /** Most calls in flight per logged-in agent. */
  maxLinesPerAgent: number;
  /** How often the group is paced even without events, ms. */
  recheckMs: number;
  risk: RiskLimitSettings;
}

export const defaultPredictiveSettings: PredictiveSettings = {
  slotSeconds: 2 / 1.5,
  minSamples: 20,
  maxHorizonSeconds: 60,
  minResolvedCalls: 60,
  minAnsweredCalls: 15,
  maxLinesPerAgent: 6,
  recheckMs: 1000,
  risk: defaultRiskLimitSettings,
};

/** What the pacer last decided for a group, for supervisors. */
export interface PredictiveGroupView {
  state: PredictiveState;
  at: number;
  callsPlaced: number;
  /** Calls in flight (all states) per agent not paused, after the pass. */
  linesPerAgent: number;
  riskLimit: number;
  marginalRisk: number;
  control: RiskLimitView;
  /** Worst measured abandon rate of the group's campaigns (rolling window, since start). */
  measured: { window: number; campaign: number };
  forecast: Pick<GroupForecast, 'horizonSeconds' | 'answerProbability' | 'agentsExpectedFree' | 'answersExpected' | 'freeNow' | 'waitingNow'> & {
    expectedAbandons: number;
  } | null;
}

interface GroupState {
  view: PredictiveGroupView;
  limit: RiskLimit;
}

export class PredictivePacer implements Pacer {
  private readonly groups = new Map<string, GroupState>();

  constructor(
    private readonly stats: PacingStats,
    private readonly clock: Clock,
    private readonly settings: PredictiveSettings = defaultPredictiveSettings,
  ) {}

  callsToPlace(s: GroupSnapshot, profile: Profile): number {
    for (const id of s.campaignIds) this.stats.assign(id, s.group);
    const state = this.state(s.group, profile);
    const progressive = Math.max(0, s.available - s.unconnected);
    const g = this.stats.group(s.group);
    const measured = this.measured(s);
    const view = state.view;
    view.at = s.now;
    view.measured = { window: rateOf(measured.windowTally), campaign: rateOf(measured.campaignTally) };

    const active = s.agents.filter((a) => !a.paused).length;
    let calls = progressive;
    if (g.resolved < this.settings.minResolvedCalls || g.answered < this.settings.minAnsweredCalls || g.answerTime.count < this.settings.minSamples) {
      view.state = 'learning';
      view.forecast = null;
      view.riskLimit = 0;
      view.marginalRisk = 0;
    } else {
      state.limit.observe(measured.windowTally, measured.campaignTally, g.abandoned, profile.abandonTarget, s.now);
      const riskLimit = state.limit.value();
      view.riskLimit = riskLimit;
      if (riskLimit <= 0) {
        view.state = 'holding';
        view.forecast = null;
        view.marginalRisk = 0;
      } else {
        view.state = 'predicting';
        const f = forecastGroup(s, g, this.settings);
        const cap = Math.max(0, Math.floor(active * this.settings.maxLinesPerAgent) - s.calls.length);
        const decision = callsWithinRisk(f, riskLimit, cap);
        view.marginalRisk = decision.marginalRisk;
        view.forecast = {
          horizonSeconds: f.horizonSeconds,
          answerProbability: f.answerProbability,
          agentsExpectedFree: f.agentsExpectedFree,
          answersExpected: f.answersExpected,
          freeNow: f.freeNow,
          waitingNow: f.waitingNow,
          expectedAbandons: decision.outlook.abandons,
        };
        calls = Math.max(progressive, decision.calls);
        if (calls > 0) {
          const placed = calls === decision.calls ? decision.outlook : outlook(f, calls);
          state.limit.placed(placed.abandons - decision.base.abandons, s.now);
        }
      }
    }
    view.callsPlaced = calls;
    view.linesPerAgent = active === 0 ? 0 : (s.calls.length + calls) / active;
    return calls;
  }

  recheckAt(group: string, now: number): number | null {
    const state = this.groups.get(group);
    return state && state.view.state !== 'learning' ? now + this.settings.recheckMs : null;
  }

  /** The last decision per group. */
  views(): Map<string, PredictiveGroupView> {
    return new Map([...this.groups].map(([group, s]) => [group, { ...s.view, control: s.limit.view() }]));
  }

  private state(group: string, profile: Profile): GroupState {
    let s = this.groups.get(group);
    if (!s) {
      s = {
        limit: new RiskLimit(this.settings.risk, profile.abandonTarget),
        view: { state: 'learning', at: this.clock.now(), callsPlaced: 0, linesPerAgent: 0, riskLimit: 0, marginalRisk: 0, measured: { window: 0, campaign: 0 }, forecast: null, control: { limit: 0, goal: 0, calibration: 1, room: 1, holding: false, predictedAbandons: 0 } },
      };
      this.groups.set(group, s);
    }
    return s;
  }

  /** The worst of the group's campaigns, by rate, over the window and since start. */
  private measured(s: GroupSnapshot): { windowTally: AbandonTally; campaignTally: AbandonTally } {
    let windowTally: AbandonTally = { answered: 0, abandoned: 0 };
    let campaignTally: AbandonTally = { answered: 0, abandoned: 0 };
    for (const id of s.campaignIds) {
      const c = this.stats.campaign(id);
      const w = c.window(s.now);
      if (worse(w, windowTally)) windowTally = w;
      if (worse(c.total, campaignTally)) campaignTally = { ...c.total };
    }
    return { windowTally, campaignTally };
  }
}

function worse(a: AbandonTally, b: AbandonTally): boolean {
  if (b.answered === 0) return a.answered > 0;
  return a.abandoned * b.answered > b.abandoned * a.answered;
}
