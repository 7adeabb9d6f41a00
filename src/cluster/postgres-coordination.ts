/**
 * Coordination over the shared PostgreSQL database (the port: src/ports/coordination.ts).
 *
 * Every quarter of the lease a node sends ONE statement that writes its heartbeat
 * (`cluster_nodes.last_seen = now()`, with the address other nodes reach it at) and renews every lease it holds, then, if it misses
 * groups, tries to take those that are free (src/cluster/lease-statements.ts):
 *
 *   free or run out (expires_at <= now())   → taken, token + 1
 *   held by this node id under another run  → taken at once, token + 1 (the node restarted)
 *   held by this run                        → renewed: expires_at = now() + lease
 *
 * These statements run on two connections of the cluster's own (src/cluster/cluster-connection.ts),
 * never behind the store's pool, and a renewal never waits for the store's fenced writes (they
 * lock the lease row `FOR KEY SHARE`, which an UPDATE of the expiry does not conflict with).
 *
 * Only the database's clock decides when a lease runs out. This node also keeps its own
 * bound, measured from before each renewal was sent: 80 % of the lease. A renewal without an
 * answer after a third of the lease counts as failed and is sent again at once on the other
 * connection, as long as that bound has not passed; the first one's answer still counts if it
 * comes later. Meanwhile the node keeps dialing: a failed renewal is a warning, not a loss. Past
 * the bound without a renewal the group is given up here at once (`lost`), before the database
 * could let another node take it, and its row is run out (`release`): a renewal sent before
 * the give-up may still land after it, and would leave the group to wait a whole term for a
 * node that no longer dials it. A fenced write (`fence`) checks the lease row in the write's
 * own transaction; a takeover locks the row `FOR UPDATE` first, so it waits for those writes to
 * commit and no write of a stale holder can land after a takeover. `stop` expires this run's
 * leases so another node takes them at once.
 *
 * With `oneDialingNode` (the service sets it on Asterisk) a node holding no group takes free
 * groups only while no other node holds an unexpired lease, decided in the takeover's own
 * transaction behind a lock every such takeover waits for, so two spares racing for a dead
 * node's groups cannot split them.
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
import { clusterConnection, within, type Sent, type Statement } from './cluster-connection.ts';
import { GIVE_BACK, HEARTBEAT_AND_RENEW, LOCK_TAKEABLE, ONE_DIALER_MAY_TAKE, ONE_DIALER_TURN, RELEASE, TAKE } from './lease-statements.ts';

export const CAMPAIGNS_CHANNEL = 'ccs_campaigns';
/** Share of the lease this node trusts itself to hold without a renewal. */
const LOCAL_SHARE = 0.8;
/** Renewals per lease term. */
const RENEWALS_PER_TERM = 4;
/** Share of the lease a renewal may take before it counts as failed and is sent again. */
const RENEWAL_PATIENCE = 1 / 3;
/** Renewals sent in one tick at most (the first and its retries). */
const RENEWAL_TRIES = 3;
const POLL_LISTENING_MS = 10_000;
const POLL_NOT_LISTENING_MS = 1_000;

export interface PostgresCoordinationOptions {
  db: Kysely<Database>;
  /** For the LISTEN connection (a connection of its own, outside the pool). */
  databaseUrl: string;
  nodeId: string;
  /** Where the other nodes reach this one, sent with every heartbeat (known once the node listens). */
  nodeUrl?(): string | null;
  leaseSeconds: number;
  /** The agent group of a campaign of this type (its profile's). */
  groupOfType(typeId: number | null): string;
  /**
   * Every group is dialled by one node (Asterisk: one Stasis application for all nodes). A node
   * holding no group then takes free groups only while no other node holds an unexpired lease;
   * one holding groups takes the free ones as always.
   */
  oneDialingNode?: boolean;
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

