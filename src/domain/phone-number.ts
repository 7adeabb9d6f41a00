/**
 * Phone numbers as the contract accepts them and as CCS dials and compares them.
 *
 * The contract accepts digits with an optional leading `+`, 3–20 digits once spaces, dots
 * and dashes are removed. Only the ASCII space counts as a space: a tab, a line break or a
 * non-breaking space inside a number means a malformed field, and the number as given is
 * what CCS stores and reports back. The dial form keeps exactly that. The comparison key folds
 * Vietnam's national format (`0…`) and international format (`+84…`, `0084…`, or `84…`
 * with a national-length remainder) into one, so the same subscriber is recognised either
 * way (do-not-call lists, frequency caps, "never two calls to one number at once").
 *
 * Vietnamese national significant numbers are 9 digits for mobiles (since the 2018
 * renumbering) and 10 digits for fixed lines (area code `2xx` since 2017).
 */

const SEPARATORS = /[ .\-]/g;
/** What `subscriberKey` also ignores: lists written by people carry `(+84)` and `(024)`. */
const KEY_SEPARATORS = /[\s.\-()]/g;
const DIALABLE = /^\+?\d{3,20}$/;

/** The number with separators removed, or null when it is not plausibly dialable. */
export function toDialNumber(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const stripped = raw.replace(SEPARATORS, '');
  return DIALABLE.test(stripped) ? stripped : null;
}

/** `84` followed by a national number without its trunk `0`: a mobile (9 digits) or a fixed line (`2` + 9 digits). */
const isBare84 = (n: string) => /^84\d{9}$/.test(n) || /^842\d{9}$/.test(n);

/**
 * A canonical key for "the same subscriber": `+84xxxxxxxxx` for Vietnamese numbers written
 * any of the usual ways, the digits with `+` for other international numbers, the digits
 * otherwise.
 */
export function subscriberKey(raw: string): string {
  const n = raw.replace(KEY_SEPARATORS, '');
  if (n.startsWith('+84')) return '+84' + n.slice(3).replace(/^0/, '');
  if (n.startsWith('0084')) return '+84' + n.slice(4).replace(/^0/, '');
  if (isBare84(n)) return '+84' + n.slice(2);
  if (n.startsWith('0') && !n.startsWith('00') && n.length >= 9 && n.length <= 11) return '+84' + n.slice(1);
  if (n.startsWith('00')) return '+' + n.slice(2);
  return n;
}

/**
 * Every separator-free dial form that folds to `key` under `subscriberKey` (the key itself
 * included), so stored dial numbers can be matched by equality — and by an index.
 */
export function dialVariants(key: string): string[] {
  const candidates = new Set<string>([key]);
  if (key.startsWith('+84')) {
    const national = key.slice(3);
    for (const prefix of ['+84', '+840', '0084', '00840', '84', '0']) candidates.add(prefix + national);
  } else if (key.startsWith('+')) {
    candidates.add('00' + key.slice(1));
  }
  return [...candidates].filter((c) => subscriberKey(c) === key).sort();
}

/** The subscriber key of a number written by a person or a list (separators and brackets allowed), or null when it is not plausibly dialable. */
export function subscriberKeyOf(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const stripped = raw.replace(KEY_SEPARATORS, '');
  return DIALABLE.test(stripped) ? subscriberKey(stripped) : null;
}
