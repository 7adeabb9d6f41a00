/**
 * Validation and normalisation of a `sendCampaign` body (spec 1.1 and decision 3.2).
 *
 * Pure: takes the parsed JSON and the current time, returns either a normalised request or
 * the list of offending fields. The top-level `error_msg` is chosen by the most specific
 * class of error present: a missing required field, then a bad datetime, then anything else.
 */
import { ContractMessage } from './messages.ts';
import { parseContractDatetime } from './local-time.ts';
import { toDialNumber } from './phone-number.ts';

export type FieldErrorCode = 'missing' | 'datetime' | 'invalid' | 'duplicate';

export interface FieldError {
  field: string;
  code: FieldErrorCode;
  message: string;
}

export interface ContactRequest {
  contactId: number;
  phoneNumber: string;
  dialNumber: string;
  linkEdit: string | null;
  extra: Record<string, unknown> | null;
}

export interface CampaignRequest {
  campaignId: number;
  startsAt: number;
  endsAt: number;
  typeId: number | null;
  contacts: ContactRequest[];
  extra: Record<string, unknown> | null;
}

export type ValidationResult =
  | { ok: true; request: CampaignRequest }
  | { ok: false; campaignId: number | null; errorMsg: string; errors: FieldError[] };

/** Caps the `errors` array so a broken 200,000-contact body gets a readable answer. */
export const MAX_REPORTED_ERRORS = 100;

/**
 * Accepted ranges, chosen so that whatever passes is stored alike by SQLite and PostgreSQL
 * (and re-sent to the CRM unchanged): ids are BIGINT columns, read back as JS numbers, so
 * safe integers; `typeid` is an INTEGER column (32 bits on PostgreSQL).
 */
export const TYPEID_MIN = -(2 ** 31);
export const TYPEID_MAX = 2 ** 31 - 1;
/** Epoch-millisecond columns hold any year, but years before 1970 are no campaign window (and two-digit years would be read as 19xx). */
export const MIN_DATETIME_YEAR = 1970;
/** Extra fields are kept as they come, up to this nesting depth (hashing and storing them must not exhaust the stack). */
export const MAX_EXTRA_DEPTH = 32;

const KNOWN_CAMPAIGN_FIELDS = new Set(['campaignid', 'starttime', 'endtime', 'typeid', 'contact']);
const KNOWN_CONTACT_FIELDS = new Set(['id', 'phonenumber', 'linkedit']);

