/**
 * The recording catalog over Kysely (SQLite and PostgreSQL), sharing the store's connection:
 * search over recorded attempts, legal holds, deletion marks and the audit trail (migration
 * 008). A deletion mark and its audit row are one transaction, and the mark is refused when a
 * hold appeared since the retention job picked the recording.
 */
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type {
  ExpiredQuery,
  HoldScope,
  NewRecordingAudit,
  RecordingAuditAction,
  RecordingAuditEntry,
  RecordingCatalog,
  RecordingEntry,
  RecordingHold,
  RecordingSearch,
} from '../ports/recording-catalog.ts';
import type { AttemptsTable, Database } from './schema.ts';
import { translateStoreError } from './store-errors.ts';

interface RecordingHoldsTable {
  scope: string;
  ref: string;
  set_by: string;
  set_at: number;
  reason: string | null;
}

interface RecordingAuditTable {
  id: number;
  at: number;
  actor: string;
  action: string;
  via: string;
  call_id: string | null;
  campaign_id: number | null;
  recording_key: string | null;
  detail: string | null;
}

type CatalogDb = Omit<Database, 'attempts'> & {
  attempts: AttemptsTable & { recording_deleted_at: number | null };
  recording_holds: RecordingHoldsTable;
  recording_audit: Omit<RecordingAuditTable, 'id'> & { id: import('kysely').Generated<number> };
};

const auditRow = (a: NewRecordingAudit) => ({
  at: a.at,
  actor: a.actor,
  action: a.action,
  via: a.via,
  call_id: a.callId,
  campaign_id: a.campaignId,
  recording_key: a.recordingKey,
  detail: a.detail,
});

