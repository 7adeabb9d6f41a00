/**
 * The SQL of the cluster's leases (src/cluster/postgres-coordination.ts), and how it locks.
 *
 * A fenced write takes `FOR KEY SHARE` on its group's lease row. That lock conflicts with
 * `FOR UPDATE` only, so:
 * - a renewal (an UPDATE of `expires_at`, no key changed) never waits for the store's writes.
 *   With `FOR SHARE` it did: under a write burst some fenced transaction always held each row,
 *   new share locks passed the waiting renewal, and every lease ran out together;
 * - a takeover first locks the rows it takes `FOR UPDATE`, so it waits until every write that
 *   checked the old token has committed, and any write that checks after it sees the new token.
 */

/** This node's heartbeat (with its address) and the renewal of every lease it holds, in one statement. $1 node id, $2 run, $3 lease seconds, $4 groups held, $5 address. */
export const HEARTBEAT_AND_RENEW = `
  with beat as (
    insert into cluster_nodes (id, instance, started_at, last_seen, url) values ($1, $2, now(), now(), $5)
    on conflict (id) do update set instance = excluded.instance, last_seen = now(), url = excluded.url,
      started_at = case when cluster_nodes.instance = excluded.instance then cluster_nodes.started_at else now() end
  )
  update dial_leases set expires_at = now() + make_interval(secs => $3)
  where instance = $2 and grp = any($4::text[]) and expires_at > now()
  returning grp, token`;

/** A lease that is free to take: run out, or held by this node id under an earlier run. */
const TAKEABLE = `(dial_leases.expires_at <= now() or (dial_leases.holder = $1 and dial_leases.instance <> $2))`;

/** Step 1 of a takeover, in its transaction: the existing rows to take, locked against every fenced write (sorted: one lock order for every node). $1 node id, $2 run, $3 groups wanted. */
export const LOCK_TAKEABLE = `
  select grp from dial_leases where grp = any($3::text[]) and ${TAKEABLE} order by grp for update`;

/** Step 2: rows new to the table are inserted, the locked ones taken with token + 1. $1 node id, $2 run, $3 lease seconds, $4 groups wanted, $5 groups locked. */
export const TAKE = `
  insert into dial_leases (grp, holder, instance, token, acquired_at, expires_at)
  select g, $1, $2, 1, now(), now() + make_interval(secs => $3) from unnest($4::text[]) as g order by g
  on conflict (grp) do update set holder = excluded.holder, instance = excluded.instance, token = dial_leases.token + 1,
    acquired_at = now(), expires_at = excluded.expires_at
  where dial_leases.grp = any($5::text[]) and ${TAKEABLE}
  returning grp, token`;

/**
 * With one dialing node (Asterisk: the node that dials holds the Stasis application's events,
 * and all groups on one Asterisk must be dialled by one node), a takeover starts with these two
 * statements, in its own transaction, before LOCK_TAKEABLE and TAKE.
 *
 * Step 0a: every such takeover waits its turn behind the one under way (a transaction-level
 * advisory lock, let go at its commit). The row locks alone would not order two spares racing
 * for the groups of a node that died: they meet only on rows both want that exist and have run
 * out, never on groups new to the table nor on groups one of them does not list, and under READ
 * COMMITTED a guard read before the other spare's commit would let both take. Behind the turn,
 * the next statement's snapshot (READ COMMITTED takes one per statement) sees every takeover
 * committed before it.
 */
export const ONE_DIALER_TURN = `select pg_advisory_xact_lock(hashtext('ccs_one_dialing_node'))`;

/**
 * Step 0b: whether this run may take free groups: it holds one already, or no other node holds
 * an unexpired lease (this node id's earlier run may: a restarted node takes its groups back at
 * once). A node's leases are all renewed by one statement, so they run out together, and the
 * spare that takes them first holds them live before the next spare looks. $1 node id, $2 run.
 */
export const ONE_DIALER_MAY_TAKE = `
  select exists (select 1 from dial_leases where instance = $2 and expires_at > now())
    or not exists (select 1 from dial_leases where holder <> $1 and expires_at > now()) as may_take`;

/**
 * A lease this run gave up on its own, run out now if the database still counts it as this
 * run's under that token (a renewal sent before the give-up landed after it); a newer holding,
 * even this run's own, has another token and is left alone. $1 group, $2 run, $3 token.
 */
export const RELEASE = `
  update dial_leases set expires_at = now()
  where grp = $1 and instance = $2 and token = $3 and expires_at > now()
  returning grp`;

/** At stop: this run's leases run out now, and the node leaves. $1 node id, $2 run. */
export const GIVE_BACK = `
  with gone as (delete from cluster_nodes where id = $1 and instance = $2)
  update dial_leases set expires_at = now() where instance = $2 and expires_at > now()`;

