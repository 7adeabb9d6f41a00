/**
 * Property-based fuzzing of the contract endpoints over real HTTP, one service on SQLite and
 * one on PostgreSQL fed the same inputs side by side. For every generated sendCampaign body
 * and closeCampaign id:
 *  - never a 5xx: 200 or the contract's 400 (also for a body cut short, which is not JSON);
 *  - the contract's shape: exactly `{campaignid, status: 1}` on 200; `status: 0`, an
 *    `error_msg` and the additive `errors` list on 400;
 *  - nothing stored or changed on a rejection (store state compared before and after);
 *  - SQLite and PostgreSQL answer the same body, and an accepted campaign is stored alike by
 *    both, exactly as sent.
 *
 * A fixed seed by default, so CI runs the same cases every time; FUZZ_SEED and FUZZ_RUNS
 * replay a failure or search wider (e.g. FUZZ_RUNS=2000). A failure prints its seed.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../support/service-harness.ts';
import { closeSegment, sendInput, type SendInput } from './contract-inputs.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/** Stops generating (and shrinking) after this long, so CI stays bounded whatever FUZZ_RUNS says. */
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? (process.env.FUZZ_RUNS ? 3_600_000 : 40_000));

type Reply = Awaited<ReturnType<RunningService['request']>>;

interface Snapshot {
  id: number;
  contentHash: string;
  contactTotal: number;
  closed: boolean;
}

async function snapshot(svc: RunningService): Promise<Snapshot[]> {
  const campaigns = await svc.service.store.listCampaigns({ limit: 100_000 });
  return campaigns
    .map((c) => ({ id: c.id, contentHash: c.contentHash, contactTotal: c.contactTotal, closed: c.state === 'stopping' || c.state === 'finished' }))
    .sort((a, b) => a.id - b.id);
}

async function storedCampaign(svc: RunningService, id: number) {
  const c = await svc.service.store.getCampaign(id);
  if (!c) return undefined;
  const contacts = await svc.service.store.listContacts(id, { limit: 100_000 });
  return {
    campaign: { id: c.id, typeId: c.typeId, startsAt: c.startsAt, endsAt: c.endsAt, contactTotal: c.contactTotal, contentHash: c.contentHash, extra: c.extra },
    contacts: contacts.map((k) => ({ contactId: k.contactId, seq: k.seq, phoneNumber: k.phoneNumber, dialNumber: k.dialNumber, linkEdit: k.linkEdit, extra: k.extra })),
  };
}

/** The contract's shape, whichever the outcome; 5xx and framework bodies fail here. */
function expectContractShape(r: Reply): void {
  expect([200, 400], `status ${r.status}: ${r.text.slice(0, 300)}`).toContain(r.status);
  if (r.status === 200) {
    expect(Object.keys(r.json).sort()).toEqual(['campaignid', 'status']);
    expect(r.json.status).toBe(1);
    expect(Number.isSafeInteger(r.json.campaignid) && r.json.campaignid > 0).toBe(true);
    return;
  }
  expect(Object.keys(r.json).sort()).toEqual(['campaignid', 'error_msg', 'errors', 'status']);
  expect(r.json.status).toBe(0);
  expect(typeof r.json.error_msg === 'string' && r.json.error_msg.length > 0).toBe(true);
  expect(r.json.campaignid === null || Number.isSafeInteger(r.json.campaignid)).toBe(true);
  expect(Array.isArray(r.json.errors) && r.json.errors.length > 0).toBe(true);
  for (const e of r.json.errors) expect(Object.keys(e).sort()).toEqual(['code', 'field', 'message']);
}

/** -0 is written as 0 by any JSON store: the only change to an extra field that is allowed. */
function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNegativeZero(v)]));
  return value;
}

function extraOf(obj: Record<string, unknown>, known: string[]): unknown {
  const entries = Object.keys(obj).filter((k) => !known.includes(k)).map((k) => [k, obj[k]] as const);
  return entries.length === 0 ? null : withoutNegativeZero(Object.fromEntries(entries));
}

