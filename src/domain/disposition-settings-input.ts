/**
 * A supervisor's disposition codes for a profile, checked before anything is stored: 1–9 codes
 * (number keys 1–9 pick them at the desk), each code unique (1–40 lower-case letters, digits,
 * "-" or "_"), both labels non-empty (at most 60 characters), an effect from the allowed set;
 * `success` and `required` booleans. The first problem found is named, with its place.
 */
import { DISPOSITION_EFFECTS, type DispositionCode, type DispositionEffect, type DispositionSettings } from './wrap-up-codes.ts';

export const MAX_DISPOSITION_CODES = 9;
const CODE = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const MAX_LABEL = 60;

export type SettingsInput = { ok: true; settings: DispositionSettings } | { ok: false; message: string };

export function parseDispositionSettings(raw: unknown): SettingsInput {
  const bad = (message: string): SettingsInput => ({ ok: false, message });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('expected a JSON object with "required" and "codes"');
  const r = raw as Record<string, unknown>;
  const unknownField = Object.keys(r).find((k) => k !== 'required' && k !== 'codes');
  if (unknownField) return bad(`unknown field "${unknownField}"`);
  if (typeof r.required !== 'boolean') return bad('"required" must be true or false');
  if (!Array.isArray(r.codes) || r.codes.length === 0) return bad('"codes" must list at least one code');
  if (r.codes.length > MAX_DISPOSITION_CODES) return bad(`at most ${MAX_DISPOSITION_CODES} codes (number keys 1–9 pick them)`);
  const seen = new Set<string>();
  const codes: DispositionCode[] = [];
  for (const [i, c] of r.codes.entries()) {
    const at = `codes[${i}]`;
    if (typeof c !== 'object' || c === null || Array.isArray(c)) return bad(`${at}: expected an object`);
    const e = c as Record<string, unknown>;
    if (typeof e.code !== 'string' || !CODE.test(e.code)) return bad(`${at}.code: 1–40 lower-case letters, digits, "-" or "_"`);
    if (seen.has(e.code)) return bad(`${at}.code: "${e.code}" is listed twice`);
    seen.add(e.code);
    const label = e.label as Record<string, unknown> | undefined;
    const vi = typeof label?.vi === 'string' ? label.vi.trim() : '';
    const en = typeof label?.en === 'string' ? label.en.trim() : '';
    if (!vi) return bad(`${at}.label.vi: the Vietnamese label is empty`);
    if (!en) return bad(`${at}.label.en: the English label is empty`);
    if (vi.length > MAX_LABEL || en.length > MAX_LABEL) return bad(`${at}.label: at most ${MAX_LABEL} characters`);
    if (typeof e.effect !== 'string' || !(DISPOSITION_EFFECTS as readonly string[]).includes(e.effect)) return bad(`${at}.effect: one of ${DISPOSITION_EFFECTS.join(', ')}`);
    if (e.success !== undefined && typeof e.success !== 'boolean') return bad(`${at}.success must be true or false`);
    codes.push({ code: e.code, label: { vi, en }, effect: e.effect as DispositionEffect, success: e.success === true });
  }
  return { ok: true, settings: { required: r.required, codes } };
}
