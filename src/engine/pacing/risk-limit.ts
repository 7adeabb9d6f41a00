/**
 * The risk limit of predictive pacing: the highest marginal abandon risk a new call may carry,
 * steered so that the abandon rate measured per campaign stays under the target.
 *
 * When every call is placed at the margin, the abandon rate the model predicts for the calls it
 * places settles at about 0.8 × the limit (most calls are the marginal one of their pass), so the
 * limit is set to 1.25 × the goal. The goal is the target times a margin, divided by the model's
 * calibration: abandons measured over abandons predicted for the calls placed, since pacing
 * started, starting from "the model is right" (a prior worth a few abandons). The model's
 * assumptions (independent answers, Poisson counts per slot) make it err, by a factor that
 * depends on the floor; the calibration takes that factor out.
 *
 * The measured rates act directly too: as the campaign-to-date or rolling-window rate comes
 * within the margin of the target, the goal shrinks towards nothing, and at the target pacing
 * holds at 1:1 until the rate is back under the margin.
 */
import { rateOf, type AbandonTally } from './abandon-counts.ts';

export interface RiskLimitSettings {
  /** Share of the target aimed at. */
  margin: number;
  /**
   * Standard errors of the measured campaign rate kept below that aim: with few answers the
   * measured rate swings, so the aim starts lower and rises as answers accumulate.
   */
  confidence: number;
  /** Limit over goal. */
  limitPerGoal: number;
  /** Bounds of the risk limit (absolute). */
  min: number;
  max: number;
  /** Weight of the prior "the model is right", in predicted abandons. */
  priorAbandons: number;
  /** Answers the rolling window needs before its rate is trusted. */
  minWindowAnswers: number;
  /** The rolling-window rate at which pacing holds, as a multiple of the target. */
  windowHoldAt: number;
  /** How long after placing a call its predicted abandons count towards the calibration, ms (its outcome is known by then). */
  maturityMs: number;
  /** Fixed limit (no control), for experiments. */
  fixed: number | null;
  /**
   * Calibration the prior stands for (1: the model is right). A campaign forecast continues a
   * running campaign's pacing with the calibration it has reached.
   */
  startCalibration?: number;
}

export const defaultRiskLimitSettings: RiskLimitSettings = {
  margin: 0.75,
  confidence: 1,
  limitPerGoal: 1.25,
  min: 0.001,
  max: 0.5,
  priorAbandons: 8,
  minWindowAnswers: 100,
  windowHoldAt: 1.3,
  maturityMs: 30_000,
  fixed: null,
};

export interface RiskLimitView {
  limit: number;
  goal: number;
  /** Measured abandons over predicted abandons (with the prior). */
  calibration: number;
  /** Share of the goal left by the measured rates (1: far from the target, 0: at it). */
  room: number;
  holding: boolean;
  predictedAbandons: number;
}

export class RiskLimit {
  /** Predicted abandons of calls placed long enough ago for their outcome to be known. */
  private predictedAbandons = 0;
  private readonly pending: { at: number; abandons: number }[] = [];
  private measuredAbandons = 0;
  private measuredAtStart: number | null = null;
  private holding = false;
  private room = 1;
  private goal: number;

  constructor(
    private readonly settings: RiskLimitSettings,
    target: number,
  ) {
    this.goal = target * settings.margin;
  }

  /** Calls were placed: the model expects them to add `abandons` abandons. */
  placed(abandons: number, now: number): void {
    if (abandons > 0) this.pending.push({ at: now, abandons });
  }

  /**
   * The measured tallies of the group's worst campaign and the group's abandons so far. The
   * first call marks where prediction started: abandons before it are not the model's.
   */
  observe(window: AbandonTally, campaign: AbandonTally, groupAbandons: number, target: number, now: number): void {
    const s = this.settings;
    while (this.pending.length > 0 && this.pending[0]!.at <= now - s.maturityMs) this.predictedAbandons += this.pending.shift()!.abandons;
    this.measuredAtStart ??= groupAbandons;
    this.measuredAbandons = groupAbandons - this.measuredAtStart;
    const campaignRate = rateOf(campaign);
    const windowRate = window.answered >= s.minWindowAnswers ? rateOf(window) : 0;
    const windowCap = target * s.windowHoldAt;
    if (campaignRate >= target || windowRate >= windowCap) this.holding = true;
    else if (this.holding && campaignRate < target * s.margin && windowRate < windowCap * s.margin) this.holding = false;
    // Between the margin and the cap the goal shrinks to nothing.
    const room = (cap: number, rate: number) => Math.min(1, Math.max(0, (cap - rate) / (cap * (1 - s.margin))));
    this.room = Math.min(room(target, campaignRate), room(windowCap, windowRate));
    const spread = s.confidence * Math.sqrt((target * (1 - target)) / Math.max(1, campaign.answered));
    const aim = Math.max(target * s.margin * 0.3, target * s.margin - spread);
    this.goal = (aim * this.room) / this.calibration();
  }

  /** The limit to apply now (0 while holding). */
  value(): number {
    const s = this.settings;
    if (s.fixed !== null) return s.fixed;
    if (this.holding) return 0;
    return Math.min(s.max, Math.max(s.min, this.goal * s.limitPerGoal));
  }

  calibration(): number {
    const prior = this.settings.priorAbandons;
    return (this.measuredAbandons + prior * (this.settings.startCalibration ?? 1)) / (this.predictedAbandons + prior);
  }

  view(): RiskLimitView {
    return {
      limit: this.value(),
      goal: this.goal,
      calibration: this.calibration(),
      room: this.room,
      holding: this.holding,
      predictedAbandons: this.predictedAbandons,
    };
  }
}
