/**
 * Daily calling windows in local time (profile hours, compliance rule sets). A window whose
 * `to` is earlier than its `from` spans midnight. Several windows combine with OR; rule sets
 * that each have windows combine with AND by checking each (`allWindowsOpen`).
 */
import type { DailyHours } from './profile.ts';
import { epochOfWallClock, wallClockAt } from './local-time.ts';

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function insideWindow(minute: number, w: DailyHours): boolean {
  const from = minutesOf(w.from);
  const to = minutesOf(w.to);
  if (from === to) return true; // a full day
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

export function isWithinHours(at: number, hours: readonly DailyHours[] | null, timeZone: string): boolean {
  if (!hours || hours.length === 0) return true;
  const w = wallClockAt(at, timeZone);
  const minute = w.hour * 60 + w.minute;
  return hours.some((h) => insideWindow(minute, h));
}

/** The next instant at or after `at` when one of the windows is open (null when `hours` is empty: always open). */
export function nextOpening(at: number, hours: readonly DailyHours[] | null, timeZone: string): number | null {
  if (!hours || hours.length === 0 || isWithinHours(at, hours, timeZone)) return at;
  const today = wallClockAt(at, timeZone);
  let best: number | null = null;
  for (let day = 0; day <= 2; day++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + day));
    for (const h of hours) {
      const m = minutesOf(h.from);
      const candidate = epochOfWallClock(
        { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: Math.floor(m / 60), minute: m % 60, second: 0 },
        timeZone,
      );
      if (candidate > at && (best === null || candidate < best)) best = candidate;
    }
  }
  return best;
}

/** The next instant at or after `at` when every one of the window sets is open at once, searching up to 8 days. */
export function nextOpeningOfAll(at: number, sets: readonly (readonly DailyHours[] | null)[], timeZone: string): number | null {
  let t = at;
  for (let i = 0; i < 64; i++) {
    let moved = false;
    for (const hours of sets) {
      const open = nextOpening(t, hours, timeZone);
      if (open === null) return null;
      if (open > t) {
        t = open;
        moved = true;
      }
    }
    if (!moved) return t;
    if (t - at > 8 * 86400_000) return null;
  }
  return null;
}
