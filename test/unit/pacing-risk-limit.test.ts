/**
 * How predictive pacing steers its risk limit from measured abandon rates: calibration of the
 * model against measured abandons, the margin under the target, the hold at the target.
 */
import { describe, expect, it } from 'vitest';
import { RiskLimit, defaultRiskLimitSettings } from '../../src/engine/pacing/risk-limit.ts';

const TARGET = 0.03;
const T0 = Date.UTC(2026, 0, 5, 2, 0, 0);
const tally = (answered: number, abandoned: number) => ({ answered, abandoned });

describe('risk limit', () => {
  it('aims under the target by the margin, and lower while few answers make the measured rate uncertain', () => {
    const r = new RiskLimit(defaultRiskLimitSettings, TARGET);
    r.observe(tally(100_000, 0), tally(100_000, 0), 0, TARGET, T0);
    const settled = r.view();
    const spread = Math.sqrt((TARGET * (1 - TARGET)) / 100_000); // one standard error of the measured rate
    expect(settled.goal).toBeCloseTo(TARGET * defaultRiskLimitSettings.margin - spread, 10);
    expect(r.value()).toBeCloseTo(settled.goal * defaultRiskLimitSettings.limitPerGoal, 10);
    const early = new RiskLimit(defaultRiskLimitSettings, TARGET);
    early.observe(tally(200, 0), tally(200, 0), 0, TARGET, T0);
    expect(early.value()).toBeLessThan(r.value());
  });

  it('scales the limit by how the model has fared: twice the abandons it predicted halves it (once they are known)', () => {
    const r = new RiskLimit({ ...defaultRiskLimitSettings, priorAbandons: 1e-9 }, TARGET);
    r.observe(tally(100_000, 0), tally(100_000, 0), 0, TARGET, T0);
    const before = r.value();
    r.placed(50, T0);
    // Within the maturity delay the prediction does not count yet.
    r.observe(tally(100_000, 0), tally(100_000, 0), 0, TARGET, T0 + 1000);
    expect(r.view().calibration).toBeCloseTo(1, 6);
    r.observe(tally(100_000, 100), tally(100_000, 100), 100, TARGET, T0 + 60_000);
    expect(r.view().calibration).toBeCloseTo(2, 6);
    expect(r.value()).toBeCloseTo(before / 2, 6);
  });

  it('counts only the abandons measured after prediction started', () => {
    const r = new RiskLimit({ ...defaultRiskLimitSettings, priorAbandons: 10 }, TARGET);
    r.observe(tally(10_000, 5), tally(10_000, 5), 5, TARGET, T0);
    expect(r.view().calibration).toBe(1);
  });

  it('shrinks the goal as the measured rate nears the target, and holds at 1:1 once it reaches it', () => {
    const r = new RiskLimit(defaultRiskLimitSettings, TARGET);
    r.observe(tally(100_000, 1500), tally(100_000, 1500), 0, TARGET, T0); // 1.5 %
    const far = r.value();
    r.observe(tally(100_000, 2800), tally(100_000, 2800), 0, TARGET, T0); // 2.8 %
    const near = r.value();
    expect(near).toBeGreaterThan(0);
    expect(near).toBeLessThan(far);
    r.observe(tally(100_000, 3000), tally(100_000, 3000), 0, TARGET, T0); // 3.0 %
    expect(r.value()).toBe(0);
    expect(r.view().holding).toBe(true);
    // Still holding just under the target; resumed once under the margin.
    r.observe(tally(100_000, 2900), tally(100_000, 2900), 0, TARGET, T0);
    expect(r.value()).toBe(0);
    r.observe(tally(100_000, 2000), tally(100_000, 2000), 0, TARGET, T0);
    expect(r.value()).toBeGreaterThan(0);
  });

  it('holds when the rolling window runs well over the target even if the campaign total does not', () => {
    const r = new RiskLimit(defaultRiskLimitSettings, TARGET);
    r.observe(tally(1000, 45), tally(100_000, 1000), 0, TARGET, T0); // window 4.5 %, campaign 1 %
    expect(r.value()).toBe(0);
  });

  it('does not let a window with few answers decide', () => {
    const r = new RiskLimit(defaultRiskLimitSettings, TARGET);
    r.observe(tally(20, 5), tally(100_000, 1000), 0, TARGET, T0);
    expect(r.value()).toBeGreaterThan(0);
  });
});
