/**
 * Rule sets from the configuration file, for markets and agreements the built-in ones do not
 * cover (a 30-day cap, another country's hours). Each entry may start from a built-in set
 * (`extends`) and change any of its rules:
 *
 *   "compliance": { "ruleSets": [
 *     { "name": "vn-decree-91-monthly", "extends": "vn-decree-91",
 *       "caps": [{ "window": "24h", "max": 1 }, { "window": "30d", "max": 4 }] } ] }
 *
 * `window` is a whole number of hours (`h`) or days (`d`). A set named like a built-in one
 * replaces it. Bad entries fail start-up with the name of the setting (ConfigError).
 */
import { assertValidTimeZone } from '../domain/local-time.ts';
import { ConfigError } from '../config/config-error.ts';
import { readHours, readInt, readString } from '../config/readers.ts';
import { defaultRuleSets, HOUR_MS, type FrequencyCap, type RuleSet } from './rule-sets.ts';

function readCaps(setting: string, raw: unknown): FrequencyCap[] {
  if (!Array.isArray(raw)) throw new ConfigError(setting, 'expected a list of {window, max}');
  return raw.map((c, i) => {
    const window = (c as { window?: unknown })?.window;
    const m = typeof window === 'string' ? /^\s*(\d+)\s*([hd])\s*$/.exec(window) : null;
    if (!m || Number(m[1]) < 1) throw new ConfigError(`${setting}[${i}].window`, `expected a window such as "24h" or "30d", got ${JSON.stringify(window)}`);
    const hours = Number(m[1]) * (m[2] === 'd' ? 24 : 1);
    if ((c as { max?: unknown }).max === undefined) throw new ConfigError(`${setting}[${i}].max`, 'required: the attempts allowed within the window');
    return { label: `${m[1]}${m[2]}`, windowMs: hours * HOUR_MS, max: readInt(`${setting}[${i}].max`, (c as { max?: unknown }).max, NaN, 1, 10_000) };
  });
}

const readFlag = (setting: string, raw: unknown, fallback: boolean) => {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'boolean') throw new ConfigError(setting, `expected true or false, got ${JSON.stringify(raw)}`);
  return raw;
};

export function readRuleSets(setting: string, raw: unknown): RuleSet[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ConfigError(setting, 'expected a list of rule sets');
  return raw.map((entry, i) => {
    const at = `${setting}[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new ConfigError(at, 'expected an object');
    const r = entry as Record<string, unknown>;
    const name = readString(`${at}.name`, r.name, '');
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new ConfigError(`${at}.name`, 'expected a name of lower-case letters, digits and dashes');
    const baseName = readString(`${at}.extends`, r.extends, 'none');
    const base = defaultRuleSets.get(baseName);
    if (!base) throw new ConfigError(`${at}.extends`, `unknown rule set ${JSON.stringify(baseName)}; built-in: ${[...defaultRuleSets.keys()].join(', ')}`);
    let timeZone = base.timeZone;
    if (r.timeZone !== undefined) {
      timeZone = readString(`${at}.timeZone`, r.timeZone, '');
      try {
        assertValidTimeZone(timeZone);
      } catch {
        throw new ConfigError(`${at}.timeZone`, `unknown time zone ${JSON.stringify(timeZone)}`);
      }
    }
    return {
      name,
      summary: readString(`${at}.summary`, r.summary, `${name} (from ${base.name})`),
      hours: r.hours === undefined ? base.hours : readHours(`${at}.hours`, r.hours),
      timeZone,
      caps: r.caps === undefined ? base.caps : readCaps(`${at}.caps`, r.caps),
      checkDnc: readFlag(`${at}.checkDnc`, r.checkDnc, base.checkDnc),
      requireBrandCallerId: readFlag(`${at}.requireBrandCallerId`, r.requireBrandCallerId, base.requireBrandCallerId),
      sources: Array.isArray(r.sources) ? r.sources.map(String) : [...base.sources, 'Operator configuration'],
    };
  });
}
