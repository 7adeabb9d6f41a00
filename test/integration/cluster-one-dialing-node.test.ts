/**
 * One dialing node (Asterisk: the nodes share one Stasis application, whose events go to the
 * last connection): a node holding no group takes none while another node holds a live lease,
 * and two spares racing for the groups of a node gone never split them. Without the option a
 * spare takes every free group, as before.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { postgresCoordination, type PostgresCoordination } from '../../src/cluster/postgres-coordination.ts';
import type { CoordinationHandlers } from '../../src/ports/coordination.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { openSqlDatabase, type SqlDatabase } from '../../src/store/sql-store.ts';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

const LEASE_SECONDS = 4;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

const handlers: CoordinationHandlers = { acquired: async () => {}, lost: () => {}, campaignsChanged: () => {} };

interface Cluster {
  database: TestDatabase;
  db: SqlDatabase;
}

async function cluster(): Promise<Cluster> {
  const database = await createPostgresDatabase();
  cleanups.push(() => database.drop());
  const db = await openSqlDatabase(database.url, { logger: silentLogger });
  cleanups.push(() => db.store.close());
  return { database, db };
}

/** The database's URL through a TCP proxy the test can cut (closed after the test). */
async function cuttableUrl(c: Cluster) {
  const target = new URL(c.database.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  cleanups.push(() => proxy.close());
  const url = new URL(c.database.url);
  url.port = String(proxy.port);
  return { proxy, url: url.toString() };
}

/** A node's coordination, not started (stopped after the test). */
function node(c: Cluster, id: string, oneDialingNode: boolean, databaseUrl = c.database.url): PostgresCoordination {
  const coordination = postgresCoordination({
    db: c.db.db,
    databaseUrl,
    nodeId: id,
    leaseSeconds: LEASE_SECONDS,
    groupOfType: () => 'g1',
    oneDialingNode,
    logger: silentLogger,
  });
  cleanups.push(() => coordination.stop());
  return coordination;
}

/** The node ids holding an unexpired lease, by the database. */
async function liveHolders(c: Cluster): Promise<string[]> {
  const r = await sql<{ holder: string }>`select distinct holder from dial_leases where expires_at > now() order by holder`.execute(c.db.db);
  return r.rows.map((row) => row.holder);
}

describe('one dialing node on PostgreSQL', () => {
  it('keeps a group new to the table from a spare while another node dials; the dialing node, restarted with it, takes it', async () => {
    const c = await cluster();
    const { proxy, url } = await cuttableUrl(c);
    const a = node(c, 'node-a', true, url);
    await a.start(['g1', 'g2'], handlers);
    expect(a.held()).toEqual(['g1', 'g2']);

    // The new group reaches the spare first.
    const b = node(c, 'node-b', true);
    await b.start(['g1', 'g2', 'g3'], handlers);
    expect(b.held()).toEqual([]);
    // Its later rounds take nothing either while node-a's leases are live.
    await new Promise((resolve) => setTimeout(resolve, LEASE_SECONDS * 500));
    expect(b.held()).toEqual([]);
    expect(await liveHolders(c)).toEqual(['node-a']);

    // node-a restarts with the new group, its process gone without giving its leases back:
    // its own groups back at once, and the new one.
    proxy.cut();
    await a.stop();
    expect(await liveHolders(c)).toEqual(['node-a']);
    const restarted = node(c, 'node-a', true);
    await restarted.start(['g1', 'g2', 'g3'], handlers);
    expect(restarted.held()).toEqual(['g1', 'g2', 'g3']);
    expect(b.held()).toEqual([]);
    expect(await liveHolders(c)).toEqual(['node-a']);
  });

  it('gives every group of a node gone to one of two spares racing, and none to the other, every time', async () => {
    const c = await cluster();
    let holder = node(c, 'node-0', true);
    await holder.start(['g1', 'g2', 'g3'], handlers);
    for (let i = 1; i <= 5; i++) {
      // The holder goes; its leases run out at once, all together.
      await holder.stop();
      expect(await liveHolders(c)).toEqual([]);
      // The second spare also lists a group the table has never seen.
      const spares = [node(c, `node-${i}-x`, true), node(c, `node-${i}-y`, true)];
      await Promise.all([spares[0]!.start(['g1', 'g2', 'g3'], handlers), spares[1]!.start(['g1', 'g2', 'g3', `new-${i}`], handlers)]);
      const held = spares.map((s) => s.held());
      const winner = held[0]!.length > 0 ? 0 : 1;
      expect(held[1 - winner], `round ${i}: ${JSON.stringify(held)}`).toEqual([]);
      expect(held[winner], `round ${i}`).toEqual(winner === 0 ? ['g1', 'g2', 'g3'] : ['g1', 'g2', 'g3', `new-${i}`]);
      expect(await liveHolders(c)).toEqual([`node-${i}-${winner === 0 ? 'x' : 'y'}`]);
      await spares[1 - winner]!.stop();
      holder = spares[winner]!;
    }
  });

  it('without the option, a spare takes every free group while another node dials (the behaviour of before)', async () => {
    const c = await cluster();
    const a = node(c, 'node-a', false);
    await a.start(['g1', 'g2'], handlers);
    const b = node(c, 'node-b', false);
    await b.start(['g1', 'g2', 'g3'], handlers);
    expect(a.held()).toEqual(['g1', 'g2']);
    expect(b.held()).toEqual(['g3']);
    expect(await liveHolders(c)).toEqual(['node-a', 'node-b']);
  });
});
