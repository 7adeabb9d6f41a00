/** Campaign rows: creation with contacts, lifecycle transitions, counts. */
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import type { CampaignCounts, CampaignState, FinishStatus } from '../domain/campaign.ts';
import type { ContactRequest } from '../domain/campaign-request.ts';
import type { FinishCampaignPayload } from '../domain/callbacks.ts';
import { finishIdempotencyKey } from '../domain/callbacks.ts';
import type { ReportedStatus } from '../domain/disposition.ts';
import type { CampaignStore, CreateCampaignResult, FinishResult, NewCampaign } from '../ports/store.ts';
import type { SqlDialectName } from './connect.ts';
import { insertCallback } from './outbox-writes.ts';
import { copyRows } from './postgres-copy.ts';
import { campaignFromRow, toJson } from './rows.ts';
import type { CampaignsTable, ContactsTable, Database } from './schema.ts';
import type { SqliteHandle } from './sqlite-driver.ts';
import type { FenceHolder } from './lease-fence.ts';
import { setImmediate as nextTurn } from 'node:timers/promises';


/** Rows per multi-row INSERT: measured fastest on SQLite (statement preparation grows with size), and 13 × 1,000 parameters fit both dialects. */
const CONTACT_CHUNK = 1000;

/** Every column of a contact row, in the order the bulk loaders write them. */
const CONTACT_COLUMNS = [
  'campaign_id', 'contact_id', 'seq', 'phone_number', 'dial_number', 'link_edit', 'state', 'outcome', 'attempts', 'next_attempt_at', 'last_status', 'wait_reason', 'extra',
] as const satisfies readonly (keyof ContactsTable)[];

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * SQLite rows inserted between two turns of the event loop (a few milliseconds): storing a
 * 200,000-contact campaign no longer stalls every request and timer for seconds. The
 * transaction stays open across the turns; other queries meanwhile wait for it, because
 * Kysely lends the one better-sqlite3 connection to one transaction or query at a time, so
 * nothing else runs inside it.
 */
const SQLITE_ROWS_PER_TURN = 2000;

/**
 * Inserts contact rows (row `i` built by `rowAt(i)`, so 200,000 row objects never exist at
 * once) inside the caller's transaction. On SQLite one prepared statement is reused for
 * every row (the transaction's connection is this same handle): preparing large multi-row
 * statements costs more than the inserts themselves. Elsewhere, multi-row INSERTs.
 */
type ContactLoader = (trx: Kysely<Database>, count: number, rowAt: (i: number) => ContactsTable) => Promise<void>;

function contactLoader(sqlite: SqliteHandle | undefined): ContactLoader {
  if (!sqlite) {
    return async (trx, count, rowAt) => {
      for (let start = 0; start < count; start += CONTACT_CHUNK) {
        const rows = Array.from({ length: Math.min(CONTACT_CHUNK, count - start) }, (_, k) => rowAt(start + k));
        await trx.insertInto('contacts').values(rows).execute();
      }
    };
  }
  const insert = sqlite.prepare(`insert into contacts (${CONTACT_COLUMNS.join(', ')}) values (${CONTACT_COLUMNS.map(() => '?').join(', ')})`);
  return async (_trx, count, rowAt) => {
    for (let start = 0; start < count; start += SQLITE_ROWS_PER_TURN) {
      if (start > 0) await nextTurn();
      const end = Math.min(count, start + SQLITE_ROWS_PER_TURN);
      for (let i = start; i < end; i++) {
        const r = rowAt(i);
        insert.run(r.campaign_id, r.contact_id, r.seq, r.phone_number, r.dial_number, r.link_edit, r.state, r.outcome, r.attempts, r.next_attempt_at, r.last_status, r.wait_reason, r.extra);
      }
    }
  };
}

/** Stores a campaign row and its contacts in one transaction: all of it or nothing. */
type CampaignWriter = (campaign: CampaignsTable, count: number, rowAt: (i: number) => ContactsTable) => Promise<void>;

/**
 * The writer for this connection. On PostgreSQL the transaction runs on a connection taken
 * from the pool, so the contacts can go in with `COPY` (Kysely offers no way to it); the
 * campaign row is the same Kysely query, compiled. Elsewhere, a Kysely transaction.
 */
