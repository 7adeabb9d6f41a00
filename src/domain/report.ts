/**
 * Historical report measures (docs/reports.md defines each): what a report row shows, derived
 * from the sums the store keeps per campaign × agent × hour.
 */
import { DISPOSITIONS, type Disposition } from './disposition.ts';

export const REPORT_DIMENSIONS = ['campaign', 'agent', 'day', 'hour'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

/** Sums over ended attempts; `agentHours` counts distinct (agent, hour) pairs with an agent's call. */
export interface ReportSums {
  attempts: number;
  dispositions: Record<Disposition, number>;
  talkMs: number;
  holdMs: number;
  wrapUpMs: number;
  agentHours: number;
  /** Attempts per wrap-up code the agent gave (codes are configured per profile). */
  codes: Record<string, number>;
}

export interface ReportFigures {
  attempts: number;
  /** Attempts bridged to an agent (ANSWERED): a contact is reached at most once, so also contacts reached. */
  reached: number;
  talkSeconds: number;
  /** Time customers spent on hold during connected calls (not counted in talk). */
  holdSeconds: number;
  /** The agents' time in wrap-up after these attempts (from the call's end to ready, pause or the timer). */
  wrapUpSeconds: number;
  /** (talk + hold + wrap-up) / agent-hours × 3600 s; null without agent-hours. */
  occupancy: number | null;
  /** ABANDONED / (ANSWERED + ABANDONED), as the abandon cap is measured; null when nobody answered. */
  abandonRate: number | null;
  dispositions: Record<Disposition, number>;
  /** Attempts per agent's wrap-up code; codes with none are left out. */
  codes: Record<string, number>;
}

export const emptySums = (): ReportSums => ({
  attempts: 0,
  dispositions: Object.fromEntries(DISPOSITIONS.map((d) => [d, 0])) as Record<Disposition, number>,
  talkMs: 0,
  holdMs: 0,
  wrapUpMs: 0,
  agentHours: 0,
  codes: {},
});

export function addSums(into: ReportSums, s: ReportSums): ReportSums {
  into.attempts += s.attempts;
  for (const d of DISPOSITIONS) into.dispositions[d] += s.dispositions[d];
  into.talkMs += s.talkMs;
  into.holdMs += s.holdMs;
  into.wrapUpMs += s.wrapUpMs;
  into.agentHours += s.agentHours;
  for (const [code, n] of Object.entries(s.codes)) into.codes[code] = (into.codes[code] ?? 0) + n;
  return into;
}

const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);
const seconds = (ms: number) => Math.round(ms / 1000);

export function figuresOf(s: ReportSums): ReportFigures {
  const answered = s.dispositions.ANSWERED;
  const abandoned = s.dispositions.ABANDONED;
  return {
    attempts: s.attempts,
    reached: answered,
    talkSeconds: seconds(s.talkMs),
    holdSeconds: seconds(s.holdMs),
    wrapUpSeconds: seconds(s.wrapUpMs),
    occupancy: ratio(s.talkMs + s.holdMs + s.wrapUpMs, s.agentHours * 3_600_000),
    abandonRate: ratio(abandoned, answered + abandoned),
    dispositions: { ...s.dispositions },
    codes: Object.fromEntries(Object.entries(s.codes).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}
