/**
 * Figures per scenario and algorithm, over the seeds run: occupancy, talk minutes and calls per
 * agent-hour averaged; the abandon rate pooled (abandoned over answered, all seeds) and at its
 * worst seed; the worst rolling hour of any seed; the mean wait of connected customers. And the
 * goals of the pacing work, checked side by side.
 */
import type { FloorMetrics } from '../../test/support/pacing-floor-metrics.ts';
import type { JobResult } from './run-job.ts';
import { ALGORITHMS, sameScenario, type Algorithm, type ScenarioKey } from './scenarios.ts';

export interface AlgorithmFigures {
  runs: number;
  occupancy: number;
  talkMinutesPerAgentHour: number;
  callsPerAgentHour: number;
  abandonRate: number;
  worstSeedAbandonRate: number;
  worstHourAbandonRate: number;
  meanWaitSeconds: number;
  maxWaitSeconds: number;
  /** Shortest answer → end of an abandoned call over the runs (null: nobody was abandoned). */
  minAbandonHoldSeconds: number | null;
  freshContactsLeft: boolean;
}

export interface ScenarioSummary {
  scenario: ScenarioKey;
  figures: Partial<Record<Algorithm, AlgorithmFigures>>;
  checks: GoalCheck[];
}

export interface GoalCheck {
  goal: string;
  passed: boolean;
  detail: string;
}

const minimum = (xs: (number | null)[]) => {
  const known = xs.filter((x): x is number => x !== null);
  return known.length > 0 ? Math.min(...known) : null;
};
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

function figuresOf(runs: FloorMetrics[], fresh: boolean[]): AlgorithmFigures {
  const answered = runs.reduce((s, m) => s + m.answered, 0);
  const abandoned = runs.reduce((s, m) => s + m.abandoned, 0);
  const connected = runs.reduce((s, m) => s + m.connected, 0);
  return {
    runs: runs.length,
    occupancy: mean(runs.map((m) => m.occupancy)),
    talkMinutesPerAgentHour: mean(runs.map((m) => m.talkMinutesPerAgentHour)),
    callsPerAgentHour: mean(runs.map((m) => m.callsPerAgentHour)),
    abandonRate: answered > 0 ? abandoned / answered : 0,
    worstSeedAbandonRate: Math.max(...runs.map((m) => m.abandonRate)),
    worstHourAbandonRate: Math.max(...runs.map((m) => m.worstHourAbandonRate)),
    meanWaitSeconds: connected > 0 ? runs.reduce((s, m) => s + m.meanWaitSeconds * m.connected, 0) / connected : 0,
    maxWaitSeconds: Math.max(...runs.map((m) => m.maxWaitSeconds)),
    minAbandonHoldSeconds: minimum(runs.map((m) => m.minAbandonHoldSeconds)),
    freshContactsLeft: fresh.every(Boolean),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The goals, for a scenario where all three algorithms ran. */
function checksOf(s: ScenarioKey, f: Partial<Record<Algorithm, AlgorithmFigures>>, target: number): GoalCheck[] {
  const p = f.predictive;
  if (!p) return [];
  const checks: GoalCheck[] = [];
  checks.push({
    goal: `abandon ≤ ${pct(target)} over the run (every seed)`,
    passed: p.worstSeedAbandonRate <= target,
    detail: `worst seed ${pct(p.worstSeedAbandonRate)}`,
  });
  if (s.agents < 20) return checks;
  checks.push({ goal: 'worst rolling hour ≤ 5%', passed: p.worstHourAbandonRate <= 0.05, detail: pct(p.worstHourAbandonRate) });
  const b = f['adaptive-baseline'];
  if (b) {
    checks.push({
      goal: 'occupancy ≥ adaptive baseline, abandoning no more',
      passed: p.occupancy >= b.occupancy && p.abandonRate <= b.abandonRate,
      detail: `${pct(p.occupancy)} vs ${pct(b.occupancy)}, abandon ${pct(p.abandonRate)} vs ${pct(b.abandonRate)}`,
    });
  }
  const g = f.progressive;
  if (g && s.answerRate <= 0.35) {
    const ratio = p.talkMinutesPerAgentHour / g.talkMinutesPerAgentHour;
    // Agents cannot talk more than 60 minutes an hour: the ratio cannot exceed 60 / progressive.
    const ceiling = 60 / g.talkMinutesPerAgentHour;
    checks.push({
      goal: 'talk minutes per agent-hour ≥ 1.3 × progressive',
      passed: ratio >= 1.3,
      detail: `${ratio.toFixed(2)}×${ceiling < 1.3 ? ` (at most ${ceiling.toFixed(2)}× is possible: progressive already talks ${g.talkMinutesPerAgentHour.toFixed(1)} min/h)` : ''}`,
    });
  }
  return checks;
}

export function summarize(results: JobResult[], target = 0.03): ScenarioSummary[] {
  const summaries: ScenarioSummary[] = [];
  for (const r of results) {
    if (!summaries.some((s) => sameScenario(s.scenario, r.job.scenario))) summaries.push({ scenario: r.job.scenario, figures: {}, checks: [] });
  }
  summaries.sort((a, b) => a.scenario.agents - b.scenario.agents || a.scenario.answerRate - b.scenario.answerRate || a.scenario.talkMeanSeconds - b.scenario.talkMeanSeconds);
  for (const s of summaries) {
    for (const algorithm of ALGORITHMS) {
      const runs = results.filter((r) => r.job.algorithm === algorithm && sameScenario(r.job.scenario, s.scenario));
      if (runs.length > 0) s.figures[algorithm] = figuresOf(runs.map((r) => r.metrics), runs.map((r) => r.freshContactsLeft));
    }
    s.checks = checksOf(s.scenario, s.figures, target);
  }
  return summaries;
}
