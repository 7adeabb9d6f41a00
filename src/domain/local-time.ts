/**
 * Wall-clock datetimes of the contract (`%Y-%m-%d %H:%M:%S`, no zone) ⇄ epoch milliseconds.
 *
 * The contract's datetimes carry no zone: they are read and written in the CCS's configured
 * IANA zone (default Asia/Ho_Chi_Minh). Conversion uses Intl only, so it stays pure.
 */

const DATETIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Breaks an instant into its wall-clock fields in `timeZone`. */
export function wallClockAt(epochMs: number, timeZone: string): WallClock {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

function offsetMs(epochMs: number, timeZone: string): number {
  const w = wallClockAt(epochMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** Epoch ms of a wall-clock time in `timeZone` (the earlier instant when a DST fold makes it ambiguous). */
export function epochOfWallClock(w: WallClock, timeZone: string): number {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  // Two passes settle the offset even next to a DST transition.
  let guess = naive - offsetMs(naive, timeZone);
  guess = naive - offsetMs(guess, timeZone);
  return guess;
}

/** True when `text` has the exact contract format and names a real calendar date and time. */
export function isContractDatetime(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  const m = DATETIME_PATTERN.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/** Parses a contract datetime in `timeZone`. Returns null when the text is not in the exact format. */
export function parseContractDatetime(text: unknown, timeZone: string): number | null {
  if (!isContractDatetime(text)) return null;
  const [year, month, day, hour, minute, second] = DATETIME_PATTERN.exec(text)!.slice(1).map(Number) as [number, number, number, number, number, number];
  return epochOfWallClock({ year, month, day, hour, minute, second }, timeZone);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Formats an instant as a contract datetime in `timeZone`. */
export function formatContractDatetime(epochMs: number, timeZone: string): string {
  const w = wallClockAt(epochMs, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

export function assertValidTimeZone(timeZone: string): void {
  new Intl.DateTimeFormat('en-US', { timeZone }); // throws RangeError for an unknown zone
}
