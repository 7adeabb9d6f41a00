/** Campaign rows: creation with contacts, lifecycle transitions, counts. */
import { sql, type Kysely } from 'kysely';
import type { CampaignCounts, CampaignState, FinishStatus } from '../domain/campaign.ts';
import type { ContactRequest } from '../domain/campaign-request.ts';
import type { FinishCampaignPayload } from '../domain/callbacks.ts';
import { finishIdempotencyKey } from '../domain/callbacks.ts';
import type { ReportedStatus } from '../domain/disposition.ts';
import type { CampaignStore, CreateCampaignResult, NewCampaign } from '../ports/store.ts';
import type { SqlDialectName } from './connect.ts';
import { insertCallback } from './outbox-writes.ts';
import { campaignFromRow, toJson } from './rows.ts';
import type { ContactsTable, Database } from './schema.ts';

/** Rows per multi-row INSERT: 13 columns × 2,000 stays under SQLite's 32,766 bound parameters. */
const CONTACT_CHUNK = 2000;

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export function campaignRepository(db: Kysely<Database>, _dialect: SqlDialectName): CampaignStore {
  const existingHash = async (id: number) =>
    (await db.selectFrom('campaigns').select('content_hash').where('id', '=', id).executeTakeFirst())?.content_hash;

  return {
    async createCampaign(campaign: NewCampaign, contacts: readonly ContactRequest[]): Promise<CreateCampaignResult> {
      const known = await existingHash(campaign.id);
      if (known !== undefined) return { outcome: 'exists', contentHash: known };
      try {
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('campaigns')
            .values({
              id: campaign.id,
              type_id: campaign.typeId,
              starts_at: campaign.startsAt,
              ends_at: campaign.endsAt,
              state: 'scheduled',
              finish_status: null,
              received_at: campaign.receivedAt,
              started_at: null,
              stopped_at: null,
              finished_at: null,
              contact_total: contacts.length,
              content_hash: campaign.contentHash,
              extra: toJson(campaign.extra),
            })
            .execute();
          for (let start = 0; start < contacts.length; start += CONTACT_CHUNK) {
            const rows: ContactsTable[] = [];
            const end = Math.min(contacts.length, start + CONTACT_CHUNK);
            for (let i = start; i < end; i++) {
              const c = contacts[i]!;
              rows.push({
                campaign_id: campaign.id,
                contact_id: c.contactId,
                seq: i,
                phone_number: c.phoneNumber,
                dial_number: c.dialNumber,
                link_edit: c.linkEdit,
                state: 'pending',
                outcome: null,
                attempts: 0,
                next_attempt_at: campaign.startsAt,
                last_status: null,
                wait_reason: null,
                extra: toJson(c.extra),
              });
            }
            await trx.insertInto('contacts').values(rows).execute();
          }
        });
      } catch (error) {
        // A concurrent request stored the same id first.
        if (isUniqueViolation(error)) {
          const hash = await existingHash(campaign.id);
          if (hash !== undefined) return { outcome: 'exists', contentHash: hash };
        }
        throw error;
      }
      return { outcome: 'created' };
    },

    async getCampaign(id) {
      const row = await db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? campaignFromRow(row) : undefined;
    },

    async listCampaigns({ states, limit, offset = 0 }) {
      let q = db.selectFrom('campaigns').selectAll().orderBy('received_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset);
      if (states && states.length > 0) q = q.where('state', 'in', states as CampaignState[]);
      return (await q.execute()).map(campaignFromRow);
    },

    async countCampaign(id): Promise<CampaignCounts> {
      const contactRows = await db
        .selectFrom('contacts')
        .select(['state', 'outcome', sql<number>`count(*)`.as('n')])
        .where('campaign_id', '=', id)
        .groupBy(['state', 'outcome'])
        .execute();
      const attemptRows = await db
        .selectFrom('attempts')
        .select(['status', sql<number>`count(*)`.as('n')])
        .where('campaign_id', '=', id)
        .groupBy('status')
        .execute();
      const counts: CampaignCounts = {
        contactTotal: 0,
        contactsFinal: 0,
        contactsPending: 0,
        contactsDialing: 0,
        contactsAnswered: 0,
        contactsDnc: 0,
        attempts: 0,
        attemptsByStatus: {},
      };
      for (const r of contactRows) {
        const n = Number(r.n);
        counts.contactTotal += n;
        if (r.state === 'final') counts.contactsFinal += n;
        if (r.state === 'pending') counts.contactsPending += n;
        if (r.state === 'dialing') counts.contactsDialing += n;
        if (r.outcome === 'answered') counts.contactsAnswered += n;
        if (r.outcome === 'dnc') counts.contactsDnc += n;
      }
      for (const r of attemptRows) {
        const n = Number(r.n);
        counts.attempts += n;
        if (r.status) counts.attemptsByStatus[r.status as ReportedStatus] = n;
      }
      return counts;
    },

    async startCampaign(id, at) {
      const r = await db
        .updateTable('campaigns')
        .set({ state: 'running', started_at: at })
        .where('id', '=', id)
        .where('state', '=', 'scheduled')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async stopCampaign(id, status: FinishStatus, at) {
      const r = await db
        .updateTable('campaigns')
        .set({ state: 'stopping', finish_status: status, stopped_at: at })
        .where('id', '=', id)
        .where('state', 'in', ['scheduled', 'running'])
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async finishCampaign(id, status: FinishStatus, at, callback: FinishCampaignPayload) {
      return db.transaction().execute(async (trx) => {
        const r = await trx
          .updateTable('campaigns')
          .set({ state: 'finished', finish_status: status, finished_at: at })
          .where('id', '=', id)
          .where('state', '!=', 'finished')
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) return false;
        await insertCallback(trx, { campaignId: id, kind: 'finish', idempotencyKey: finishIdempotencyKey(id), payload: callback, at });
        return true;
      });
    },
  };
}
