/**
 * Compliance rule sets: the legal limits a profile's calls must respect, by name. A profile
 * names one (`ruleSet`); advertising profiles default to `vn-decree-91`, care profiles to
 * `none`. Each rule set says which daily hours a call may start in (read in its own time zone,
 * the callee's), how many attempts one subscriber may receive per rolling window across all
 * campaigns, whether the do-not-call list is consulted, and whether a brand-name caller id is
 * required. Every constant names its source; docs/compliance.md explains them.
 *
 * A name no rule set carries is a configuration error: campaigns of that profile do not dial.
 */
import type { DailyHours } from '../domain/profile.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export interface FrequencyCap {
  /** Short label used in reasons and the audit, e.g. `24h`. */
  label: string;
  windowMs: number;
  /** Attempts allowed to one subscriber within any rolling window of that length. */
  max: number;
}

export interface RuleSet {
  name: string;
  summary: string;
  /** Daily windows in which a call may start; null when the rule set sets none. */
  hours: readonly DailyHours[] | null;
  /** The zone the hours are read in; null: the CCS's configured zone. */
  timeZone: string | null;
  caps: readonly FrequencyCap[];
  checkDnc: boolean;
  requireBrandCallerId: boolean;
  /** Where each rule comes from, as we read the law. */
  sources: readonly string[];
}

/**
 * Vietnam, Decree 91/2020/ND-CP on fighting spam messages, emails and calls (in force since
 * 1 October 2020), Article 13 as we read it: advertising calls only between 08:00 and 17:00
 * every day, at most one advertising call to a number within 24 hours, never to numbers on
 * the Do-Not-Call list (Article 7), and only from a registered brand name ("tên định danh"),
 * not from an ordinary phone number. Each limit yields where the callee agreed otherwise;
 * CCS does not know of such agreements and applies the limits to every call.
 */
export const VN_DECREE_91: RuleSet = Object.freeze({
  name: 'vn-decree-91',
  summary: 'Vietnam Decree 91/2020/ND-CP: 08:00–17:00 Vietnam time, 1 call per number per 24 h, do-not-call list, brand-name caller id',
  hours: Object.freeze([Object.freeze({ from: '08:00', to: '17:00' })]),
  timeZone: 'Asia/Ho_Chi_Minh',
  caps: Object.freeze([Object.freeze({ label: '24h', windowMs: DAY_MS, max: 1 })]),
  checkDnc: true,
  requireBrandCallerId: true,
  sources: Object.freeze([
    'Decree 91/2020/ND-CP, Art. 13: advertising calls only 08:00–17:00 each day unless otherwise agreed with the callee',
    'Decree 91/2020/ND-CP, Art. 13: at most 01 advertising call to one number within 24 hours unless otherwise agreed',
    'Decree 91/2020/ND-CP, Art. 7 and 13: no advertising calls to numbers on the Do-Not-Call list ("Danh sách không quảng cáo")',
    'Decree 91/2020/ND-CP, Art. 13: advertising calls only under a registered brand name, not from an ordinary number',
  ]),
});

/** The do-not-call list only: for care calls an operator chooses to screen against its own list. */
export const DNC_ONLY: RuleSet = Object.freeze({
  name: 'dnc-only',
  summary: 'Do-not-call list only; no legal hours, caps or caller-id rules',
  hours: null,
  timeZone: null,
  caps: Object.freeze([]),
  checkDnc: true,
  requireBrandCallerId: false,
  sources: Object.freeze(['Operator policy']),
});

/** No compliance rules: profile hours and the campaign window still apply. */
export const NO_RULES: RuleSet = Object.freeze({
  name: 'none',
  summary: 'No compliance rules (profile calling hours and the campaign window still apply)',
  hours: null,
  timeZone: null,
  caps: Object.freeze([]),
  checkDnc: false,
  requireBrandCallerId: false,
  sources: Object.freeze([]),
});

export type RuleSetRegistry = ReadonlyMap<string, RuleSet>;

/** The built-in rule sets, with `extra` added (a rule set of the same name replaces the built-in). */
export function ruleSetRegistry(extra: readonly RuleSet[] = []): RuleSetRegistry {
  const map = new Map<string, RuleSet>();
  for (const r of [VN_DECREE_91, DNC_ONLY, NO_RULES, ...extra]) {
    for (const cap of r.caps) {
      if (!Number.isInteger(cap.max) || cap.max < 1 || !(cap.windowMs > 0)) throw new RangeError(`rule set ${r.name}: cap ${cap.label} needs max >= 1 and a positive window`);
    }
    map.set(r.name, r);
  }
  return map;
}

export const defaultRuleSets: RuleSetRegistry = ruleSetRegistry();
