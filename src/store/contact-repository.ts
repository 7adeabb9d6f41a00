/** Contact rows: what is due, postponements, final states reached without a call. */
import type { Kysely } from 'kysely';
import type { ContactStore } from '../ports/store.ts';
import { campaignOpenForWrites } from './campaign-guard.ts';
import type { SqlDialectName } from './connect.ts';
import { insertCallback } from './outbox-writes.ts';
import { contactFromRow } from './rows.ts';
import type { Database } from './schema.ts';

/** Contact ids per UPDATE … IN (…) when many are made final at once. */
const FINALIZE_CHUNK = 500;

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

    async listContactsAfter(campaignId, afterContactId, limit) {
      // Along the primary key (campaign_id, contact_id): no sort, no rows skipped over.
      let q = db.selectFrom('contacts').selectAll().where('campaign_id', '=', campaignId).orderBy('contact_id').limit(limit);
      if (afterContactId !== null) q = q.where('contact_id', '>', afterContactId);
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

    async finalizeManyWithoutCall(campaignId, outcome, contacts, at) {
      if (contacts.length === 0) return [];
      // One transaction (one commit, one flush to disk) for a whole page of screened contacts.
      return db.transaction().execute(async (trx) => {
        if (!(await campaignOpenForWrites(trx, dialect, campaignId))) return [];
        const made = new Set<number>();
        for (let start = 0; start < contacts.length; start += FINALIZE_CHUNK) {
          const chunk = contacts.slice(start, start + FINALIZE_CHUNK);
          // Grouped by status so each UPDATE sets one value (every DNC callback says DNC).
          for (const status of new Set(chunk.map((c) => c.callback.status))) {
            const ids = chunk.filter((c) => c.callback.status === status).map((c) => c.contactId);
            const rows = await trx
              .updateTable('contacts')
              .set({ state: 'final', outcome, last_status: status, next_attempt_at: null, wait_reason: null })
              .where('campaign_id', '=', campaignId)
              .where('contact_id', 'in', ids)
              .where('state', '=', 'pending')
              .returning('contact_id')
              .execute();
            for (const r of rows) made.add(Number(r.contact_id));
          }
          // The same rows insertCallback writes, in one statement per chunk.
          const callbacks = chunk.filter((c) => made.has(c.contactId));
          if (callbacks.length > 0) {
            await trx
              .insertInto('outbox')
              .values(
                callbacks.map((c) => ({
                  campaign_id: campaignId,
                  kind: 'update',
                  idempotency_key: c.callback.callid,
                  payload: JSON.stringify(c.callback),
                  created_at: at,
                  next_attempt_at: at,
                  attempts: 0,
                  state: 'pending',
                  last_error: null,
                  delivered_at: null,
                })),
              )
              .execute();
          }
        }
        return contacts.filter((c) => made.has(c.contactId)).map((c) => c.contactId);
      });
    },
  };
}
