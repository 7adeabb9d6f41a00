/**
 * fast-check arbitraries for the contract endpoints: valid sendCampaign bodies and mutations
 * of them (wrong types, huge numbers, unicode, NUL, deep nesting, extra fields, `__proto__`,
 * boundary datetimes, duplicate ids, empty and large contact lists), and closeCampaign path
 * segments (long, %-encoded, badly encoded, unicode).
 *
 * Bodies are kept as a small tree and written out as JSON text by `toJsonText`, so that keys
 * such as `__proto__`, duplicate keys and nesting deeper than JSON.stringify could handle
 * reach the server exactly as generated.
 */
import fc from 'fast-check';
import { formatContractDatetime } from '../../src/domain/local-time.ts';

export type Node = { json: unknown } | { raw: string } | { obj: [string, Node][] } | { arr: Node[] };

export function toJsonText(node: Node): string {
  if ('raw' in node) return node.raw;
  if ('obj' in node) return `{${node.obj.map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(',')}}`;
  if ('arr' in node) return `[${node.arr.map(toJsonText).join(',')}]`;
  return JSON.stringify(node.json) ?? 'null';
}

const ZONE = 'Asia/Ho_Chi_Minh';
const HOUR = 3_600_000;
/** Campaign ids: mostly new ones, a quarter from a small range so that re-sends (identical or not) and closes of stored campaigns happen often. */
export const ID_BASE = 4_000_000;
export const ID_SPAN = 40;
const campaignId = fc.oneof({ arbitrary: fc.integer({ min: ID_BASE + 1, max: ID_BASE + ID_SPAN }), weight: 1 }, { arbitrary: fc.integer({ min: ID_BASE + ID_SPAN + 1, max: 2 ** 40 }), weight: 3 });

const json = (value: unknown): Node => ({ json: value });

/** Values no field expects, or expects only at its edges. */
const hostileConstant = fc.constantFrom<unknown>(
  null, true, false, 0, -1, -0, 1.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53 - 1, 2 ** 53, 1e308, -1e308,
  '', ' ', '12', ' 12 ', '012', '1e3', '0x10', '١٢', '１２', 'abc', '\u0000', '\ud800', '\udc00x', '😀', 'e\u0301',
  '0912345678', '+84912345678', '09\u00001234567', '0912\t345678', '0912\n345678', '0912\u00a0345678', '0912 345.678-9', '(024) 3999 9999', '+', '12', '123456789012345678901',
  'http://crm.vn/\u0000', 'http://crm.vn/a\nb', 'javascript:alert(1)', 'x'.repeat(20_000),
  '0000-01-01 00:00:00', '1969-12-31 23:59:59', '1970-01-01 00:00:00', '9999-12-31 23:59:59', '2023-02-29 10:00:00', '2028-02-29 10:00:00',
  '2030-01-01 24:00:00', '2030-01-01T10:00:00', '2030-13-01 00:00:00', '2030-1-1 1:1:1', ' 2030-01-01 00:00:00', '2030-01-01 00:00:00Z',
  [], {}, [1], { a: 1 }, [null], ['0912345678'],
);

/** JSON texts JSON.stringify would not write: nesting thousands deep, numbers beyond double range. */
const hostileRaw = fc.oneof(
  fc.integer({ min: 1, max: 6000 }).map((n) => ({ raw: '['.repeat(n) + ']'.repeat(n) })),
  fc.integer({ min: 1, max: 5000 }).map((n) => ({ raw: '{"a":'.repeat(n) + '1' + '}'.repeat(n) })),
  fc.constantFrom('1' + '0'.repeat(400), '-1' + '0'.repeat(400), '1e400', '12345678901234567890', '9007199254740993', '1.0', '-0', '1E2', '0.1e1').map((raw) => ({ raw })),
);

export const hostileValue: fc.Arbitrary<Node> = fc.oneof(
  { arbitrary: hostileConstant.map(json), weight: 6 },
  { arbitrary: hostileRaw, weight: 2 },
  { arbitrary: fc.integer().map(json), weight: 1 },
  { arbitrary: fc.double().map(json), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 24 }).map(json), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }).map(json), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map(json), weight: 1 },
);

const hostileKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', 'campaignid ', 'Campaignid', 'contact\u0000', 'ghi_chú', 'errors', 'status'),
  fc.string({ unit: 'binary', maxLength: 10 }),
);

interface ContactSpec {
  id: number;
  phone: string;
  link: boolean;
}

const contactSpec: fc.Arbitrary<ContactSpec> = fc.record({
  id: fc.integer({ min: 1, max: 1_000_000 }),
  phone: fc.stringMatching(/^(\+84|0)9\d{8}$/),
  link: fc.boolean(),
});

const contactNode = (c: ContactSpec): Node => ({
  obj: [
    ['id', json(c.id)],
    ['phonenumber', json(c.phone)],
    ...(c.link ? ([['linkedit', json(`http://crm.vn/admin/ContactLevelInfo/EditL3/${c.id}`)]] as [string, Node][]) : []),
  ],
});

/** A campaign with many contacts, built in one go rather than element by element. */
const bulkContacts = fc.integer({ min: 300, max: 2000 }).map((n) =>
  Array.from({ length: n }, (_, i): ContactSpec => ({ id: i + 1, phone: `09${String(10_000_000 + i).padStart(8, '0')}`, link: i % 2 === 0 })),
);

/** A valid body: window ahead of `now` (so nothing starts dialling), 1–8 contacts or a bulk list. */
export function validBody(now: number): fc.Arbitrary<Node> {
  return fc
    .record({
      id: campaignId,
      idAsString: fc.boolean(),
      startInHours: fc.integer({ min: 1, max: 48 }),
      lengthHours: fc.integer({ min: 1, max: 24 * 30 }),
      typeid: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      contacts: fc.oneof(
        { arbitrary: fc.uniqueArray(contactSpec, { minLength: 1, maxLength: 8, selector: (c) => c.id }), weight: 9 },
        { arbitrary: bulkContacts, weight: 1 },
      ),
    })
    .map((b) => {
      const start = now + b.startInHours * HOUR;
      const entries: [string, Node][] = [
        ['campaignid', json(b.idAsString ? String(b.id) : b.id)],
        ['starttime', json(formatContractDatetime(start, ZONE))],
        ['endtime', json(formatContractDatetime(start + b.lengthHours * HOUR, ZONE))],
        ...(b.typeid !== undefined ? ([['typeid', json(b.typeid)]] as [string, Node][]) : []),
        ['contact', { arr: b.contacts.map(contactNode) }],
      ];
      return { obj: entries };
    });
}

type Mutation = (body: Node) => Node;

const setEntry = (entries: [string, Node][], key: string, value: Node): [string, Node][] =>
  entries.some(([k]) => k === key) ? entries.map(([k, v]) => [k, k === key ? value : v]) : [...entries, [key, value]];

const onObject = (body: Node, f: (entries: [string, Node][]) => [string, Node][]): Node => ('obj' in body ? { obj: f(body.obj) } : body);

const onContacts = (body: Node, f: (contacts: Node[]) => Node[]): Node =>
  onObject(body, (entries) => entries.map(([k, v]) => [k, k === 'contact' && 'arr' in v ? { arr: f(v.arr) } : v]));

