/**
 * Calling windows from several sources at once — profile hours in the CCS's zone, a rule
 * set's legal hours in the callee's zone — combined so that the most restrictive wins: a
 * call may start only when every set is open.
 */
import { isWithinHours, nextOpening } from '../domain/calling-hours.ts';
import type { DailyHours } from '../domain/profile.ts';

export interface ZonedHours {
  /** What the window is, for reasons: `profile`, `vn-decree-91`… */
  label: string;
  hours: readonly DailyHours[] | null;
  timeZone: string;
}

const SEARCH_LIMIT_MS = 8 * 86_400_000;

/** The first set closed at `at`, or undefined when all are open. */
export function closedSetAt(at: number, sets: readonly ZonedHours[]): ZonedHours | undefined {
  return sets.find((s) => !isWithinHours(at, s.hours, s.timeZone));
}

/** The next instant at or after `at` when every set is open, searching up to 8 days; null when none. */
export function nextOpeningAcross(at: number, sets: readonly ZonedHours[]): number | null {
  let t = at;
  for (let i = 0; i < 64; i++) {
    let moved = false;
    for (const s of sets) {
      const open = nextOpening(t, s.hours, s.timeZone);
      if (open === null) return null;
      if (open > t) {
        t = open;
        moved = true;
      }
    }
    if (!moved) return t;
    if (t - at > SEARCH_LIMIT_MS) return null;
  }
  return null;
}

export const describeHours = (s: ZonedHours) =>
  s.hours && s.hours.length > 0 ? `${s.hours.map((h) => `${h.from}–${h.to}`).join(', ')} ${s.timeZone}` : 'any time';
