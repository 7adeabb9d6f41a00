/**
 * The occupancy-against-abandon-rate chart of docs/pacing.md, as SVG written by hand: one point
 * per scenario and algorithm (colour: algorithm; size: agents; hollow: 240 s talk), and the
 * abandon cap as a dashed line.
 */
import { ALGORITHMS, type Algorithm } from './scenarios.ts';
import type { ScenarioSummary } from './summary.ts';

const COLOURS: Record<Algorithm, string> = { predictive: '#1f6fb4', 'adaptive-baseline': '#e07b00', progressive: '#7a7a7a' };
const W = 720;
const H = 460;
const M = { left: 64, right: 200, top: 40, bottom: 56 };

export function occupancyChart(summaries: ScenarioSummary[], cap: number): string {
  const points = summaries.flatMap((s) =>
    ALGORITHMS.flatMap((a) => {
      const f = s.figures[a];
      return f ? [{ a, x: f.abandonRate, y: f.occupancy, agents: s.scenario.agents, long: s.scenario.talkMeanSeconds > 60 }] : [];
    }),
  );
  const xMax = Math.max(0.05, Math.ceil((Math.max(cap, ...points.map((p) => p.x)) * 100 + 0.5)) / 100);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (x: number) => M.left + (x / xMax) * pw;
  const sy = (y: number) => M.top + (1 - y) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${M.left}" y="24" font-size="15" font-weight="bold">Agent occupancy against abandon rate, per scenario</text>`);
  for (let i = 0; i <= 10; i += 2) {
    const y = sy(i / 10);
    out.push(`<line x1="${M.left}" y1="${y}" x2="${M.left + pw}" y2="${y}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${M.left - 8}" y="${y + 4}" text-anchor="end">${i * 10}%</text>`);
  }
  for (let i = 0; i <= Math.round(xMax * 100); i++) {
    const x = sx(i / 100);
    out.push(`<line x1="${x}" y1="${M.top}" x2="${x}" y2="${M.top + ph}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${x}" y="${M.top + ph + 18}" text-anchor="middle">${i}%</text>`);
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  out.push(`<line x1="${sx(cap)}" y1="${M.top}" x2="${sx(cap)}" y2="${M.top + ph}" stroke="#c00" stroke-dasharray="6 4"/>`);
  out.push(`<text x="${sx(cap) + 4}" y="${M.top + 14}" fill="#c00">cap ${(cap * 100).toFixed(0)}%</text>`);
  out.push(`<text x="${M.left + pw / 2}" y="${H - 14}" text-anchor="middle">abandon rate (abandoned / answered, over the run)</text>`);
  out.push(`<text transform="translate(18 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">occupancy (talk + wrap-up / logged-in time)</text>`);
  for (const p of points) {
    const r = p.agents >= 100 ? 7 : p.agents >= 20 ? 5 : 3.5;
    const c = COLOURS[p.a];
    out.push(`<circle cx="${sx(Math.min(p.x, xMax)).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="${r}" fill="${p.long ? 'white' : c}" stroke="${c}" stroke-width="1.6" fill-opacity="0.85"/>`);
  }
  const lx = M.left + pw + 20;
  let ly = M.top + 10;
  for (const a of ALGORITHMS) {
    out.push(`<circle cx="${lx}" cy="${ly}" r="5" fill="${COLOURS[a]}"/><text x="${lx + 12}" y="${ly + 4}">${a}</text>`);
    ly += 20;
  }
  ly += 10;
  for (const [label, r] of [['5 agents', 3.5], ['20 agents', 5], ['100 agents', 7]] as const) {
    out.push(`<circle cx="${lx}" cy="${ly}" r="${r}" fill="#999"/><text x="${lx + 12}" y="${ly + 4}">${label}</text>`);
    ly += 20;
  }
  out.push(`<circle cx="${lx}" cy="${ly}" r="5" fill="#999"/><text x="${lx + 12}" y="${ly + 4}">talk 60 s</text>`);
  ly += 20;
  out.push(`<circle cx="${lx}" cy="${ly}" r="5" fill="white" stroke="#999" stroke-width="1.6"/><text x="${lx + 12}" y="${ly + 4}">talk 240 s</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
