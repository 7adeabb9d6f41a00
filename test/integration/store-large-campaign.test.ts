/**
 * Receiving and storing a 200,000-contact campaign, on SQLite and PostgreSQL: the event loop
 * is given back while the contacts are checked, hashed and inserted (so timers and other
 * requests are served meanwhile), and a write made meanwhile never becomes part of the
 * campaign's transaction: it lands even when that transaction is rolled back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { receiveCampaign } from '../../src/application/receive-campaign.ts';
import { systemClock } from '../../src/clock/system-clock.ts';
import type { ContactRequest } from '../../src/domain/campaign-request.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { NewCampaign, Store } from '../../src/ports/store.ts';
import { openSqlStore } from '../../src/store/sql-store.ts';
import { campaignBody, ZONE } from '../support/campaigns.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.ts';

const LARGE = 200_000;

function contacts(count: number): ContactRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const phone = `09${String(10_000_000 + i).padStart(8, '0')}`;
    return { contactId: i + 1, phoneNumber: phone, dialNumber: phone, linkEdit: `http://crm.vn/c/${i + 1}`, extra: null };
  });
}

const campaign = (id: number): NewCampaign => ({ id, typeId: null, startsAt: Date.UTC(2030, 0, 1), endsAt: Date.UTC(2030, 0, 2), receivedAt: Date.UTC(2029, 0, 1), contentHash: `hash-${id}`, extra: null });

/** Counts turns of the event loop (setImmediate callbacks) until `work` settles. */
async function turnsDuring<T>(work: Promise<T>): Promise<{ turns: number; result: PromiseSettledResult<T> }> {
  let turns = 0;
  let settled = false;
  const tick = () => {
    if (settled) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  const [result] = await Promise.allSettled([work]);
  settled = true;
  return { turns, result };
}

describe.each(DIALECTS)('a 200,000-contact campaign stored on %s', (dialect) => {
  let database: TestDatabase | undefined;
  let store: Store | undefined;

  afterEach(async () => {
    await store?.close();
    await database?.drop();
    store = undefined;
    database = undefined;
  });

  const open = async () => {
    database = await createTestDatabase(dialect);
    store = await openSqlStore(database.url);
    return store;
  };

  it('gives the event loop back many times while its contacts are inserted, and stores them all', async () => {
    const s = await open();
    const { turns, result } = await turnsDuring(s.createCampaign(campaign(1), contacts(LARGE)));
    expect(result).toEqual({ status: 'fulfilled', value: { outcome: 'created' } });
    // One turn per 2,000 rows on SQLite; PostgreSQL waits on the network for each chunk.
    expect(turns).toBeGreaterThanOrEqual(50);
    expect((await s.countCampaign(1)).contactTotal).toBe(LARGE);
    const last = await s.listContacts(1, { limit: 1, offset: LARGE - 1 });
    expect(last.map((c) => [c.contactId, c.seq])).toEqual([[LARGE, LARGE - 1]]);
  }, 120_000);

  it('lets the event loop turn while a received campaign is checked and hashed, before it is stored', async () => {
    const s = await open();
    let turnsWhenStored = -1;
    let turns = 0;
    const store: Store = {
      ...s,
      createCampaign: (campaign, list) => {
        turnsWhenStored = turns;
        return s.createCampaign(campaign, list);
      },
    };
    const body = campaignBody(9, { contacts: LARGE, startInMs: 3_600_000 });
    let settled = false;
    const tick = () => {
      if (settled) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const outcome = await receiveCampaign({ store, clock: systemClock, logger: silentLogger, timeZone: ZONE, onCampaignStored: async () => {} }, body).finally(() => {
      settled = true;
    });
    expect(outcome).toEqual({ ok: true, campaignId: 9 });
    // Validation pauses every 5,000 contacts (40 times here) and hashing every 20,000 (10).
    expect(turnsWhenStored).toBeGreaterThanOrEqual(40);
    expect((await s.countCampaign(9)).contactTotal).toBe(LARGE);
  }, 120_000);

  it('keeps a campaign written while a large one is being stored out of its transaction, even when that one is rolled back', async () => {
    const s = await open();
    // The last contact repeats the first id: the insert fails at the very end and rolls back.
    const failing = [...contacts(LARGE), { ...contacts(1)[0]!, contactId: 1 }];
    const large = s.createCampaign(campaign(1), failing);
    large.catch(() => undefined); // awaited below; handled now so an early rejection is not reported as unhandled
    // Started once the large insert is under way, i.e. after a few turns of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const small = s.createCampaign(campaign(2), contacts(3));
    const [largeResult, smallResult] = await Promise.allSettled([large, small]);
    expect(largeResult.status).toBe('rejected');
    expect(smallResult).toEqual({ status: 'fulfilled', value: { outcome: 'created' } });
    expect(await s.getCampaign(1)).toBeUndefined();
    expect(await s.listContacts(1, { limit: 10 })).toEqual([]);
    expect((await s.countCampaign(2)).contactTotal).toBe(3);
    expect((await s.listContacts(2, { limit: 10 })).map((c) => c.contactId)).toEqual([1, 2, 3]);
  }, 120_000);
});
