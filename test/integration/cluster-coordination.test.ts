/**
 * Two nodes' coordination over one PostgreSQL database, in one process: the leases of agent
 * groups, their renewal, expiry and takeover with a higher fencing token, and the store's
 * fenced writes refused for a node whose token is stale.
 */
import pg from 'pg';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { postgresCoordination, type PostgresCoordination } from '../../src/cluster/postgres-coordination.ts';
import { singleNodeCoordination } from '../../src/cluster/single-node-coordination.ts';
import { isLeaseLost, type CoordinationHandlers } from '../../src/ports/coordination.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { DEFAULT_POOL_SIZE } from '../../src/store/connect.ts';
import type { FenceHolder } from '../../src/store/lease-fence.ts';
import { openSqlDatabase, type SqlDatabase } from '../../src/store/sql-store.ts';
import { waitFor } from '../support/crm-receiver.ts';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

const LEASE_SECONDS = 4;
/** The store pool's size in these tests (the default). */
const STORE_POOL = DEFAULT_POOL_SIZE;
const GROUPS = ['default', 'sales'];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

interface Node {
  coordination: PostgresCoordination;
  db: SqlDatabase;
  events: string[];
}

async function node(database: TestDatabase, id: string, leaseSeconds = LEASE_SECONDS, url = database.url): Promise<Node> {
  const fence: FenceHolder = {};
  const db = await openSqlDatabase(url, { logger: silentLogger, fence });
  const coordination = postgresCoordination({
    db: db.db,
    databaseUrl: url,
    nodeId: id,
    leaseSeconds,
    groupOfType: (typeId) => (typeId === 7 ? 'sales' : 'default'),
    logger: silentLogger,
  });
  fence.check = (trx, campaignId) => coordination.fence(trx, campaignId);
  const events: string[] = [];
  cleanups.push(async () => {
    await coordination.stop();
    await db.store.close();
  });
  return { coordination, db, events };
}

const handlers = (n: Node): CoordinationHandlers => ({
  acquired: async (group) => void n.events.push(`acquired ${group}`),
  lost: (group) => void n.events.push(`lost ${group}`),
  campaignsChanged: () => void n.events.push('changed'),
});

/** Nodes a and b on one database, started in that order: a takes every free group. */
async function twoNodes(database: TestDatabase, a: { leaseSeconds?: number; url?: string } = {}): Promise<[Node, Node]> {
  const first = await node(database, 'node-a', a.leaseSeconds, a.url);
  const second = await node(database, 'node-b');
  await first.coordination.start(GROUPS, handlers(first));
  await second.coordination.start(GROUPS, handlers(second));
  return [first, second];
}

/** The database's URL through a TCP proxy the test can cut (closed after the test). */
async function cuttableUrl(database: TestDatabase) {
  const target = new URL(database.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  cleanups.push(() => proxy.close());
  const url = new URL(database.url);
  url.port = String(proxy.port);
  return { proxy, url: url.toString() };
}

/** A lease row's column, read on a connection of its own (the node's store may be held busy). */
async function leaseColumn(database: TestDatabase, column: 'token' | 'extract(epoch from expires_at) * 1000', group: string): Promise<number> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const r = await client.query<{ v: string }>(`select ${column} as v from dial_leases where grp = $1`, [group]);
    return Number(r.rows[0]?.v);
  } finally {
    await client.end();
  }
}

/** The expiry of the lease of 'default', in ms by the database's clock. */
const defaultExpiry = (database: TestDatabase) => leaseColumn(database, 'extract(epoch from expires_at) * 1000', 'default');

/** Waits for renewals to move the lease of 'default' two terms past `first`. */
const renewedTwoTermsPast = (database: TestDatabase, first: number) =>
  waitFor(async () => (await defaultExpiry(database)) > first + 2 * LEASE_SECONDS * 1000, LEASE_SECONDS * 5000, 200);

async function tokenOf(n: Node, group: string): Promise<number> {
  const r = await sql<{ token: number }>`select token from dial_leases where grp = ${group}`.execute(n.db.db);
  return Number(r.rows[0]?.token);
}

