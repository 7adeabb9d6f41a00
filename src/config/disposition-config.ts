/** A profile's wrap-up dispositions from the config file (`profiles[].dispositions`). */
import { DISPOSITION_EFFECTS, type DispositionCode, type DispositionSettings } from '../domain/wrap-up-codes.ts';
import { ConfigError } from './config-error.ts';
import { readBoolean, readEnum, readString } from './readers.ts';

const CODE = /^[a-z0-9][a-z0-9_-]{0,39}$/;
/** Number keys 1–9 pick a code at the desk. */
const MAX_CODES = 9;

export function readDispositions(setting: string, raw: unknown, base: DispositionSettings | undefined): DispositionSettings | undefined {
  if (raw === undefined) return base;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(setting, 'expected an object with "codes" and "required"');
  const r = raw as Record<string, unknown>;
  if (!Array.isArray(r.codes) || r.codes.length === 0) throw new ConfigError(`${setting}.codes`, 'expected a non-empty list of codes');
  if (r.codes.length > MAX_CODES) throw new ConfigError(`${setting}.codes`, `at most ${MAX_CODES} codes (number keys 1–9 pick them)`);
  const seen = new Set<string>();
  const codes = r.codes.map((c, i): DispositionCode => {
    const at = `${setting}.codes[${i}]`;
    if (typeof c !== 'object' || c === null) throw new ConfigError(at, 'expected an object');
    const e = c as Record<string, unknown>;
    const code = readString(`${at}.code`, e.code, '');
    if (!CODE.test(code)) throw new ConfigError(`${at}.code`, 'expected 1-40 lower-case letters, digits, "-" or "_"');
    if (seen.has(code)) throw new ConfigError(`${at}.code`, `duplicate code ${JSON.stringify(code)}`);
    seen.add(code);
    const label = (e.label ?? {}) as Record<string, unknown>;
    const vi = readString(`${at}.label.vi`, label.vi, '');
    const en = readString(`${at}.label.en`, label.en, '');
    if (!vi || !en) throw new ConfigError(`${at}.label`, 'expected both "vi" and "en" labels');
    const effect = readEnum(`${at}.effect`, e.effect, DISPOSITION_EFFECTS, 'final');
    return { code, label: { vi, en }, effect, success: readBoolean(`${at}.success`, e.success, false) };
  });
  return { codes, required: readBoolean(`${setting}.required`, r.required, false) };
}
