/**
 * Screening at receipt of a large campaign, on SQLite and PostgreSQL: the contacts are read in
 * pages along their key and the listed ones are made final together in one transaction (not
 * one transaction per contact, each waiting for its own commit), with one DNC update each and
 * every other contact left as it was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { complianceDialPolicy } from '../../../src/compliance/compliance-policy.ts';
import { createReceiptScreening } from '../../../src/compliance/receipt-screening.ts';
import { BUILTIN_DEFAULT_PROFILE } from '../../../src/config/profiles.ts';
import type { ContactRequest } from '../../../src/domain/campaign-request.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import type { Store } from '../../../src/ports/store.ts';
import { attemptHistory } from '../../../src/store/attempt-history.ts';
import { dncRepository } from '../../../src/store/dnc-repository.ts';
import { openSqlDatabase } from '../../../src/store/sql-store.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../support/databases.ts';

const ZONE = 'Asia/Ho_Chi_Minh';
const NOW = Date.UTC(2030, 0, 6, 2, 0, 0);
const COUNT = 12_001;
const phone = (i: number) => `09${20_000_000 + i}`;

/** Store calls by method name, passed through. */
function counting(store: Store, calls: Map<string, number>): Store {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(store)) {
    out[key] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            calls.set(key, (calls.get(key) ?? 0) + 1);
            return (value as (...a: unknown[]) => unknown).apply(store, args);
          }
        : value;
  }
  return out as unknown as Store;
}

describe.each(DIALECTS)('screening a 12,001-contact campaign at receipt on %s', (dialect) => {
  let database: TestDatabase | undefined;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    await database?.drop();
    close = undefined;
    database = undefined;
  });

  it('reads it in pages along the contact key and makes its listed contacts final in one transaction', async () => {
    database = await createTestDatabase(dialect);
    const opened = await openSqlDatabase(database.url);
    close = () => opened.store.close();
    // Ids run against the CRM order (seq), so pages by key and pages by seq differ.
    const contacts: ContactRequest[] = Array.from({ length: COUNT }, (_, seq) => {
      const id = 3 * (COUNT - seq);
      return { contactId: id, phoneNumber: phone(seq), dialNumber: phone(seq), linkEdit: null, extra: null };
    });
    await opened.store.createCampaign({ id: 5, typeId: 1, startsAt: NOW + 3_600_000, endsAt: NOW + 7_200_000, receivedAt: NOW, contentHash: 'h', extra: null }, contacts);
    // Listed: both ends, both sides of the page boundary (by key), and a spread between.
    const listedSeqs = [0, 1, 2_000, 2_001, 7_000, 7_001, 12_000, ...Array.from({ length: 18 }, (_, k) => 300 + 650 * k)];
    const dnc = dncRepository(opened.db);
    await dnc.importMany(
      listedSeqs.map((seq) => ({ number: phone(seq), source: 'test' })),
      NOW - 1000,
    );

    const calls = new Map<string, number>();
    const store = counting(opened.store, calls);
    const policy = complianceDialPolicy({ dnc, history: attemptHistory(opened.db), timeZone: ZONE, logger: silentLogger });
    const screen = createReceiptScreening({
      store,
      policy,
      clock: { now: () => NOW, setTimer: () => ({ cancel() {} }) },
      logger: silentLogger,
      timeZone: ZONE,
      profileOf: () => ({ ...BUILTIN_DEFAULT_PROFILE, purpose: 'advertising', ruleSet: 'vn-decree-91' }),
      onCallbackQueued() {},
    });

    expect(await screen(5)).toBe(listedSeqs.length);

    // Two pages of at most 10,000; the 25 listed contacts made final in one transaction.
    expect(calls.get('listContactsAfter')).toBe(2);
    expect(calls.get('finalizeManyWithoutCall')).toBe(1);
    expect(calls.get('finalizeWithoutCall')).toBeUndefined();
    const listedIds = new Set(listedSeqs.map((seq) => contacts[seq]!.contactId));
    const updates = (await opened.store.listCallbacks({ campaignId: 5, limit: 1000 })).map((c) => JSON.parse(c.payload) as { contact_id: number; status: string });
    expect(updates.map((u) => u.status)).toEqual(listedSeqs.map(() => 'DNC'));
    expect(new Set(updates.map((u) => u.contact_id))).toEqual(listedIds);
    const counts = await opened.store.countCampaign(5);
    expect(counts).toMatchObject({ contactTotal: COUNT, contactsDnc: listedSeqs.length, contactsFinal: listedSeqs.length, contactsPending: COUNT - listedSeqs.length });
    for (const seq of [0, 2, 5_000, 5_002, 12_000]) {
      const c = contacts[seq]!;
      expect(await opened.store.getContact(5, c.contactId)).toMatchObject({ seq, state: listedIds.has(c.contactId) ? 'final' : 'pending' });
    }
  }, 60_000);
});
