/**
 * What supervisors see of pacing, per agent group and campaign: the pacing in use and its live
 * dial level (calls in flight per agent in service), the abandon rate measured per campaign
 * since its start and over the rolling window, and the inputs of the prediction (answer
 * probability, time to answer, talk and wrap-up times, agents expected free, answers expected,
 * the risk limit and what the model expects to be abandoned). Plain data, ready for JSON.
 */
import type { AdaptiveGroupView } from './vicidial-adaptive-pacer.ts';
import type { PredictiveState } from './predictive-pacer.ts';

export type PacingMode = 'progressive' | 'power' | 'predictive' | 'vicidial-adaptive';

export interface AbandonFigures {
  answered: number;
  abandoned: number;
  /** abandoned / answered (0 before any answer). */
  rate: number;
}

export interface PacingCampaignSnapshot {
  campaignId: number;
  group: string;
  /** The profile's target abandon rate, as last seen by the pacer. */
  abandonTarget: number | null;
  sinceStart: AbandonFigures;
  window: AbandonFigures & { minutes: number };
}

export interface PacingInputs {
  /** Resolved calls the answer probability is measured over. */
  resolvedCalls: number;
  answerProbability: number;
  meanSecondsToAnswer: number;
  meanTalkSeconds: number;
  meanWrapUpSeconds: number;
  /** From the last predictive pass (null otherwise). */
  agentsFreeNow: number | null;
  customersWaiting: number | null;
  agentsExpectedFree: number | null;
  answersExpected: number | null;
  expectedAbandons: number | null;
  horizonSeconds: number | null;
}

export interface PacingGroupSnapshot {
  group: string;
  mode: PacingMode;
  /** Predictive pacing's state (null for the other modes). */
  state: PredictiveState | null;
  /** Time of the last pacing pass. */
  at: number;
  /** Calls in flight (any state) per agent in service, after the last pass. */
  dialLevel: number;
  callsPlacedLastPass: number;
  /** Predictive pacing: the highest marginal abandon risk a new call may carry, and the last call's. */
  riskLimit: number | null;
  marginalRisk: number | null;
  /** Predictive pacing: measured over predicted abandons (1 = the model is right). */
  calibration: number | null;
  inputs: PacingInputs;
  /** The VICIdial-style adaptive level, when that pacing runs the group. */
  adaptive: AdaptiveGroupView | null;
  campaigns: PacingCampaignSnapshot[];
}
