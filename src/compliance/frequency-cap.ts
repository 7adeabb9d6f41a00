/**
 * Frequency caps: at most `max` attempts to one subscriber within any rolling window. Given
 * the start times of the subscriber's recent attempts (all campaigns), says how many fall in
 * each window now and, when a cap is reached, the first instant another attempt is allowed:
 * when the oldest attempt that keeps the window full slides out of it.
 */
import type { FrequencyCap } from './rule-sets.ts';

export interface CapVerdict {
  /** Attempts within each cap's window now, by label. */
  counts: Record<string, number>;
  /** The first instant every cap allows another attempt; null when they all allow one now. */
  blockedUntil: number | null;
  /** The cap that holds the attempt back longest. */
  blockedBy: FrequencyCap | null;
}

/** `times` ascending. An attempt at `s` counts in the window ending `now` while `s > now − windowMs`. */
export function evaluateCaps(times: readonly number[], now: number, caps: readonly FrequencyCap[]): CapVerdict {
  const verdict: CapVerdict = { counts: {}, blockedUntil: null, blockedBy: null };
  for (const cap of caps) {
    const inWindow = times.filter((t) => t > now - cap.windowMs && t <= now);
    verdict.counts[cap.label] = inWindow.length;
    if (inWindow.length < cap.max) continue;
    // Room for one more once all but (max − 1) of them have left the window.
    const until = inWindow[inWindow.length - cap.max]! + cap.windowMs;
    if (verdict.blockedUntil === null || until > verdict.blockedUntil) {
      verdict.blockedUntil = until;
      verdict.blockedBy = cap;
    }
  }
  return verdict;
}

export const longestWindow = (caps: readonly FrequencyCap[]) => caps.reduce((m, c) => Math.max(m, c.windowMs), 0);

export const describeCap = (cap: FrequencyCap) => `at most ${cap.max} call${cap.max === 1 ? '' : 's'} per ${cap.label}`;