  const patienceMs = Math.max(200, leaseMs * RENEWAL_PATIENCE);
  const bounds = { patienceMs, abandonMs: leaseMs };
  const own = clusterConnection(options.databaseUrl, patienceMs, log);
  const errorText = (error: unknown) => String((error as Error)?.message ?? error);
  const one = (text: string, values: unknown[]): Statement[] => [{ text, values: () => values }];

  /**
   * Runs out, in the database, a lease this node has given up on its own (its bound passed) and
   * may still hold there. It is not taken back here instead: the engine has dropped the group,
   * and holding a group again must start as every holding does, through a takeover (token + 1,
   * after the lease row is locked `FOR UPDATE` behind every fenced write still open), so that
   * writes checked under the old token are ordered before the next holder, this node or
   * another, reads the group's open attempts. Sent at the give-up (a renewal whose answer never
   * comes may have landed) and again on every late answer that shows the old token: a renewal
   * held up behind a lock can land after a release and renew from its own start time.
   */
  function release(group: string, token: number): void {
    if (stopped) return; // `stop` gives every lease back
    own
      .send<{ grp: string }>(one(RELEASE, [group, instance, token]), bounds)
      .answer.then(
        (rows) => {
          if (rows.length > 0) log.info({ group, token }, 'lease given up here run out in the database: the group is free for any node');
        },
        (error: unknown) => log.warn({ group, err: errorText(error) }, 'lease given up here not run out in the database; it runs out by itself'),
      );
  }

  /** A renewal's answer, whenever it comes: each lease renewed counts from `sentAt`; one refused is given up at once. */
  function renewed(mine: [string, Held][], rows: { grp: string; token: string }[], sentAt: number): void {
    const tokens = new Map(rows.map((r) => [r.grp, Number(r.token)]));
    for (const [group, held] of mine) {
      if (leases.get(group) !== held) {
        // Given up here while this renewal was under way, which renewed it all the same.
        if (tokens.get(group) === held.token) release(group, held.token);
        continue;
      }
      if (tokens.get(group) === held.token) held.validUntil = Math.max(held.validUntil, sentAt + leaseMs * LOCAL_SHARE);
      else lose(group, 'renewal refused: the lease ran out or another node holds it');
    }
  }

  /**
   * The heartbeat and every held lease's renewal, one statement; sent again at once while it
   * fails, as long as the leases it renews are still this node's by its own bound.
   */
  async function heartbeatAndRenew(): Promise<void> {
    const mine = [...leases.entries()];
    for (let tries = 1; tries <= RENEWAL_TRIES && !stopped; tries++) {
      const sentAt = performance.now();
      const left = mine.length === 0 ? patienceMs : Math.min(...mine.map(([, held]) => held.validUntil)) - sentAt;
      if (left <= 0) return;
      const sent: Sent<{ grp: string; token: string }> = own.send(one(HEARTBEAT_AND_RENEW, [nodeId, instance, leaseSeconds, mine.map(([group]) => group), options.nodeUrl?.() ?? null]), bounds);
      // A late answer still renews from when it was sent.
      sent.answer.then((rows) => renewed(mine, rows, sentAt)).catch(() => {});
      const outcome = await within(sent.answer, Math.min(patienceMs, left), 'lease renewal');
      if (outcome.ok) return;
      log.warn({ err: errorText(outcome.error), try: tries, groups: mine.length }, 'heartbeat and lease renewal failed; the leases still hold, sending it again');
    }
  }

