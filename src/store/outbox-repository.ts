/**
 * The callback outbox. A claim leases rows by pushing `next_attempt_at` past the lease, so a
 * worker that dies mid-delivery leaves its rows due again once the lease runs out.
 */
import { sql, type Kysely } from 'kysely';
import type { CallbackRecord, OutboxStore } from '../ports/store.ts';
import type { SqlDialectName } from './connect.ts';
import { callbackFromRow } from './rows.ts';
import type { Database } from './schema.ts';

export function outboxRepository(db: Kysely<Database>, dialect: SqlDialectName): OutboxStore {
  return {
    async claimDueCallbacks(now, limit, leaseMs) {
      return db.transaction().execute(async (trx) => {
        let q = trx
          .selectFrom('outbox as o')
          .selectAll()
          .where('o.state', '=', 'pending')
          .where('o.next_attempt_at', '<=', now)
          .where((eb) =>
            eb.or([
              eb('o.kind', '=', 'update'),
              eb.not(
                eb.exists(
                  eb
                    .selectFrom('outbox as u')
                    .select(sql`1`.as('one'))
                    .whereRef('u.campaign_id', '=', 'o.campaign_id')
                    .where('u.kind', '=', 'update')
                    .where('u.state', '=', 'pending'),
                ),
              ),
            ]),
          )
          .orderBy('o.id')
          .limit(limit);
        // Several nodes may share one PostgreSQL: each claims rows the others have not locked.
        if (dialect === 'postgres') q = q.forUpdate().skipLocked();
        const rows = await q.execute();
        if (rows.length === 0) return [];
        const ids = rows.map((r) => r.id);
        await trx.updateTable('outbox').set({ next_attempt_at: now + leaseMs }).where('id', 'in', ids).execute();
        return rows.map(callbackFromRow);
      });
    },

    async markDelivered(ids, at) {
      if (ids.length === 0) return;
      await db
        .updateTable('outbox')
        .set({ state: 'delivered', delivered_at: at, attempts: sql`attempts + 1`, last_error: null })
        .where('id', 'in', [...ids])
        .execute();
    },

    async markFailed(id, error, nextAttemptAt, dead) {
      await db
        .updateTable('outbox')
        .set({ state: dead ? 'dead' : 'pending', last_error: error.slice(0, 500), next_attempt_at: nextAttemptAt, attempts: sql`attempts + 1` })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .execute();
    },

    async releaseCallbacks(ids, at) {
      if (ids.length === 0) return;
      await db
        .updateTable('outbox')
        .set({ next_attempt_at: at })
        .where('id', 'in', [...ids])
        .where('state', '=', 'pending')
        .where('next_attempt_at', '>', at)
        .execute();
    },

    async pruneDeliveredCallbacks(before, limit) {
      // In id order along the (state, id) index: delivered rows are old first, so the scan stops early.
      const old = db.selectFrom('outbox').select('id').where('state', '=', 'delivered').where('delivered_at', '<', before).orderBy('id').limit(limit);
      const r = await db.deleteFrom('outbox').where('id', 'in', old).executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    async listCallbacks({ state, campaignId, limit, offset = 0 }): Promise<CallbackRecord[]> {
      let q = db.selectFrom('outbox').selectAll().orderBy('id').limit(limit).offset(offset);
      if (state) q = q.where('state', '=', state);
      if (campaignId !== undefined) q = q.where('campaign_id', '=', campaignId);
      return (await q.execute()).map(callbackFromRow);
    },

    async getCallback(id) {
      const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? callbackFromRow(row) : undefined;
    },

    async replayCallback(id, now) {
      const r = await db
        .updateTable('outbox')
        .set({ state: 'pending', next_attempt_at: now, created_at: now })
        .where('id', '=', id)
        .where('state', '=', 'dead')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async outboxStats() {
      const rows = await db
        .selectFrom('outbox')
        .select(['state', sql<number>`count(*)`.as('n'), sql<number | null>`min(created_at)`.as('oldest')])
        .groupBy('state')
        .execute();
      const stats = { pending: 0, dead: 0, delivered: 0, oldestPendingAt: null as number | null };
      for (const r of rows) {
        if (r.state === 'pending') {
          stats.pending = Number(r.n);
          stats.oldestPendingAt = r.oldest === null ? null : Number(r.oldest);
        } else if (r.state === 'dead') stats.dead = Number(r.n);
        else if (r.state === 'delivered') stats.delivered = Number(r.n);
      }
      return stats;
    },

    async nextCallbackDueAt() {
      const row = await db
        .selectFrom('outbox')
        .select((eb) => eb.fn.min('next_attempt_at').as('due'))
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return row?.due === null || row?.due === undefined ? null : Number(row.due);
    },
  };
}