/** An accepted body as the CRM sent it, for "stored exactly as sent". */
function sentCampaign(text: string) {
  const body = JSON.parse(text) as Record<string, unknown> & { contact: Record<string, unknown>[] };
  return {
    extra: extraOf(body, ['campaignid', 'starttime', 'endtime', 'typeid', 'contact']),
    contacts: body.contact.map((c, seq) => ({ seq, phoneNumber: c.phonenumber, linkEdit: c.linkedit ?? null, extra: extraOf(c, ['id', 'phonenumber', 'linkedit']) })),
  };
}

async function assertWithSeed<T extends [unknown]>(property: fc.IAsyncPropertyWithHooks<T>, what: string): Promise<void> {
  try {
    await fc.assert(property, { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false });
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `\ncaused by: ${cause.message.slice(0, 2000)}` : '';
    throw new Error(`${what}: fuzz failure with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} (re-run with these to replay)\n${(error as Error).message}${detail}`);
  }
}

describe('contract endpoints under fuzzed input, SQLite and PostgreSQL side by side', () => {
  let sqlite: RunningService;
  let postgres: RunningService;
  const now = Date.now();

  beforeAll(async () => {
    [sqlite, postgres] = await Promise.all([startService('sqlite'), startService('postgres')]);
  });
  afterAll(async () => {
    await Promise.all([sqlite?.stop(), postgres?.stop()]);
  });

  const both = (method: string, path: string, text?: string) =>
    Promise.all(
      [sqlite, postgres].map((svc) =>
        svc.request(method, path, text === undefined ? {} : { body: text, headers: { 'content-type': 'application/json' } }),
      ),
    ) as Promise<[Reply, Reply]>;

  it('sendCampaign: never a 500, always the contract shape, nothing stored on rejection, both stores agree', async () => {
    await assertWithSeed(
      fc.asyncProperty(sendInput(now), async (input: SendInput) => {
        const before = await Promise.all([snapshot(sqlite), snapshot(postgres)]);
        const [onSqlite, onPostgres] = await both('POST', '/api/sendCampaign', input.text);
        expectContractShape(onSqlite);
        expectContractShape(onPostgres);
        expect({ status: onPostgres.status, body: onPostgres.json }).toEqual({ status: onSqlite.status, body: onSqlite.json });
        const after = await Promise.all([snapshot(sqlite), snapshot(postgres)]);
        expect(after[1]).toEqual(after[0]);
        if (onSqlite.status === 400) {
          expect(after[0]).toEqual(before[0]);
          expect(after[1]).toEqual(before[1]);
          return;
        }
        const id = onSqlite.json.campaignid as number;
        const [a, b] = await Promise.all([storedCampaign(sqlite, id), storedCampaign(postgres, id)]);
        expect(a).toBeDefined();
        expect(b).toEqual(a);
        const isNew = !before[0].some((c) => c.id === id);
        if (isNew) {
          const sent = sentCampaign(input.text);
          expect(a!.campaign.extra).toEqual(sent.extra);
          expect(a!.contacts.map(({ seq, phoneNumber, linkEdit, extra }) => ({ seq, phoneNumber, linkEdit, extra }))).toEqual(sent.contacts);
        }
      }),
      'sendCampaign',
    );
  }, 180_000);

  it('closeCampaign: never a 500, always the contract shape, nothing changed on rejection, both stores agree', async () => {
    await assertWithSeed(
      fc.asyncProperty(closeSegment(), async (segment: string) => {
        const before = await Promise.all([snapshot(sqlite), snapshot(postgres)]);
        const [onSqlite, onPostgres] = await both('GET', `/api/closeCampaign/${segment}`);
        expectContractShape(onSqlite);
        expectContractShape(onPostgres);
        expect({ status: onPostgres.status, body: onPostgres.json }).toEqual({ status: onSqlite.status, body: onSqlite.json });
        const after = await Promise.all([snapshot(sqlite), snapshot(postgres)]);
        expect(after[1]).toEqual(after[0]);
        if (onSqlite.status === 400) {
          expect(after[0]).toEqual(before[0]);
          return;
        }
        const id = onSqlite.json.campaignid as number;
        expect(after[0].find((c) => c.id === id)?.closed).toBe(true);
      }),
      'closeCampaign',
    );
  }, 120_000);
});