const TOP_FIELDS = ['campaignid', 'starttime', 'endtime', 'typeid', 'contact'];
const CONTACT_FIELDS = ['id', 'phonenumber', 'linkedit'];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.constantFrom(...TOP_FIELDS), hostileValue).map(([key, value]): Mutation => (b) => onObject(b, (e) => setEntry(e, key, value))),
  fc.constantFrom(...TOP_FIELDS).map((key): Mutation => (b) => onObject(b, (e) => e.filter(([k]) => k !== key))),
  fc.tuple(hostileKey, hostileValue).map(([key, value]): Mutation => (b) => onObject(b, (e) => [...e, [key, value]])),
  fc.tuple(fc.nat(), fc.constantFrom(...CONTACT_FIELDS), hostileValue).map(
    ([at, key, value]): Mutation => (b) => onContacts(b, (cs) => cs.map((c, i) => (i === at % cs.length ? onObject(c, (e) => setEntry(e, key, value)) : c))),
  ),
  fc.tuple(fc.nat(), fc.constantFrom(...CONTACT_FIELDS)).map(
    ([at, key]): Mutation => (b) => onContacts(b, (cs) => cs.map((c, i) => (i === at % cs.length ? onObject(c, (e) => e.filter(([k]) => k !== key)) : c))),
  ),
  fc.tuple(fc.nat(), hostileKey, hostileValue).map(
    ([at, key, value]): Mutation => (b) => onContacts(b, (cs) => cs.map((c, i) => (i === at % cs.length ? onObject(c, (e) => [...e, [key, value]]) : c))),
  ),
  // A duplicate contact id within the campaign.
  fc.nat().map((at): Mutation => (b) => onContacts(b, (cs) => (cs.length === 0 ? cs : [...cs, cs[at % cs.length]!]))),
  fc.constantFrom<Mutation>((b) => onContacts(b, () => [])),
  fc.tuple(fc.nat(), hostileValue).map(([at, value]): Mutation => (b) => onContacts(b, (cs) => cs.map((c, i) => (i === at % cs.length ? value : c)))),
  // Not an object at all.
  hostileValue.map((value): Mutation => () => value),
);

export interface SendInput {
  text: string;
  label: string;
}

/** A sendCampaign body as JSON text: valid (about a third), or a valid one with 1–3 mutations; now and then cut short (not JSON). */
export function sendInput(now: number): fc.Arbitrary<SendInput> {
  return fc
    .tuple(
      validBody(now),
      fc.oneof({ arbitrary: fc.constant([] as Mutation[]), weight: 1 }, { arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }), weight: 2 }),
      fc.oneof({ arbitrary: fc.constant(undefined), weight: 19 }, { arbitrary: fc.double({ min: 0, max: 1, noNaN: true }), weight: 1 }),
    )
    .map(([body, mutations, cut]) => {
      const full = toJsonText(mutations.reduce((b, m) => m(b), body));
      const text = cut === undefined ? full : full.slice(0, Math.floor(full.length * cut));
      // Short, so a failure report stays readable even for a 2,000-contact or 6,000-deep body.
      const label = text.length > 600 ? `${text.slice(0, 300)} …(${text.length} chars)… ${text.slice(-200)}` : text;
      return { text, label, [fc.toStringMethod]: () => label };
    });
}

const hexPairs = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 6 }).map((bytes) => bytes.map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join(''));

/** The `<id>` part of /api/closeCampaign/<id>, as it goes on the wire (already %-encoded where it needs to be). */
export function closeSegment(): fc.Arbitrary<string> {
  return fc
    .oneof(
      { arbitrary: fc.integer({ min: ID_BASE + 1, max: ID_BASE + ID_SPAN }).map(String), weight: 4 },
      { arbitrary: fc.integer({ min: -5, max: 10 }).map(String), weight: 1 },
      { arbitrary: fc.integer({ min: 90, max: 400 }).map((n) => '9'.repeat(n)), weight: 1 },
      { arbitrary: fc.integer({ min: 90, max: 400 }).map((n) => '1'.padStart(n, '0')), weight: 1 },
      { arbitrary: fc.constantFrom('9007199254740991', '9007199254740992', '1' + '0'.repeat(20), '1.5', '1e3', '+1', '0x1', ' 1', '１２'), weight: 1 },
      { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map(encodeURIComponent), weight: 2 },
      { arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }).map(encodeURIComponent), weight: 1 },
      // Malformed %-encoding: lone %, non-hex digits, truncated or invalid UTF-8 sequences.
      { arbitrary: fc.constantFrom('%', '12%', '%zz', '%E0%A4%A', '%C3%28', '%ED%A0%80', '%FF', '%00', '%2F', '%25', '1%0A'), weight: 2 },
      { arbitrary: fc.tuple(fc.integer({ min: ID_BASE + 1, max: ID_BASE + ID_SPAN }), hexPairs).map(([id, hex]) => `${id}${hex}`), weight: 1 },
    )
    .filter((s) => s !== '.' && s !== '..');
}
