/**
 * Phone numbers as the contract accepts them and as CCS dials and compares them.
 *
 * The contract accepts digits with an optional leading `+`, 3–20 digits once spaces, dots
 * and dashes are removed. The dial form keeps exactly that. The comparison key folds
 * Vietnam's national format (`0…`) and international format (`+84…`/`84…` with a
 * national-length remainder) into one, so the same subscriber is recognised either way
 * (do-not-call lists, frequency caps, "never two calls to one number at once").
 */

const SEPARATORS = /[\s.\-]/g;
const DIALABLE = /^\+?\d{3,20}$/;

/** The number with separators removed, or null when it is not plausibly dialable. */
export function toDialNumber(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const stripped = raw.replace(SEPARATORS, '');
  return DIALABLE.test(stripped) ? stripped : null;
}

/**
 * A canonical key for "the same subscriber": `+84xxxxxxxxx` for Vietnamese numbers written
 * either way, the digits with `+` for other international numbers, the digits otherwise.
 */
export function subscriberKey(raw: string): string {
  const n = raw.replace(SEPARATORS, '');
  if (n.startsWith('+84')) return '+84' + n.slice(3).replace(/^0/, '');
  if (n.startsWith('0084')) return '+84' + n.slice(4).replace(/^0/, '');
  if (n.startsWith('84') && n.length === 11) return '+84' + n.slice(2);
  if (n.startsWith('0') && !n.startsWith('00') && n.length >= 9 && n.length <= 11) return '+84' + n.slice(1);
  if (n.startsWith('00')) return '+' + n.slice(2);
  return n;
}
