/**
 * The bulk loaders differ by database (a reused prepared statement on SQLite, COPY in text
 * format on PostgreSQL): a campaign with every shape of field the contract accepts — unicode
 * outside the BMP, COPY's own escape sequences as text, a long linkedit, nested extra fields,
 * the largest and smallest ids — reads back from PostgreSQL exactly as from SQLite, and as sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { receiveCampaign } from '../../src/application/receive-campaign.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { Store } from '../../src/ports/store.ts';
import { openSqlStore } from '../../src/store/sql-store.ts';
import { at, ZONE } from '../support/campaigns.ts';
import { createTestDatabase, type DialectName, type TestDatabase } from '../support/databases.ts';

const NOW = Date.UTC(2030, 0, 1, 3, 0, 0);
const clock = { now: () => NOW, setTimer: () => ({ cancel() {} }) };

/** Text that COPY's text format would misread if it were not escaped, and text outside the BMP. */
const TRICKY = ['\\N', '\\.', 'a\\tb', 'back\\slash\\', '\\\\N', 'Nguyễn Văn Ánh — Hà Nội', '😀👩‍👩‍👧 𝄞 漢字 עברית', '\u2028\u2029', '"quoted"', "it's", '', ' '];

function body() {
  const contact: Record<string, unknown>[] = [
    { id: Number.MAX_SAFE_INTEGER, phonenumber: '+84 912.345-678', linkedit: 'x'.repeat(100_000) + '😀' },
    { id: Number.MIN_SAFE_INTEGER, phonenumber: '0912345679' },
    { id: 0, phonenumber: '0912345680', linkedit: null },
    { id: '42', phonenumber: '0912345681', linkedit: '' },
    {
      id: 7,
      phonenumber: '+849123456820000000',
      linkedit: 'https://crm.vn/ê?q=\\N&x=\\.',
      customer_name: 'Trần Thị Bích Ngọc',
      note: 'line one\nline two\ttabbed\r\u0000 end \\ backslash',
      tags: TRICKY,
      nested: { deep: { deeper: [1, -0.5, 1e300, true, null, { '\\N': '\t' }] } },
      big: 9_007_199_254_740_993,
      empty: {},
    },
  ];
  TRICKY.forEach((text, i) => contact.push({ id: 1000 + i, phonenumber: `09${String(20_000_000 + i)}`, linkedit: text === '' ? null : text, label: text }));
  return {
    campaignid: Number.MAX_SAFE_INTEGER,
    starttime: at(NOW + 3_600_000),
    endtime: at(NOW + 7_200_000),
    typeid: 2,
    priority: 'cao ↑',
    meta: { source: 'crm\\N', list: TRICKY },
    contact,
  };
}

async function ingest(dialect: DialectName, databases: TestDatabase[], stores: Store[]) {
  const database = await createTestDatabase(dialect);
  databases.push(database);
  const store = await openSqlStore(database.url);
  stores.push(store);
  const sent = body();
  const outcome = await receiveCampaign({ store, clock, logger: silentLogger, timeZone: ZONE, onCampaignStored: async () => {} }, sent);
  expect(outcome).toEqual({ ok: true, campaignId: Number.MAX_SAFE_INTEGER });
  const campaign = await store.getCampaign(Number.MAX_SAFE_INTEGER);
  const contacts = await store.listContacts(Number.MAX_SAFE_INTEGER, { limit: 1000 });
  return { campaign, contacts, sent };
}

describe('a campaign with every field shape', () => {
  const databases: TestDatabase[] = [];
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of databases.splice(0)) await d.drop();
  });

  it('reads back from PostgreSQL identical to SQLite, and as sent', async () => {
    const sqlite = await ingest('sqlite', databases, stores);
    const postgres = await ingest('postgres', databases, stores);
    expect(postgres.campaign).toEqual(sqlite.campaign);
    expect(postgres.contacts).toEqual(sqlite.contacts);

    // And both hold what was sent (so "identical" is not "identically wrong").
    const sent = sqlite.sent;
    expect(sqlite.campaign?.extra).toEqual({ priority: sent.priority, meta: sent.meta });
    expect(sqlite.contacts).toHaveLength(sent.contact.length);
    sqlite.contacts.forEach((stored, seq) => {
      const { id, phonenumber, linkedit, ...extra } = sent.contact[seq]!;
      expect(stored.seq).toBe(seq);
      expect(stored.contactId).toBe(Number(id));
      expect(stored.phoneNumber).toBe(phonenumber);
      expect(stored.linkEdit).toBe(linkedit ?? null);
      expect(stored.extra).toEqual(Object.keys(extra).length > 0 ? JSON.parse(JSON.stringify(extra)) : null);
      expect(stored.state).toBe('pending');
      expect(stored.nextAttemptAt).toBe(NOW + 3_600_000);
    });
    expect(postgres.contacts[0]!.linkEdit).toHaveLength(100_002);
  }, 60_000);
});