/** An integer id, from a JSON number or a numeric string such as "12". */
export function parseIntegerId(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  // Up to 16 digits: every safe integer, so an id accepted as a JSON number can also be named in a path.
  if (typeof value === 'string' && /^\s*-?\d{1,16}\s*$/.test(value)) {
    const n = Number(value.trim());
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

export function parsePositiveId(value: unknown): number | null {
  const n = parseIntegerId(value);
  return n !== null && n > 0 ? n : null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The unknown fields, as own data properties: a key such as `__proto__` is kept like any other (decision 3.2). */
function extraFields(obj: Record<string, unknown>, known: Set<string>): Record<string, unknown> | null {
  const entries = Object.keys(obj).filter((key) => !known.has(key)).map((key) => [key, obj[key]] as const);
  return entries.length === 0 ? null : Object.fromEntries(entries);
}

/**
 * Why an extra field's value cannot be kept as sent: arrays/objects nested deeper than
 * `limit`, or a number beyond double range (JSON `1e400` parses to Infinity and would be
 * stored as null). Iterative, so any depth is safe to ask about.
 */
export function extraValueProblem(value: unknown, limit: number): 'too-deep' | 'not-finite' | null {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'number' && !Number.isFinite(v)) return 'not-finite';
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > limit) return 'too-deep';
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return null;
}

/**
 * Control characters (C0 with NUL, DEL, C1: no URL carries them, and PostgreSQL text cannot
 * hold NUL) and unpaired surrogates (both stores would keep U+FFFD instead).
 */
const UNSTORABLE_CHARACTER = /[\p{Cc}\p{Cs}]/u;

/** Text both stores keep exactly as received. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE_CHARACTER.test(text);
}

function checkExtraFields(extra: Record<string, unknown> | null, at: string, errors: ErrorList): boolean {
  if (extra === null) return true;
  let ok = true;
  for (const [key, value] of Object.entries(extra)) {
    const problem = extraValueProblem(value, MAX_EXTRA_DEPTH);
    if (problem === null) continue;
    errors.add(`${at}${key}`, 'invalid', problem === 'too-deep' ? `Trường ${key} lồng nhau quá ${MAX_EXTRA_DEPTH} cấp.` : `Trường ${key} chứa số vượt quá giới hạn.`);
    ok = false;
  }
  return ok;
}

class ErrorList {
  readonly items: FieldError[] = [];
  count = 0;
  add(field: string, code: FieldErrorCode, message: string): void {
    this.count++;
    if (this.items.length < MAX_REPORTED_ERRORS) this.items.push({ field, code, message });
  }
  has(code: FieldErrorCode): boolean {
    return this.items.some((e) => e.code === code);
  }
}

function topMessage(errors: ErrorList): string {
  if (errors.has('missing')) return ContractMessage.missingField;
  if (errors.has('datetime')) return ContractMessage.badDatetime;
  return ContractMessage.invalidInput;
}

/** Contacts checked per step of `campaignValidationSteps`: a few milliseconds of work. */
export const CONTACTS_PER_STEP = 5000;

function* validateContacts(list: unknown[], errors: ErrorList, contacts: ContactRequest[]): Generator<void, void> {
  const seen = new Set<number>();
  for (let i = 0; i < list.length; i++) {
    if (i > 0 && i % CONTACTS_PER_STEP === 0) yield;
    const raw = list[i];
    const at = `contact[${i}]`;
    if (!isPlainObject(raw)) {
      errors.add(at, 'invalid', 'Contact phải là một object.');
      continue;
    }
    let ok = true;
    const contactId = parseIntegerId(raw.id);
    if (raw.id === undefined || raw.id === null) {
      errors.add(`${at}.id`, 'missing', 'Thiếu id của contact.');
      ok = false;
    } else if (contactId === null) {
      errors.add(`${at}.id`, 'invalid', 'id của contact phải là số nguyên.');
      ok = false;
    } else if (seen.has(contactId)) {
      errors.add(`${at}.id`, 'duplicate', `id ${contactId} bị trùng trong campaign.`);
      ok = false;
    } else {
      seen.add(contactId);
    }
    const dialNumber = toDialNumber(raw.phonenumber);
    if (raw.phonenumber === undefined || raw.phonenumber === null || raw.phonenumber === '') {
      errors.add(`${at}.phonenumber`, 'missing', 'Thiếu số điện thoại.');
      ok = false;
    } else if (dialNumber === null) {
      errors.add(`${at}.phonenumber`, 'invalid', 'Số điện thoại không hợp lệ (3–20 chữ số, có thể bắt đầu bằng +).');
      ok = false;
    }
    if (raw.linkedit !== undefined && raw.linkedit !== null && typeof raw.linkedit !== 'string') {
      errors.add(`${at}.linkedit`, 'invalid', 'linkedit phải là chuỗi.');
      ok = false;
    } else if (typeof raw.linkedit === 'string' && !isStorableText(raw.linkedit)) {
      errors.add(`${at}.linkedit`, 'invalid', 'linkedit chứa ký tự điều khiển hoặc ký tự không hợp lệ.');
      ok = false;
    }
    const extra = extraFields(raw, KNOWN_CONTACT_FIELDS);
    if (!checkExtraFields(extra, `${at}.`, errors)) ok = false;
    if (!ok) continue;
    contacts.push({
      contactId: contactId!,
      phoneNumber: raw.phonenumber as string,
      dialNumber: dialNumber!,
      linkEdit: typeof raw.linkedit === 'string' ? raw.linkedit : null,
      extra,
    });
  }
}

/**
 * Validates the structure and formats. The "endtime in the future" rule is applied separately
 * (`checkWindowIsOpen`) because an identical re-send of an accepted campaign must still be
 * answered 200 after its window has passed.
 */
export function validateCampaignRequest(body: unknown, timeZone: string): ValidationResult {
  const steps = campaignValidationSteps(body, timeZone);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same validation in steps of `CONTACTS_PER_STEP` contacts, so a caller can let other
 * work run between them while a 200,000-contact campaign is checked.
 */
export function* campaignValidationSteps(body: unknown, timeZone: string): Generator<void, ValidationResult> {
  const errors = new ErrorList();
  if (!isPlainObject(body)) {
    errors.add('body', 'invalid', 'Dữ liệu phải là một JSON object.');
    return { ok: false, campaignId: null, errorMsg: ContractMessage.invalidInput, errors: errors.items };
  }
  const campaignId = parsePositiveId(body.campaignid);
  if (body.campaignid === undefined || body.campaignid === null) {
    errors.add('campaignid', 'missing', 'Thiếu campaignid.');
  } else if (campaignId === null) {
    errors.add('campaignid', 'invalid', 'campaignid phải là số nguyên dương.');
  }

  const times: Record<'starttime' | 'endtime', number | null> = { starttime: null, endtime: null };
  for (const field of ['starttime', 'endtime'] as const) {
    const value = body[field];
    if (value === undefined || value === null || value === '') {
      errors.add(field, 'missing', `Thiếu ${field}.`);
      continue;
    }
    times[field] = parseContractDatetime(value, timeZone);
    if (times[field] === null) {
      errors.add(field, 'datetime', `${field} phải có dạng YYYY-MM-DD HH:MM:SS.`);
    } else if (Number((value as string).slice(0, 4)) < MIN_DATETIME_YEAR) {
      times[field] = null;
      errors.add(field, 'invalid', `${field} phải từ năm ${MIN_DATETIME_YEAR} trở đi.`);
    }
  }
  if (times.starttime !== null && times.endtime !== null && times.endtime <= times.starttime) {
    errors.add('endtime', 'invalid', 'endtime phải sau starttime.');
  }

  let typeId: number | null = null;
  if (body.typeid !== undefined && body.typeid !== null) {
    typeId = parseIntegerId(body.typeid);
    if (typeId === null || typeId < TYPEID_MIN || typeId > TYPEID_MAX) {
      typeId = null;
      errors.add('typeid', 'invalid', `typeid phải là số nguyên từ ${TYPEID_MIN} đến ${TYPEID_MAX}.`);
    }
  }

  const contacts: ContactRequest[] = [];
  if (body.contact === undefined || body.contact === null) {
    errors.add('contact', 'missing', 'Thiếu danh sách contact.');
  } else if (!Array.isArray(body.contact)) {
    errors.add('contact', 'invalid', 'contact phải là một mảng.');
  } else if (body.contact.length === 0) {
    errors.add('contact', 'invalid', 'Danh sách contact không được rỗng.');
  } else {
    yield* validateContacts(body.contact, errors, contacts);
  }
  const extra = extraFields(body, KNOWN_CAMPAIGN_FIELDS);
  checkExtraFields(extra, '', errors);

  if (errors.count > 0) {
    return { ok: false, campaignId, errorMsg: topMessage(errors), errors: errors.items };
  }
  return {
    ok: true,
    request: {
      campaignId: campaignId!,
      startsAt: times.starttime!,
      endsAt: times.endtime!,
      typeId,
      contacts,
      extra,
    },
  };
}

/** Decision 3.2: a new campaign's `endtime` must lie in the future. */
export function checkWindowIsOpen(request: CampaignRequest, now: number): FieldError | null {
  return request.endsAt > now ? null : { field: 'endtime', code: 'invalid', message: 'endtime đã qua.' };
}

/**
 * A canonical text of the normalised request, in parts, identical for two bodies that mean the
 * same campaign (key order, numeric-string ids and separators in numbers do not matter).
 * Yielded piecewise so a 200,000-contact campaign is hashed without one giant string.
 */
export function* canonicalCampaignParts(request: CampaignRequest): Generator<string> {
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (isPlainObject(value)) {
      return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
    }
    return value;
  };
  yield JSON.stringify([request.campaignId, request.startsAt, request.endsAt, request.typeId, sortKeys(request.extra)]);
  for (const c of request.contacts) {
    yield `\n${c.contactId}\u0000${c.phoneNumber}\u0000${c.linkEdit ?? '\u0001'}\u0000${c.extra === null ? '' : JSON.stringify(sortKeys(c.extra))}`;
  }
}
