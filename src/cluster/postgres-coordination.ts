/**
 * Coordination over the shared PostgreSQL database (the port: src/ports/coordination.ts).
 *
 * Every `leaseSeconds / 3` a node writes its heartbeat (`cluster_nodes.last_seen = now()`),
 * renews the leases it holds and tries to take those that are free, one statement each, on
 * two connections of its own (a busy engine pool never delays a renewal):
 *
 *   free or run out (expires_at <= now())   → taken, token + 1
 *   held by this node id under another run  → taken at once, token + 1 (the node restarted)
 *   held by this run                        → renewed: expires_at = now() + lease
 *
 * Only the database's clock decides when a lease runs out. This node also keeps its own
 * bound, measured from before each renewal was sent: 80 % of the lease. Past it without a
 * renewal the group is given up here at once (`lost`), before the database could let another
 * node take it. A fenced write (`fence`) checks the lease row with `FOR SHARE` in the write's
 * own transaction, so a takeover waits for it to commit and no write of a stale holder can
 * land after a takeover. `stop` expires this run's leases so another node takes them at once.
 *
 * Campaign changes are sent with NOTIFY on `ccs_campaigns`; each node LISTENs on a connection
 * of its own, and also looks again every second while that connection is down and every ten
 * seconds in any case.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { LeaseLostError, type ClusterNode, type Coordination, type CoordinationHandlers } from '../ports/coordination.ts';
import type { Logger } from '../ports/logger.ts';
import { postgresConnectionConfig } from '../store/postgres-hosts.ts';
import type { Database } from '../store/schema.ts';

export const CAMPAIGNS_CHANNEL = 'ccs_campaigns';
/** Share of the lease this node trusts itself to hold without a renewal. */
const LOCAL_SHARE = 0.8;
const POLL_LISTENING_MS = 10_000;
const POLL_NOT_LISTENING_MS = 1_000;

export interface PostgresCoordinationOptions {
  db: Kysely<Database>;
  /** For the LISTEN connection (a connection of its own, outside the pool). */
  databaseUrl: string;
  nodeId: string;
  leaseSeconds: number;
  /** The agent group of a campaign of this type (its profile's). */
  groupOfType(typeId: number | null): string;
  logger: Logger;
}

export interface PostgresCoordination extends Coordination {
  /** The check of a write only the dialing node may make (src/store/lease-fence.ts). */
  fence(trx: Kysely<Database>, campaignId: number): Promise<void>;
}

interface Held {
  token: number;
  /** performance.now() past which this node no longer counts on the lease. */
  validUntil: number;
}

