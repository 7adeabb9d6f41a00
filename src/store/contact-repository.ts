/** Contact rows: what is due, postponements, final states reached without a call. */
import type { Kysely } from 'kysely';
import type { ContactStore } from '../ports/store.ts';
import { campaignOpenForWrites } from './campaign-guard.ts';
import type { SqlDialectName } from './connect.ts';
import { insertCallback } from './outbox-writes.ts';
import { contactFromRow } from './rows.ts';
import type { Database } from './schema.ts';

export function contactRepository(db: Kysely<Database>, dialect: SqlDialectName): ContactStore {
  return {
    async getContact(campaignId, contactId) {
      const row = await db
        .selectFrom('contacts')
        .selectAll()
        .where('campaign_id', '=', campaignId)
        .where('contact_id', '=', contactId)
        .executeTakeFirst();
      return row ? contactFromRow(row) : undefined;
    },

    async listContacts(campaignId, { state, limit, offset = 0 }) {
      let q = db.selectFrom('contacts').selectAll().where('campaign_id', '=', campaignId).orderBy('seq').limit(limit).offset(offset);
      if (state) q = q.where('state', '=', state);
      return (await q.execute()).map(contactFromRow);
    },

    async dueContacts(campaignId, now, limit) {
      const rows = await db
        .selectFrom('contacts')
        .selectAll()
        .where('campaign_id', '=', campaignId)
        .where('state', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map(contactFromRow);
    },

    async nextDueAt(campaignId) {
      const row = await db
        .selectFrom('contacts')
        .select((eb) => eb.fn.min('next_attempt_at').as('due'))
        .where('campaign_id', '=', campaignId)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return row?.due === null || row?.due === undefined ? null : Number(row.due);
    },

    async countOpenContacts(campaignId) {
      const row = await db
        .selectFrom('contacts')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('campaign_id', '=', campaignId)
        .where('state', '!=', 'final')
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async postponeContact(campaignId, contactId, until, reason) {
      await db
        .updateTable('contacts')
        .set({ next_attempt_at: until, wait_reason: reason })
        .where('campaign_id', '=', campaignId)
        .where('contact_id', '=', contactId)
        .where('state', '=', 'pending')
        .execute();
    },

    async finalizeWithoutCall(campaignId, contactId, outcome, callback, at) {
      return db.transaction().execute(async (trx) => {
        if (!(await campaignOpenForWrites(trx, dialect, campaignId))) return false;
        const r = await trx
          .updateTable('contacts')
          .set({ state: 'final', outcome, last_status: callback.status, next_attempt_at: null, wait_reason: null })
          .where('campaign_id', '=', campaignId)
          .where('contact_id', '=', contactId)
          .where('state', '=', 'pending')
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) return false;
        await insertCallback(trx, { campaignId, kind: 'update', idempotencyKey: callback.callid, payload: callback, at });
        return true;
      });
    },
  };
}
