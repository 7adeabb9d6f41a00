// Display helpers: durations, times in the service's time zone, percentages.

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

export function percent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${(value * 100).toFixed(digits)}%`;
}

export function clockTime(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
}

/** `2025-01-06 09:30:00` (the contract's local format) → `06/01 09:30`. */
export function shortDatetime(text: string | null | undefined): string {
  if (!text) return '–';
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})/.exec(text);
  return m ? `${m[3]}/${m[2]} ${m[4]}:${m[5]}` : text;
}

/** Seconds between two contract-format datetimes (same zone), or null. */
export function secondsBetween(from: string | null | undefined, to: string | null | undefined): number | null {
  if (!from || !to) return null;
  const parse = (t: string) => Date.parse(`${t.replace(' ', 'T')}Z`);
  const d = (parse(to) - parse(from)) / 1000;
  return Number.isFinite(d) ? d : null;
}