  /**
   * The groups not held here that are free or have run out, taken in one transaction (sorted: one
   * lock order for every node). With one dialing node, behind its turn and its guard
   * (src/cluster/lease-statements.ts): refused, it wants no group.
   */
  async function acquireFree(): Promise<void> {
    let wanted = groups.filter((g) => !leases.has(g));
    if (wanted.length === 0) return;
    const sentAt = performance.now();
    const guard: Statement[] = options.oneDialingNode
      ? [
          { text: ONE_DIALER_TURN, values: () => [] },
          { text: ONE_DIALER_MAY_TAKE, values: () => [nodeId, instance] },
        ]
      : [];
    const sent: Sent<{ grp: string; token: string }> = own.send(
      [
        ...guard,
        {
          text: LOCK_TAKEABLE,
          values: (guarded) => {
            if (options.oneDialingNode && guarded[0]?.may_take !== true) wanted = [];
            return [nodeId, instance, wanted];
          },
        },
        { text: TAKE, values: (locked) => [nodeId, instance, leaseSeconds, wanted, locked.map((r) => r.grp as string)] },
      ],
      bounds,
    );
    const outcome = await sent.within;
    if (!outcome.ok) throw outcome.error;
    for (const r of outcome.value.sort((a, b) => a.grp.localeCompare(b.grp))) if (!stopped && !leases.has(r.grp)) gained(r.grp, Number(r.token), sentAt);
  }

  async function round(): Promise<void> {
    await heartbeatAndRenew().catch((error: unknown) => log.warn({ err: errorText(error) }, 'cluster heartbeat and lease renewal failed'));
    if (!stopped) await acquireFree().catch((error: unknown) => log.warn({ err: errorText(error) }, 'cluster lease acquisition failed'));
  }

  function tick(): void {
    if (stopped || ticking) return;
    ticking = round().finally(() => (ticking = null));
  }

  function checkLocalBounds(): void {
    const now = performance.now();
    for (const [group, held] of leases) {
      if (now <= held.validUntil) continue;
      lose(group, 'not renewed in time');
      release(group, held.token);
    }
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
      if (error && !stopped) log.warn({ err: errorText(error) }, 'cluster notification connection lost; looking every second until it is back');
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
      tickTimer = setInterval(tick, Math.max(200, Math.floor(leaseMs / RENEWALS_PER_TERM)));
      // Checked after the I/O already waiting is read: a renewal answered in time counts first.
      watchdog = setInterval(() => setImmediate(checkLocalBounds), Math.max(50, Math.min(250, Math.floor(leaseMs / 20))));
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
      const outcome = await own.send(one('select pg_notify($1, $2)', [CAMPAIGNS_CHANNEL, '']), bounds).within;
      // The holder's poll picks the change up.
      if (!outcome.ok) log.warn({ err: errorText(outcome.error) }, 'cluster notification not sent');
    },

    async nodes(): Promise<ClusterNode[]> {
      const r = await sql<{ id: string; seen: number; url: string | null; groups: string[] | null }>`
        select n.id, floor(extract(epoch from n.last_seen) * 1000) as seen, n.url,
          array_remove(array_agg(l.grp order by l.grp), null) as groups
        from cluster_nodes n
        left join dial_leases l on l.holder = n.id and l.instance = n.instance and l.expires_at > now()
        where n.last_seen > now() - ${interval}
        group by n.id, n.last_seen, n.url
        order by n.id`.execute(db);
      return r.rows.map((row) => {
        const held = row.groups ?? [];
        return { id: row.id, dialing: held.length > 0, groups: held, lastSeenAt: Number(row.seen), url: row.url };
      });
    },

    async fence(trx, campaignId) {
      const group = await groupOf(trx, campaignId);
      let held = leases.get(group);
      // Past the bound, a renewal's answer may be waiting to be read: read it first.
      if (held && performance.now() > held.validUntil) {
        await new Promise((resolve) => setImmediate(resolve));
        held = leases.get(group);
      }
      if (!held || performance.now() > held.validUntil) throw new LeaseLostError(group);
      // KEY SHARE: a renewal does not wait for this write, a takeover (FOR UPDATE) does (src/cluster/lease-statements.ts).
      const r = await sql`select 1 from dial_leases where grp = ${group} and holder = ${nodeId} and token = ${held.token} and expires_at > now() for key share`.execute(trx);
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
      const outcome = await own.send(one(GIVE_BACK, [nodeId, instance]), { patienceMs, abandonMs: patienceMs }).within;
      if (!outcome.ok) log.warn({ err: errorText(outcome.error) }, 'leases not given back at stop; they run out by themselves');
      leases.clear();
      await own.end();
    },
  };
}