export function postgresCoordination(options: PostgresCoordinationOptions): PostgresCoordination {
  const { db, nodeId, leaseSeconds, logger } = options;
  const leaseMs = leaseSeconds * 1000;
  const instance = randomUUID();
  const log = logger.child({ nodeId });
  const leases = new Map<string, Held>();
  const campaignGroups = new Map<number, string>();
  let groups: string[] = [];
  let handlers: CoordinationHandlers | null = null;
  let stopped = false;
  let ticking: Promise<void> | null = null;
  let tickTimer: NodeJS.Timeout | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let listener: pg.Client | null = null;
  let listening = false;
  let lastPoll = 0;
  /** Acquisitions are handed to the engine one at a time, in order. */
  let handing: Promise<void> = Promise.resolve();

  const interval = sql`make_interval(secs => ${leaseSeconds})`;

  function lose(group: string, why: string): void {
    if (!leases.delete(group)) return;
    log.warn({ group, why }, 'lease of agent group lost: no more dialing for it on this node');
    handlers?.lost(group);
  }

  function gained(group: string, token: number, sentAt: number): void {
    leases.set(group, { token, validUntil: sentAt + leaseMs * LOCAL_SHARE });
    log.info({ group, token }, 'lease of agent group acquired: this node dials it');
    const h = handlers;
    if (h) handing = handing.then(() => h.acquired(group)).catch((error) => log.error({ group, err: String((error as Error)?.stack ?? error) }, 'taking up an agent group failed'));
  }

  /** The coordination's own connections: a busy engine pool never holds up a renewal. Queries bounded to half a lease. */
  const own = new pg.Pool({ ...postgresConnectionConfig(options.databaseUrl), max: 2, keepAlive: true, connectionTimeoutMillis: Math.max(1000, leaseMs / 2), query_timeout: Math.max(1000, leaseMs / 2) });
  own.on('error', (error) => log.debug({ err: error.message }, 'cluster connection lost (idle)'));
  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> => (await own.query<R>(text, values)).rows;

  async function heartbeat(): Promise<void> {
    await query(
      `insert into cluster_nodes (id, instance, started_at, last_seen) values ($1, $2, now(), now())
       on conflict (id) do update set instance = excluded.instance, last_seen = now(),
         started_at = case when cluster_nodes.instance = excluded.instance then cluster_nodes.started_at else now() end`,
      [nodeId, instance],
    );
  }

  /** Every lease this node holds, renewed in one statement; one not renewed is given up at once. */
  async function renewAll(): Promise<void> {
    const mine = [...leases.entries()];
    if (mine.length === 0) return;
    const sentAt = performance.now();
    const rows = await query<{ grp: string; token: string }>(
      `update dial_leases set expires_at = now() + make_interval(secs => $1)
       where instance = $2 and grp = any($3::text[]) and expires_at > now() returning grp, token`,
      [leaseSeconds, instance, mine.map(([group]) => group)],
    );
    const renewed = new Map(rows.map((r) => [r.grp, Number(r.token)]));
    for (const [group, held] of mine) {
      if (leases.get(group) !== held) continue;
      if (renewed.get(group) === held.token) held.validUntil = sentAt + leaseMs * LOCAL_SHARE;
      else lose(group, 'renewal refused: the lease ran out or another node holds it');
    }
  }

  /** The groups not held here that are free or have run out, taken in one statement (sorted: one lock order for every node). */
  async function acquireFree(): Promise<void> {
    const wanted = groups.filter((g) => !leases.has(g));
    if (wanted.length === 0) return;
    const sentAt = performance.now();
    const rows = await query<{ grp: string; token: string }>(
      `insert into dial_leases (grp, holder, instance, token, acquired_at, expires_at)
       select g, $1, $2, 1, now(), now() + make_interval(secs => $3) from unnest($4::text[]) as g order by g
       on conflict (grp) do update set holder = excluded.holder, instance = excluded.instance, token = dial_leases.token + 1,
         acquired_at = now(), expires_at = excluded.expires_at
       where dial_leases.expires_at <= now() or (dial_leases.holder = excluded.holder and dial_leases.instance <> excluded.instance)
       returning grp, token`,
      [nodeId, instance, leaseSeconds, wanted],
    );
    for (const r of rows.sort((a, b) => a.grp.localeCompare(b.grp))) if (!stopped) gained(r.grp, Number(r.token), sentAt);
  }

  async function round(): Promise<void> {
    const attempt = async (what: string, work: () => Promise<void>) =>
      work().catch((error: unknown) => log.warn({ err: String((error as Error)?.message ?? error) }, `cluster ${what} failed`));
    await attempt('heartbeat', heartbeat);
    if (!stopped) await attempt('lease renewal', renewAll);
    if (!stopped) await attempt('lease acquisition', acquireFree);
  }

  function tick(): void {
    if (stopped || ticking) return;
    ticking = round().finally(() => (ticking = null));
  }

  function checkLocalBounds(): void {
    const now = performance.now();
    for (const [group, held] of leases) if (now > held.validUntil) lose(group, 'not renewed in time');
  }

  async function listen(): Promise<void> {
    if (listener || stopped) return;
    const { Client = pg.Client, ...target } = postgresConnectionConfig(options.databaseUrl);
    const client = new Client({ ...target, keepAlive: true, connectionTimeoutMillis: 5_000 });
    listener = client;
    const drop = (error?: unknown) => {
      if (listener !== client) return;
      listener = null;
      listening = false;
      if (error && !stopped) log.warn({ err: String((error as Error)?.message ?? error) }, 'cluster notification connection lost; looking every second until it is back');
      client.end().catch(() => {});
    };
    client.on('error', drop);
    client.on('end', () => drop());
    client.on('notification', (n) => {
      if (n.channel === CAMPAIGNS_CHANNEL) handlers?.campaignsChanged();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CAMPAIGNS_CHANNEL}`);
      if (listener === client) listening = true;
      // Changes sent while it was down are caught up now.
      handlers?.campaignsChanged();
    } catch (error) {
      drop(error);
    }
  }

  function poll(): void {
    if (stopped) return;
    const now = performance.now();
    if (!listening) void listen();
    if (now - lastPoll >= (listening ? POLL_LISTENING_MS : POLL_NOT_LISTENING_MS)) {
      lastPoll = now;
      handlers?.campaignsChanged();
    }
  }

  async function groupOf(trx: Kysely<Database>, campaignId: number): Promise<string> {
    const known = campaignGroups.get(campaignId);
    if (known !== undefined) return known;
    const row = await trx.selectFrom('campaigns').select('type_id').where('id', '=', campaignId).executeTakeFirst();
    const group = options.groupOfType(row?.type_id === null || row?.type_id === undefined ? null : Number(row.type_id));
    if (row) campaignGroups.set(campaignId, group);
    return group;
  }

  return {
    nodeId,
    clustered: true,

    async start(all, h) {
      groups = [...new Set(all)].sort();
      await round();
      handlers = h;
      const every = Math.max(200, Math.floor(leaseMs / 3));
      tickTimer = setInterval(tick, every);
      watchdog = setInterval(checkLocalBounds, Math.max(50, Math.min(250, Math.floor(leaseMs / 20))));
      pollTimer = setInterval(poll, 250);
      tickTimer.unref();
      watchdog.unref();
      pollTimer.unref();
      await listen();
    },

    holds(group) {
      const held = leases.get(group);
      return held !== undefined && performance.now() <= held.validUntil;
    },

    held: () => [...leases.keys()].sort(),

    async signal() {
      try {
        await query('select pg_notify($1, $2)', [CAMPAIGNS_CHANNEL, '']);
      } catch (error) {
        // The holder's poll picks the change up.
        log.warn({ err: String((error as Error)?.message ?? error) }, 'cluster notification not sent');
      }
    },

    async nodes(): Promise<ClusterNode[]> {
      const r = await sql<{ id: string; seen: number; groups: string[] | null }>`
        select n.id, floor(extract(epoch from n.last_seen) * 1000) as seen,
          array_remove(array_agg(l.grp order by l.grp), null) as groups
        from cluster_nodes n
        left join dial_leases l on l.holder = n.id and l.instance = n.instance and l.expires_at > now()
        where n.last_seen > now() - ${interval}
        group by n.id, n.last_seen
        order by n.id`.execute(db);
      return r.rows.map((row) => {
        const held = row.groups ?? [];
        return { id: row.id, dialing: held.length > 0, groups: held, lastSeenAt: Number(row.seen) };
      });
    },

    async fence(trx, campaignId) {
      const group = await groupOf(trx, campaignId);
      const held = leases.get(group);
      if (!held || performance.now() > held.validUntil) throw new LeaseLostError(group);
      const r = await sql`select 1 from dial_leases where grp = ${group} and holder = ${nodeId} and token = ${held.token} and expires_at > now() for share`.execute(trx);
      if (r.rows.length === 0) {
        lose(group, 'a fenced write found the lease gone');
        throw new LeaseLostError(group);
      }
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      handlers = null;
      clearInterval(tickTimer);
      clearInterval(watchdog);
      clearInterval(pollTimer);
      await ticking?.catch(() => {});
      const client = listener;
      listener = null;
      listening = false;
      await client?.end().catch(() => {});
      try {
        await query('update dial_leases set expires_at = now() where instance = $1 and expires_at > now()', [instance]);
        await query('delete from cluster_nodes where id = $1 and instance = $2', [nodeId, instance]);
      } catch (error) {
        log.warn({ err: String((error as Error)?.message ?? error) }, 'leases not given back at stop; they run out by themselves');
      }
      leases.clear();
      await own.end().catch(() => {});
    },
  };
}
