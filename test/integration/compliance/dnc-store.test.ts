/** The do-not-call list and the attempt history behind frequency caps, on SQLite and PostgreSQL. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttemptHistory } from '../../../src/ports/attempt-history.ts';
import type { DncEntry, DncStore } from '../../../src/ports/dnc-store.ts';
import type { Store } from '../../../src/ports/store.ts';
import { attemptHistory } from '../../../src/store/attempt-history.ts';
import { dncRepository } from '../../../src/store/dnc-repository.ts';
import { openSqlDatabase } from '../../../src/store/sql-store.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../support/databases.ts';

const T = Date.UTC(2026, 0, 5, 2);

describe.each(DIALECTS)('do-not-call list on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  let dnc: DncStore;
  let history: AttemptHistory;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    const opened = await openSqlDatabase(database.url);
    store = opened.store;
    dnc = dncRepository(opened.db);
    history = attemptHistory(opened.db);
  });

  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  it('finds a number added in one spelling under every other spelling', async () => {
    expect(await dnc.add('0912 000 001', 'customer-request', T)).toBe(true);
    for (const n of ['0912000001', '+84912000001', '84912000001', '0084912000001']) {
      expect(await dnc.get(n), n).toEqual({ key: '+84912000001', number: '0912 000 001', source: 'customer-request', addedAt: T });
    }
    expect(await dnc.listed(['+84912000001', '0912000002', 'garbage'])).toEqual(new Set(['+84912000001']));
  });

  it('refreshes the source and date of a number added again, keeping one entry', async () => {
    await dnc.add('0912000001', 'first', T);
    await dnc.add('+84912000001', 'second', T + 1000);
    expect(await dnc.count()).toBe(1);
    expect(await dnc.get('0912000001')).toMatchObject({ number: '+84912000001', source: 'second', addedAt: T + 1000 });
  });

  it('refuses numbers that are not plausibly dialable', async () => {
    expect(await dnc.add('not a number', 'x', T)).toBe(false);
    expect(await dnc.count()).toBe(0);
  });

  it('removes a number by any spelling', async () => {
    await dnc.add('0912000001', 'x', T);
    expect(await dnc.remove('84912000001')).toBe(true);
    expect(await dnc.remove('84912000001')).toBe(false);
    expect(await dnc.get('0912000001')).toBeUndefined();
  });

  it('imports many numbers at once, counting invalid lines and repeated numbers', async () => {
    await dnc.add('0912000009', 'old', T - 1000);
    const lines = [
      { number: '0912000001', source: 'register' },
      { number: '+84912000001', source: 'register' },
      { number: 'x', source: 'register' },
      { number: '0912000009', source: 'register' },
      ...Array.from({ length: 2500 }, (_, i) => ({ number: `0913${String(i).padStart(6, '0')}`, source: 'register' })),
    ];
    expect(await dnc.importMany(lines, T)).toEqual({ received: 2504, stored: 2502, invalid: 1, duplicates: 1 });
    expect(await dnc.count()).toBe(2502);
    expect(await dnc.get('0912000009')).toMatchObject({ source: 'register', addedAt: T });
    const found = await dnc.listed(Array.from({ length: 3000 }, (_, i) => `+84913${String(i).padStart(6, '0')}`));
    expect(found.size).toBe(2500);
  });

  it('exports every entry in key order, page by page', async () => {
    await dnc.importMany(Array.from({ length: 25 }, (_, i) => ({ number: `0912${String(24 - i).padStart(6, '0')}`, source: 's' })), T);
    const all: DncEntry[] = [];
    for await (const e of dnc.exportAll(10)) all.push(e);
    expect(all).toHaveLength(25);
    expect(all.map((e) => e.key)).toEqual([...all.map((e) => e.key)].sort());
  });

  it('gives the attempts to a subscriber across campaigns, whatever spelling each campaign used', async () => {
    const contactsOf = (phone: string) => [{ contactId: 1, phoneNumber: phone, dialNumber: phone, linkEdit: null, extra: null }];
    const campaign = (id: number) => ({ id, typeId: 1, startsAt: T, endsAt: T + 86_400_000, receivedAt: T, contentHash: `h${id}`, extra: null });
    const spellings = ['0912000001', '+84912000001', '84912000001', '0912000002'];
    for (const [i, phone] of spellings.entries()) {
      await store.createCampaign(campaign(i + 1), contactsOf(phone));
      await store.startCampaign(i + 1, T);
      await store.beginAttempt({ callId: `c${i + 1}`, campaignId: i + 1, contactId: 1, attemptNo: 1, dialNumber: phone, startedAt: T + i * 1000, audit: null });
    }
    expect(await history.attemptTimes('+84912000001', T - 1)).toEqual([T, T + 1000, T + 2000]);
    expect(await history.attemptTimes('+84912000001', T)).toEqual([T + 1000, T + 2000]);
    expect(await history.attemptTimes('+84912000002', T - 1)).toEqual([T + 3000]);
  });
});