export function recordingCatalogRepository(base: Kysely<Database>): RecordingCatalog {
  const db = base.withTables<{}>() as unknown as Kysely<CatalogDb>;

  const heldCall = (callRef: Expression<string>) =>
    sql<number>`exists (select 1 from recording_holds h where h.scope = 'call' and h.ref = ${callRef})`;
  const heldCampaign = (campaignRef: Expression<number>) =>
    sql<number>`exists (select 1 from recording_holds h where h.scope = 'campaign' and h.ref = cast(${campaignRef} as text))`;

  const entries = () =>
    db
      .selectFrom('attempts as a')
      .select((eb) => [
        'a.call_id',
        'a.campaign_id',
        'a.contact_id',
        'a.attempt_no',
        'a.dial_number',
        'a.agent_code',
        'a.status',
        'a.started_at',
        'a.answered_at',
        'a.ended_at',
        'a.recording_key',
        'a.recording_deleted_at',
        // The agent's wrap-up code (migration 005).
        'a.disposition',
        sql<boolean>`case when ${heldCall(eb.ref('a.call_id'))} then 1 else 0 end`.as('held_call'),
        sql<boolean>`case when ${heldCampaign(eb.ref('a.campaign_id'))} then 1 else 0 end`.as('held_campaign'),
      ])
      .where('a.recording_key', 'is not', null);

  type Row = Awaited<ReturnType<ReturnType<typeof entries>['execute']>>[number];
  const entryOf = (r: Row): RecordingEntry => ({
    callId: r.call_id,
    campaignId: Number(r.campaign_id),
    contactId: Number(r.contact_id),
    attemptNo: Number(r.attempt_no),
    dialNumber: r.dial_number,
    agentCode: r.agent_code,
    status: r.status,
    disposition: r.disposition ?? null,
    startedAt: Number(r.started_at),
    answeredAt: r.answered_at === null ? null : Number(r.answered_at),
    endedAt: r.ended_at === null ? null : Number(r.ended_at),
    recordingKey: r.recording_key!,
    deletedAt: r.recording_deleted_at === null ? null : Number(r.recording_deleted_at),
    heldCall: Number((r as { held_call: unknown }).held_call) === 1,
    heldCampaign: Number((r as { held_campaign: unknown }).held_campaign) === 1,
  });

  // A recording under a hold of its own call or of its campaign is never deleted.
  const notHeldExpr = (call: Expression<string>, campaign: Expression<number>) => sql<SqlBool>`not (${heldCall(call)} or ${heldCampaign(campaign)})`;
  const notHeld = (q: ReturnType<typeof entries>) => q.where((eb) => notHeldExpr(eb.ref('a.call_id'), eb.ref('a.campaign_id')));

  const catalog: RecordingCatalog = {
    dispositions: true,

    async search(f) {
      let q = entries();
      if (f.campaignId !== undefined) q = q.where('a.campaign_id', '=', f.campaignId);
      if (f.agentCode !== undefined) q = q.where('a.agent_code', '=', f.agentCode);
      if (f.number !== undefined) q = q.where('a.dial_number', 'like', `%${f.number.replace(/[%_\\]/g, '')}%`);
      if (f.from !== undefined) q = q.where('a.started_at', '>=', f.from);
      if (f.to !== undefined) q = q.where('a.started_at', '<', f.to);
      if (f.status !== undefined) q = q.where('a.status', '=', f.status);
      if (f.disposition !== undefined) q = q.where('a.disposition', '=', f.disposition);
      if (!f.includeDeleted) q = q.where('a.recording_deleted_at', 'is', null);
      const rows = await q.orderBy('a.started_at', 'desc').orderBy('a.call_id').limit(f.limit).offset(f.offset ?? 0).execute();
      return rows.map(entryOf);
    },

    async get(callId) {
      const row = await entries().where('a.call_id', '=', callId).executeTakeFirst();
      return row ? entryOf(row) : undefined;
    },

    async byKey(key) {
      const row = await db
        .selectFrom('attempts')
        .select(['call_id', 'campaign_id', 'recording_deleted_at'])
        .where('recording_key', '=', key)
        .orderBy('started_at', 'desc')
        .executeTakeFirst();
      return row ? { callId: row.call_id, campaignId: Number(row.campaign_id), deletedAt: row.recording_deleted_at === null ? null : Number(row.recording_deleted_at) } : undefined;
    },

    async setHold(hold, audit) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('recording_holds')
          .values({ scope: hold.scope, ref: hold.ref, set_by: hold.setBy, set_at: hold.setAt, reason: hold.reason })
          .onConflict((oc) => oc.columns(['scope', 'ref']).doUpdateSet({ set_by: hold.setBy, set_at: hold.setAt, reason: hold.reason }))
          .execute();
        await trx.insertInto('recording_audit').values(auditRow(audit)).execute();
      });
    },

    async releaseHold(scope: HoldScope, ref, audit) {
      return db.transaction().execute(async (trx) => {
        const r = await trx.deleteFrom('recording_holds').where('scope', '=', scope).where('ref', '=', ref).executeTakeFirst();
        if (Number(r.numDeletedRows) === 0) return false;
        await trx.insertInto('recording_audit').values(auditRow(audit)).execute();
        return true;
      });
    },

    async listHolds() {
      const rows = await db.selectFrom('recording_holds').selectAll().orderBy('set_at').orderBy('scope').orderBy('ref').execute();
      return rows.map((r): RecordingHold => ({ scope: r.scope as HoldScope, ref: r.ref, setBy: r.set_by, setAt: Number(r.set_at), reason: r.reason }));
    },

    async expired(query: ExpiredQuery) {
      let q = notHeld(entries())
        .innerJoin('campaigns as c', 'c.id', 'a.campaign_id')
        .where('a.recording_deleted_at', 'is', null)
        .where('a.ended_at', 'is not', null)
        .where('a.ended_at', '<', query.endedBefore);
      if (query.typeIds !== null) {
        if (query.typeIds.length === 0) return [];
        q = q.where('c.type_id', 'in', [...query.typeIds]);
      } else if (query.excludeTypeIds.length > 0) {
        q = q.where((eb) => eb.or([eb('c.type_id', 'is', null), eb('c.type_id', 'not in', [...query.excludeTypeIds])]));
      }
      const rows = await q.orderBy('a.ended_at').orderBy('a.call_id').limit(query.limit).execute();
      return rows.map((r) => ({ callId: r.call_id, campaignId: Number(r.campaign_id), recordingKey: r.recording_key!, endedAt: Number(r.ended_at) }));
    },

    async markDeleted(callId, at, audit) {
      return db.transaction().execute(async (trx) => {
        const r = await trx
          .updateTable('attempts as a')
          .set({ recording_deleted_at: at })
          .where('a.call_id', '=', callId)
          .where('a.recording_key', 'is not', null)
          .where('a.recording_deleted_at', 'is', null)
          .where((eb) => notHeldExpr(eb.ref('a.call_id'), eb.ref('a.campaign_id')))
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) return false;
        await trx.insertInto('recording_audit').values(auditRow(audit)).execute();
        return true;
      });
    },

    async audit(entry) {
      await db.insertInto('recording_audit').values(auditRow(entry)).execute();
    },

    async listAudit(filter) {
      let q = db.selectFrom('recording_audit').selectAll();
      if (filter.callId !== undefined) q = q.where('call_id', '=', filter.callId);
      const rows = await q.orderBy('id', 'desc').limit(filter.limit).offset(filter.offset ?? 0).execute();
      return rows.map(
        (r): RecordingAuditEntry => ({
          id: Number(r.id),
          at: Number(r.at),
          actor: r.actor,
          action: r.action as RecordingAuditAction,
          via: r.via,
          callId: r.call_id,
          campaignId: r.campaign_id === null ? null : Number(r.campaign_id),
          recordingKey: r.recording_key,
          detail: r.detail,
        }),
      );
    },
  };
  // A lost connection or a full disk answers 503 (try later), as for the rest of the store.
  for (const [name, method] of Object.entries(catalog)) {
    if (typeof method !== 'function') continue;
    (catalog as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      try {
        return await (method as (...a: unknown[]) => Promise<unknown>).apply(catalog, args);
      } catch (error) {
        throw translateStoreError(error);
      }
    };
  }
  return catalog;
}
