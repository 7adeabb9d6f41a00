/**
 * Text output of `ccs` for people: aligned tables, label/value blocks, durations such as
 * `2m 05s` and local times. Pure functions of their input; the commands decide what to show.
 */
import { formatContractDatetime } from '../domain/local-time.ts';

export type Cell = string | number | boolean | null | undefined;

export interface Column<T> {
  header: string;
  value(row: T): Cell;
  /** Numbers are right-aligned unless told otherwise. */
  align?: 'left' | 'right';
  /** Longer values are cut with `…`. */
  maxWidth?: number;
}

const EMPTY = '-';

export function cellText(value: Cell, maxWidth = Infinity): string {
  const text = value === null || value === undefined || value === '' ? EMPTY : typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value).replace(/\s+/g, ' ');
  const chars = [...text];
  return chars.length > maxWidth ? `${chars.slice(0, Math.max(1, maxWidth - 1)).join('')}…` : text;
}

const width = (text: string) => [...text].length;
const padEnd = (text: string, n: number) => text + ' '.repeat(Math.max(0, n - width(text)));
const padStart = (text: string, n: number) => ' '.repeat(Math.max(0, n - width(text))) + text;

/** Rows under a header, columns separated by two spaces, no trailing blanks. `empty` when there are no rows. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[], empty = '(none)'): string {
  if (rows.length === 0) return empty;
  const cells = rows.map((row) => columns.map((c) => cellText(c.value(row), c.maxWidth)));
  const numeric = (c: Column<T>) => {
    const values = rows.map((row) => c.value(row)).filter((v) => v !== null && v !== undefined);
    return values.length > 0 && values.every((v) => typeof v === 'number');
  };
  const right = columns.map((c) => c.align === 'right' || (c.align === undefined && numeric(c)));
  const widths = columns.map((c, i) => Math.max(width(c.header), ...cells.map((r) => width(r[i]!))));
  const line = (texts: string[]) => texts.map((t, i) => (right[i] ? padStart(t, widths[i]!) : i === texts.length - 1 ? t : padEnd(t, widths[i]!))).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n');
}

/** `label   value` lines with the values aligned; rows whose value is undefined are left out. */
export function fields(rows: ReadonlyArray<readonly [string, Cell]>): string {
  const shown = rows.filter(([, v]) => v !== undefined);
  const w = Math.max(0, ...shown.map(([label]) => width(label)));
  return shown.map(([label, value]) => `${padEnd(label, w)}  ${cellText(value)}`.trimEnd()).join('\n');
}

/** A duration in whole seconds for people: `45s`, `2m 05s`, `1h 02m`, `3d 04h`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return EMPTY;
  const s = Math.max(0, Math.round(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${two(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${two(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d ${two(Math.floor((s % 86_400) / 3600))}h`;
}

/** An instant as local wall-clock time in `timeZone` (`2026-11-27 08:00:00`, the contract's format). */
export function formatLocalTime(epochMs: number | null | undefined, timeZone: string): string {
  if (epochMs === null || epochMs === undefined || !Number.isFinite(epochMs)) return EMPTY;
  return formatContractDatetime(epochMs, timeZone);
}

/** A time window; the end's date is left out when it is the start's date. */
export function formatWindow(start: string | null | undefined, end: string | null | undefined): string {
  if (!start || !end) return `${start ?? EMPTY} → ${end ?? EMPTY}`;
  const sameDay = start.slice(0, 10) === end.slice(0, 10);
  return `${start} → ${sameDay ? end.slice(11) : end}`;
}

/** A share as a percentage with one decimal: `2.5%`. */
export function formatPercent(share: number | null | undefined): string {
  return share === null || share === undefined || !Number.isFinite(share) ? EMPTY : `${(share * 100).toFixed(1)}%`;
}
