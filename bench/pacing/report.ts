/** The pacing suite's results as a console table and as the Markdown section of docs/pacing.md. */
import { ALGORITHMS, scenarioName, type Algorithm } from './scenarios.ts';
import type { AlgorithmFigures, ScenarioSummary } from './summary.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

const COLUMNS = ['occupancy', 'talk min/agent-h', 'calls/agent-h', 'abandon', 'worst seed', 'worst hour', 'mean wait'];

function cells(f: AlgorithmFigures): string[] {
  return [
    pct(f.occupancy),
    f.talkMinutesPerAgentHour.toFixed(1),
    f.callsPerAgentHour.toFixed(0),
    pct(f.abandonRate),
    pct(f.worstSeedAbandonRate),
    pct(f.worstHourAbandonRate),
    `${f.meanWaitSeconds.toFixed(2)} s`,
  ];
}

export function consoleTable(summaries: ScenarioSummary[]): string {
  const rows: string[][] = [['scenario', 'algorithm', ...COLUMNS]];
  for (const s of summaries) {
    ALGORITHMS.forEach((a, i) => {
      const f = s.figures[a];
      if (f) rows.push([i === 0 ? scenarioName(s.scenario) : '', a, ...cells(f)]);
    });
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const out = [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  const checks = summaries.flatMap((s) => s.checks.map((c) => `${c.passed ? 'ok  ' : 'MISS'}  ${scenarioName(s.scenario)}: ${c.goal} — ${c.detail}`));
  return [...out, '', ...checks].join('\n');
}

export function markdownResults(summaries: ScenarioSummary[], meta: { seeds: number[]; hours: number; wallSeconds: number }): string {
  const lines: string[] = [];
  lines.push(`Seeds ${meta.seeds.join(', ')}; ${meta.hours} simulated hours per run; ${summaries.length} scenarios × ${ALGORITHMS.length} algorithms; the whole suite took ${Math.round(meta.wallSeconds)} s of wall-clock time.`);
  lines.push('');
  lines.push(`| scenario | algorithm | ${COLUMNS.join(' | ')} |`);
  lines.push(`|---|---|${COLUMNS.map(() => '---:').join('|')}|`);
  for (const s of summaries) {
    for (const a of ALGORITHMS) {
      const f = s.figures[a];
      if (f) lines.push(`| ${scenarioName(s.scenario)} | ${a} | ${cells(f).join(' | ')} |`);
    }
  }
  lines.push('');
  lines.push('Goals, checked on the same runs:');
  lines.push('');
  for (const s of summaries) for (const c of s.checks) lines.push(`- ${c.passed ? '✅' : '❌'} ${scenarioName(s.scenario)}: ${c.goal} — ${c.detail}`);
  const rule = summaries.flatMap((s) => ALGORITHMS.map((a) => s.figures[a]).filter((f): f is AlgorithmFigures => f !== undefined));
  if (rule.length > 0) {
    const maxWait = Math.max(...rule.map((f) => f.maxWaitSeconds));
    const holds = rule.map((f) => f.minAbandonHoldSeconds).filter((h): h is number => h !== null);
    const minHold = holds.length > 0 ? Math.min(...holds) : null;
    lines.push('');
    lines.push(
      `The 2-second rule over every run: the longest a connected customer waited from answering to being bridged was ${maxWait.toFixed(2)} s (at most the 2 s hold plus the floor's 0.2 s to bridge); every abandoned customer was held for the limit and heard the message, ending ${minHold !== null ? minHold.toFixed(1) : '—'} s or more after answering (hold plus the 3 s message).`,
    );
  }
  return lines.join('\n');
}

/** `pacing: predictive occupancy X% abandon Y% | adaptive-baseline X% Y% | progressive X% Y%` */
export function headline(s: ScenarioSummary | undefined): string {
  if (!s) return 'pacing: the 20-agent, 0.35 answer rate, 60 s scenario was not run';
  const f = (a: Algorithm) => s.figures[a];
  const p = f('predictive');
  const b = f('adaptive-baseline');
  const g = f('progressive');
  const two = (x: AlgorithmFigures | undefined) => (x ? `${pct(x.occupancy)} ${pct(x.abandonRate)}` : '- -');
  return `pacing: predictive occupancy ${p ? pct(p.occupancy) : '-'} abandon ${p ? pct(p.abandonRate) : '-'} | adaptive-baseline ${two(b)} | progressive ${two(g)}`;
}
