/** Campaign profiles from the config file (decision 3.10), each completed from the default profile. */
import type { Profile } from '../domain/profile.ts';
import { ConfigError } from './config-error.ts';
import { readDispositions } from './disposition-config.ts';
import { readEnum, readHours, readInt, readNumber, readOptionalString, readString } from './readers.ts';

const DIAL_MODES = ['progressive', 'power', 'predictive', 'preview'] as const;
const PURPOSES = ['advertising', 'care'] as const;

export const BUILTIN_DEFAULT_PROFILE: Profile = {
  name: 'default',
  typeIds: [],
  dialMode: 'progressive',
  powerRatio: 2,
  abandonTarget: 0.03,
  agentGroup: 'default',
  callerId: null,
  ringTimeoutSeconds: 25,
  retry: { maxAttempts: 3, delaySeconds: 1800 },
  callingHours: null,
  purpose: 'care',
  ruleSet: 'none',
  requireBrandCallerId: false,
  maxChannels: 0,
  previewAutoDialSeconds: 0,
};

export function readProfile(setting: string, raw: unknown, base: Profile): Profile {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(setting, 'expected an object');
  const r = raw as Record<string, unknown>;
  const retry = (r.retry ?? {}) as Record<string, unknown>;
  const purpose = readEnum(`${setting}.purpose`, r.purpose, PURPOSES, base.purpose);
  const typeIds = r.typeIds ?? (r.typeId !== undefined ? [r.typeId] : base.typeIds);
  if (!Array.isArray(typeIds)) throw new ConfigError(`${setting}.typeIds`, 'expected a list of integers');
  return {
    name: readString(`${setting}.name`, r.name, base.name),
    typeIds: typeIds.map((t, i) => readInt(`${setting}.typeIds[${i}]`, t, 0)),
    dialMode: readEnum(`${setting}.dialMode`, r.dialMode, DIAL_MODES, base.dialMode),
    powerRatio: readNumber(`${setting}.powerRatio`, r.powerRatio, base.powerRatio, 1, 10),
    abandonTarget: readNumber(`${setting}.abandonTarget`, r.abandonTarget, base.abandonTarget, 0, 0.5),
    agentGroup: readString(`${setting}.agentGroup`, r.agentGroup, base.agentGroup),
    callerId: r.callerId === undefined ? base.callerId : readOptionalString(`${setting}.callerId`, r.callerId),
    ringTimeoutSeconds: readInt(`${setting}.ringTimeoutSeconds`, r.ringTimeoutSeconds, base.ringTimeoutSeconds, 5, 300),
    retry: {
      maxAttempts: readInt(`${setting}.retry.maxAttempts`, retry.maxAttempts, base.retry.maxAttempts, 1, 100),
      delaySeconds: readInt(`${setting}.retry.delaySeconds`, retry.delaySeconds, base.retry.delaySeconds, 0, 30 * 86400),
    },
    callingHours: r.callingHours === undefined ? base.callingHours : readHours(`${setting}.callingHours`, r.callingHours),
    purpose,
    // Advertising defaults to Vietnam's Decree 91 rules; care calls to none.
    ruleSet: readString(`${setting}.ruleSet`, r.ruleSet, r.purpose !== undefined ? (purpose === 'advertising' ? 'vn-decree-91' : 'none') : base.ruleSet),
    requireBrandCallerId: r.requireBrandCallerId === undefined ? base.requireBrandCallerId : Boolean(r.requireBrandCallerId),
    maxChannels: readInt(`${setting}.maxChannels`, r.maxChannels, base.maxChannels, 0, 100000),
    recordingRetentionDays: readInt(`${setting}.recordingRetentionDays`, r.recordingRetentionDays, base.recordingRetentionDays ?? 0, 0, 36500),
    ...optional('dispositions', readDispositions(`${setting}.dispositions`, r.dispositions, base.dispositions)),
    previewAutoDialSeconds: readInt(`${setting}.previewAutoDialSeconds`, r.previewAutoDialSeconds, base.previewAutoDialSeconds, 0, 600),
    ...optional('transferNumberPrefixes', readPrefixes(`${setting}.transferNumberPrefixes`, r.transferNumberPrefixes, base.transferNumberPrefixes)),
  };
}

/** Number prefixes (`["0", "+84"]`); `[""]` allows any number. */
function readPrefixes(setting: string, raw: unknown, base: string[] | undefined): string[] | undefined {
  if (raw === undefined) return base;
  if (!Array.isArray(raw) || raw.some((p) => typeof p !== 'string' || !/^\+?\d{0,15}$/.test(p))) throw new ConfigError(setting, 'expected a list of number prefixes, e.g. ["0", "+84"]');
  return raw as string[];
}

/** Leaves an absent optional field out (the profile then uses its defaults). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
