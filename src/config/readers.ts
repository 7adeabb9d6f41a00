/** Typed readers for raw setting values (strings from the environment, JSON values from the file). */
import { redactUrl } from '../observability/redact-url.ts';
import { ConfigError } from './config-error.ts';

export type Raw = unknown;

export function readInt(setting: string, value: Raw, fallback: number, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : /^-?\d+$/.test(String(value).trim()) ? Number(String(value).trim()) : NaN;
  if (!Number.isSafeInteger(n)) throw new ConfigError(setting, `expected an integer, got ${JSON.stringify(value)}`);
  if (n < min || n > max) throw new ConfigError(setting, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function readNumber(setting: string, value: Raw, fallback: number, min = -Infinity, max = Infinity): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isFinite(n)) throw new ConfigError(setting, `expected a number, got ${JSON.stringify(value)}`);
  if (n < min || n > max) throw new ConfigError(setting, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function readString(setting: string, value: Raw, fallback: string): string {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string') throw new ConfigError(setting, `expected a string, got ${JSON.stringify(value)}`);
  return value;
}

export function readOptionalString(setting: string, value: Raw): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw new ConfigError(setting, `expected a string, got ${JSON.stringify(value)}`);
  return value;
}

export function readBoolean(setting: string, value: Raw, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  throw new ConfigError(setting, `expected true or false, got ${JSON.stringify(value)}`);
}

export function readEnum<T extends string>(setting: string, value: Raw, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(setting, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
}

export function readHttpUrl(setting: string, value: Raw): string | null {
  const text = readOptionalString(setting, value);
  if (text === null) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(setting, `not a valid URL: ${JSON.stringify(redactUrl(text))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(setting, `must be an http(s) URL, got ${JSON.stringify(redactUrl(text))}`);
  return text.replace(/\/+$/, '');
}

/** A range such as `2-8` (seconds), or a single number meaning a fixed value. */
export function readRange(setting: string, value: Raw, fallback: { min: number; max: number }): { min: number; max: number } {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'object' && value !== null && 'min' in value && 'max' in value) {
    const v = value as { min: unknown; max: unknown };
    return checkRange(setting, Number(v.min), Number(v.max));
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*$/.exec(String(value));
  if (!m) throw new ConfigError(setting, `expected a range such as 2-8, got ${JSON.stringify(value)}`);
  return checkRange(setting, Number(m[1]), Number(m[2] ?? m[1]));
}

function checkRange(setting: string, min: number, max: number) {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min < 0 || max < min) {
    throw new ConfigError(setting, `range must satisfy 0 <= min <= max, got ${min}-${max}`);
  }
  return { min, max };
}

export function readList(setting: string, value: Raw): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value.map((v) => readString(setting, v, ''));
  if (typeof value !== 'string') throw new ConfigError(setting, `expected a comma-separated list`);
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function readHours(setting: string, value: Raw): { from: string; to: string }[] | null {
  if (value === undefined || value === null) return null;
  const list = typeof value === 'string' ? value.split(',').map((part) => {
    const [from, to] = part.split('-').map((s) => s.trim());
    return { from, to };
  }) : value;
  if (!Array.isArray(list)) throw new ConfigError(setting, 'expected a list of {from, to} or "08:00-12:00,13:30-17:00"');
  return list.map((h, i) => {
    const from = (h as { from?: unknown }).from;
    const to = (h as { to?: unknown }).to;
    for (const [k, v] of [['from', from], ['to', to]] as const) {
      if (typeof v !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(v)) throw new ConfigError(`${setting}[${i}].${k}`, `expected HH:MM, got ${JSON.stringify(v)}`);
    }
    return { from: from as string, to: to as string };
  });
}