function campaignWriter(db: Kysely<Database>, sqlite: SqliteHandle | undefined, pgPool: pg.Pool | undefined): CampaignWriter {
  if (pgPool) {
    return async (campaign, count, rowAt) => {
      const insertCampaign = db.insertInto('campaigns').values(campaign).compile();
      const client = await pgPool.connect();
      // A connection whose ROLLBACK failed (lost, say) is discarded rather than reused.
      let broken: Error | undefined;
      try {
        await client.query('begin');
        await client.query(insertCampaign.sql, [...insertCampaign.parameters]);
        await copyRows(client, 'contacts', CONTACT_COLUMNS, count, (i) => {
          const r = rowAt(i);
          return CONTACT_COLUMNS.map((column) => r[column]);
        });
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    };
  }
  const loadContacts = contactLoader(sqlite);
  return (campaign, count, rowAt) =>
    db.transaction().execute(async (trx) => {
      await trx.insertInto('campaigns').values(campaign).execute();
      await loadContacts(trx, count, rowAt);
    });
}

export function campaignRepository(db: Kysely<Database>, dialect: SqlDialectName, bulk: { sqlite?: SqliteHandle; pgPool?: pg.Pool } = {}, fence: FenceHolder = {}): CampaignStore {
  const writeCampaign = campaignWriter(db, bulk.sqlite, bulk.pgPool);
  const existingHash = async (id: number) =>
    (await db.selectFrom('campaigns').select('content_hash').where('id', '=', id).executeTakeFirst())?.content_hash;

  return {
    async createCampaign(campaign: NewCampaign, contacts: readonly ContactRequest[]): Promise<CreateCampaignResult> {
      const known = await existingHash(campaign.id);
      if (known !== undefined) return { outcome: 'exists', contentHash: known };
      try {
        const row: CampaignsTable = {
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
        };
        await writeCampaign(row, contacts.length, (i) => {
          const c = contacts[i]!;
          return {
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
          };
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

    async finishCampaign(id, status: FinishStatus, at): Promise<FinishResult> {
      return db.transaction().execute(async (trx) => {
        // Locked on PostgreSQL so two finishes of one campaign queue up (SQLite runs one transaction at a time).
        let current = trx.selectFrom('campaigns').select(['state', 'contact_total']).where('id', '=', id);
        if (dialect === 'postgres') current = current.forUpdate();
        const row = await current.executeTakeFirst();
        if (!row || row.state === 'finished') return { outcome: 'already' };
        await fence.check?.(trx, id);
        // Every attempt's updateCampaign is written when the attempt ends: an open attempt is an
        // update still to come, and no update may follow the finish (decision 3.9).
        const count = async (q: Promise<{ n: number | string | bigint } | undefined>) => Number((await q)?.n ?? 0);
        const openAttempts = await count(
          trx.selectFrom('attempts').select(sql<number>`count(*)`.as('n')).where('campaign_id', '=', id).where('state', 'not in', ['ended', 'unplaced']).executeTakeFirst(),
        );
        const openContacts =
          status === 'completed'
            ? await count(trx.selectFrom('contacts').select(sql<number>`count(*)`.as('n')).where('campaign_id', '=', id).where('state', '!=', 'final').executeTakeFirst())
            : 0;
        if (openAttempts > 0 || openContacts > 0) return { outcome: 'open', openAttempts, openContacts };
        // Totals from what is stored (decision 3.6): contacts accepted, contacts with an ANSWERED attempt.
        const answered = await count(
          trx
            .selectFrom('attempts')
            .select(sql<number>`count(distinct contact_id)`.as('n'))
            .where('campaign_id', '=', id)
            .where('status', '=', 'ANSWERED')
            .executeTakeFirst(),
        );
        const callback: FinishCampaignPayload = { campaignid: id, status, contact_total: Number(row.contact_total), contact_success: answered };
        await trx.updateTable('campaigns').set({ state: 'finished', finish_status: status, finished_at: at }).where('id', '=', id).execute();
        await insertCallback(trx, { campaignId: id, kind: 'finish', idempotencyKey: finishIdempotencyKey(id), payload: callback, at });
        return { outcome: 'finished', callback };
      });
    },
  };
}