/** How many leases the database still counts as node a's, asked by `n`. */
async function unexpiredLeasesOfNodeA(n: Node): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from dial_leases where holder = 'node-a' and expires_at > now()`.execute(n.db.db);
  return Number(r.rows[0]!.n);
}

async function database(): Promise<TestDatabase> {
  const db = await createPostgresDatabase();
  cleanups.push(() => db.drop());
  return db;
}

async function campaign(n: Node, id: number, typeId: number | null) {
  const now = Date.now();
  await n.db.store.createCampaign({ id, typeId, startsAt: now - 1000, endsAt: now + 3600_000, receivedAt: now, contentHash: `h${id}`, extra: null }, [
    { contactId: 1, phoneNumber: '0987654321', dialNumber: '0987654321', linkEdit: null, extra: null },
    { contactId: 2, phoneNumber: '0987654322', dialNumber: '0987654322', linkEdit: null, extra: null },
  ]);
}

const attempt = (campaignId: number, contactId: number) => ({
  callId: `ccs-${campaignId}-${contactId}-1`,
  campaignId,
  contactId,
  attemptNo: 1,
  dialNumber: `098765432${contactId}`,
  startedAt: Date.now(),
  audit: null,
});

describe('cluster coordination on PostgreSQL', () => {
  it('gives every free group to the first node and none to the second; both are listed as live nodes', async () => {
    const db = await database();
    const [a, b] = await twoNodes(db);
    expect(a.coordination.held()).toEqual(GROUPS);
    expect(b.coordination.held()).toEqual([]);
    expect(GROUPS.every((g) => a.coordination.holds(g) && !b.coordination.holds(g))).toBe(true);
    const nodes = await b.coordination.nodes();
    expect(nodes.map((n) => ({ id: n.id, dialing: n.dialing, groups: n.groups }))).toEqual([
      { id: 'node-a', dialing: true, groups: GROUPS },
      { id: 'node-b', dialing: false, groups: [] },
    ]);
    expect(nodes.every((n) => Math.abs(n.lastSeenAt - Date.now()) < 60_000)).toBe(true);
  });

  it('keeps a lease it renews past its term, with the same token', async () => {
    const db = await database();
    const [a, b] = await twoNodes(db);
    const token = await tokenOf(a, 'default');
    // Renewals move its expiry (by the database's clock) two terms past the first one.
    await renewedTwoTermsPast(db, await defaultExpiry(db));
    expect(a.coordination.held()).toEqual(GROUPS);
    expect(b.coordination.held()).toEqual([]);
    expect(await tokenOf(a, 'default')).toBe(token);
    expect(a.events.filter((e) => e.startsWith('lost'))).toEqual([]);
  });

  it('hands the groups of a node that stops to another node at once, with a higher token', async () => {
    const db = await database();
    const [a, b] = await twoNodes(db);
    const before = await tokenOf(b, 'sales');
    await a.coordination.stop();
    await waitFor(() => b.coordination.held().length === GROUPS.length, 10_000);
    expect(b.events).toEqual(expect.arrayContaining(['acquired default', 'acquired sales']));
    expect(await tokenOf(b, 'sales')).toBe(before + 1);
    expect((await b.coordination.nodes()).map((n) => n.id)).toEqual(['node-b']);
  });

  it('lets a node that cannot renew give its groups up before they run out, and another node take them after', async () => {
    const db = await database();
    const { proxy, url } = await cuttableUrl(db);
    const [a, b] = await twoNodes(db, { url });
    const before = await tokenOf(b, 'default');
    // Node a is cut off from the database: no renewal lands.
    proxy.cut();
    await waitFor(() => a.coordination.held().length === 0, 10_000);
    // It gave them up while the database still counted them as its.
    expect(await unexpiredLeasesOfNodeA(b)).toBeGreaterThan(0);
    expect(a.events).toEqual(expect.arrayContaining(['lost default', 'lost sales']));
    await waitFor(() => b.coordination.held().length === GROUPS.length, 15_000);
    expect(await tokenOf(b, 'default')).toBe(before + 1);
  });

  it('runs out at once a lease it gave up whose renewal landed after the give-up: the group is dialled again before that renewal would have run out', async () => {
    const db = await database();
    const lease = 8;
    const a = await node(db, 'node-a', lease);
    const b = await node(db, 'node-b', lease);
    // Every change of a lease row, with the database's time of the change.
    const observer = new pg.Client({ connectionString: db.url });
    await observer.connect();
    cleanups.push(() => observer.end());
    await observer.query(`
      create table lease_log (grp text, token bigint, holder text, expires_ms float8, acquired_ms float8, at_ms float8);
      create function log_lease() returns trigger language plpgsql as $$ begin
        insert into lease_log values (new.grp, new.token, new.holder, extract(epoch from new.expires_at) * 1000,
          extract(epoch from new.acquired_at) * 1000, extract(epoch from clock_timestamp()) * 1000);
        return new;
      end $$;
      create trigger lease_log after insert or update on dial_leases for each row execute function log_lease();`);
    await a.coordination.start(GROUPS, handlers(a));
    await b.coordination.start(GROUPS, handlers(b));
    const before = await leaseColumn(db, 'token', 'default');
    // A lock on the row holds node a's renewals up until it has given the group up by its own bound.
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    cleanups.push(() => locker.end());
    await locker.query('begin');
    await locker.query(`select 1 from dial_leases where grp = 'default' for update`);
    await waitFor(() => a.events.includes('lost default'), lease * 2000);
    const gaveUpAt = Number((await observer.query<{ at: string }>('select extract(epoch from clock_timestamp()) * 1000 as at')).rows[0]!.at);
    await locker.query('rollback');
    // Taken again, by either node, with the next token.
    const changes = async () =>
      (await observer.query<{ token: string; holder: string; expires_ms: number; acquired_ms: number; at_ms: number }>(`select * from lease_log where grp = 'default' order by at_ms`)).rows.map((r) => ({ ...r, token: Number(r.token) }));
    await waitFor(async () => (await changes()).some((c) => c.token === before + 1), lease * 4000, 200);
    const log = await changes();
    // The renewals held up landed after the give-up and renewed node a's lease in the database.
    const late = log.filter((c) => c.token === before && c.holder === 'node-a' && c.at_ms > gaveUpAt && c.expires_ms > c.at_ms);
    expect(late.length).toBeGreaterThan(0);
    const stale = Math.max(...late.map((c) => c.expires_ms));
    // The group did not wait for that lease to run out.
    const retaken = log.find((c) => c.token === before + 1)!;
    expect(retaken.acquired_ms).toBeLessThan(stale);
    await waitFor(() => a.coordination.holds('default') || b.coordination.holds('default'), lease * 2000);
  });

  it('refuses the fenced writes of a node whose lease was taken over, and accepts those of the new holder', async () => {
    const db = await database();
    // A long lease: node a's next renewal is 20 s away, so it still believes it holds the group.
    const [a, b] = await twoNodes(db, { leaseSeconds: 60 });
    await campaign(a, 1, null);
    await campaign(a, 2, 7);
    await a.db.store.beginAttempt(attempt(1, 1));
    // The database lets node a's lease of "default" run out (a pause longer than the lease):
    // node a still believes it holds it, node b takes it over with a higher token.
    await sql`update dial_leases set expires_at = now() where grp = 'default'`.execute(b.db.db);
    await waitFor(() => b.coordination.holds('default'), 10_000);
    expect(a.coordination.holds('default')).toBe(true);

    const refusals = await Promise.all([
      a.db.store.beginAttempt(attempt(1, 2)).catch((e: unknown) => e),
      a.db.store.progressAttempt('ccs-1-1-1', { state: 'ringing', at: Date.now() }).catch((e: unknown) => e),
      a.db.store.finishCampaign(1, 'closed', Date.now()).catch((e: unknown) => e),
    ]);
    for (const refusal of refusals) expect(isLeaseLost(refusal)).toBe(true);
    expect(a.coordination.holds('default')).toBe(false);
    expect(a.events).toContain('lost default');
    // Nothing of those writes landed.
    expect((await b.db.store.getContact(1, 2))?.state).toBe('pending');
    expect((await b.db.store.getAttempt('ccs-1-1-1'))?.state).toBe('dialing');
    expect((await b.db.store.getCampaign(1))?.state).not.toBe('finished');
    // The other group is still node a's.
    await a.db.store.beginAttempt(attempt(2, 1));
    // The new holder writes.
    await b.db.store.progressAttempt('ccs-1-1-1', { state: 'ringing', at: Date.now() });
    expect((await b.db.store.getAttempt('ccs-1-1-1'))?.state).toBe('ringing');
  });

  it('keeps its leases, with the same token, while every store connection is held busy', async () => {
    const db = await database();
    const a = await node(db, 'node-a');
    await a.coordination.start(GROUPS, handlers(a));
    const token = await leaseColumn(db, 'token', 'default');
    const first = await defaultExpiry(db);
    // Twice the store pool's connections each sleep for three lease terms: the store cannot answer anything meanwhile.
    const busy = Array.from({ length: 2 * STORE_POOL }, () => sql`select pg_sleep(${3 * LEASE_SECONDS})`.execute(a.db.db).catch(() => {}));
    await renewedTwoTermsPast(db, first);
    expect(a.coordination.held()).toEqual(GROUPS);
    expect(a.events.filter((e) => e.startsWith('lost'))).toEqual([]);
    expect(await leaseColumn(db, 'token', 'default')).toBe(token);
    await Promise.all(busy);
  });

  it('keeps its leases while its own fenced writes hold the lease rows without a pause', async () => {
    const db = await database();
    const a = await node(db, 'node-a');
    await a.coordination.start(GROUPS, handlers(a));
    await campaign(a, 1, null);
    await campaign(a, 2, 7);
    const token = await leaseColumn(db, 'token', 'default');
    const first = await defaultExpiry(db);
    // Every store connection runs fenced transactions that overlap, so some write always holds each lease row.
    let writing = true;
    const refused: unknown[] = [];
    const writers = Array.from({ length: STORE_POOL }, async (_, i) => {
      const campaignId = (i % 2) + 1;
      for (let n = 0; writing && n < 1000; n++) {
        await a.db.db.transaction().execute(async (trx) => {
          await a.coordination.fence(trx, campaignId);
          await sql`select pg_sleep(${0.2 + (i % 5) / 10})`.execute(trx);
        });
      }
    }).map((w) => w.catch((error: unknown) => void refused.push(error)));
    try {
      await renewedTwoTermsPast(db, first);
    } finally {
      writing = false;
      await Promise.all(writers);
    }
    expect(refused).toEqual([]);
    expect(a.coordination.held()).toEqual(GROUPS);
    expect(a.events.filter((e) => e.startsWith('lost'))).toEqual([]);
    expect(await leaseColumn(db, 'token', 'default')).toBe(token);
  });

  it("still gives up the leases of a busy node cut off from the database; another node takes them after they run out and the first node's writes are refused", async () => {
    const db = await database();
    const { proxy, url } = await cuttableUrl(db);
    const [a, b] = await twoNodes(db, { url });
    await campaign(a, 1, null);
    const before = await tokenOf(b, 'default');
    // Its store is saturated when it is cut off: the lease must lapse all the same.
    const busy = Array.from({ length: STORE_POOL }, () => sql`select pg_sleep(${2 * LEASE_SECONDS})`.execute(a.db.db).catch(() => {}));
    proxy.cut();
    await waitFor(() => a.coordination.held().length === 0, LEASE_SECONDS * 2500);
    expect(await unexpiredLeasesOfNodeA(b)).toBeGreaterThan(0);
    await waitFor(() => b.coordination.held().length === GROUPS.length, LEASE_SECONDS * 4000);
    expect(await tokenOf(b, 'default')).toBe(before + 1);
    await Promise.all(busy);
    proxy.restore();
    const refused = await a.db.store.beginAttempt(attempt(1, 1)).catch((e: unknown) => e);
    expect(isLeaseLost(refused)).toBe(true);
    expect((await b.db.store.getContact(1, 1))?.state).toBe('pending');
  });

  it("takes a group over only after the old holder's fenced write under way has committed", async () => {
    const db = await database();
    const [a, b] = await twoNodes(db, { leaseSeconds: 60 });
    await campaign(a, 1, null);
    let commit!: () => void;
    const committing = new Promise<void>((resolve) => (commit = resolve));
    let checked!: () => void;
    const fenced = new Promise<void>((resolve) => (checked = resolve));
    const write = a.db.db.transaction().execute(async (trx) => {
      await a.coordination.fence(trx, 1);
      checked();
      await committing;
    });
    await fenced;
    // The database lets node a's lease run out while its write is still open.
    await sql`update dial_leases set expires_at = now() where grp = 'default'`.execute(b.db.db);
    // Node b tries every second; its takeover waits on the open write.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(b.coordination.holds('default')).toBe(false);
    commit();
    await write;
    await waitFor(() => b.coordination.holds('default'), 10_000);
  });

  it('tells every node when campaigns change', async () => {
    const db = await database();
    const [a, b] = await twoNodes(db);
    a.events.length = 0;
    b.events.length = 0;
    await b.coordination.signal();
    await waitFor(() => a.events.includes('changed') && b.events.includes('changed'), 5_000);
  });

  it('on one node alone, holds every group and lists itself', async () => {
    const single = singleNodeCoordination('box:8080', () => Date.parse('2026-12-01T01:00:00Z'));
    await single.start(['sales', 'default', 'sales'], { acquired: async () => {}, lost: () => {}, campaignsChanged: () => {} });
    expect(single.holds('anything')).toBe(true);
    expect(await single.nodes()).toEqual([{ id: 'box:8080', dialing: true, groups: ['default', 'sales'], lastSeenAt: Date.parse('2026-12-01T01:00:00Z') }]);
  });
});
