/**
 * Dispositions and scheduled callbacks over Kysely (SQLite and PostgreSQL), sharing the
 * store's connection. One transaction per disposition: the attempt's code, the contact back to
 * pending (only while the campaign runs, so nothing reopens after a finish), the callback row,
 * the do-not-call entry and the held updateCampaign's extra fields.
 */
import type { Kysely } from 'kysely';
import { subscriberKeyOf } from '../domain/phone-number.ts';
import type { CallbackStore, ScheduledCallback } from '../ports/callback-store.ts';
import type { SqlDialectName } from './connect.ts';
import type { Database } from './schema.ts';
import { addCodeToReportRollup } from './report-rollup.ts';

export interface ScheduledCallbacksTable {
  call_id: string;
  campaign_id: number;
  contact_id: number;
  due_at: number;
  agent_code: string | null;
  personal_until: number | null;
  created_by: string;
  created_at: number;
  note: string | null;
  state: string;
  dialled_call_id: string | null;
  dialled_at: number | null;
}

interface DncRow {
  key: string;
  number: string;
  source: string;
  added_at: number;
}

type Db = Kysely<Database & { scheduled_callbacks: ScheduledCallbacksTable; dnc: DncRow }>;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function dispositionRepository(base: Kysely<Database>, dialect: SqlDialectName): CallbackStore {
  const db = base.withTables<{ scheduled_callbacks: ScheduledCallbacksTable; dnc: DncRow }>() as Db;

  const listQuery = () =>
    db
      .selectFrom('scheduled_callbacks as s')
      .innerJoin('contacts as c', (j) => j.onRef('c.campaign_id', '=', 's.campaign_id').onRef('c.contact_id', '=', 's.contact_id'))
      .innerJoin('campaigns as k', 'k.id', 's.campaign_id')
      .selectAll('s')
      .select(['c.phone_number as phone_number', 'k.state as campaign_state', 'k.ends_at as campaign_ends_at']);

  const fromRow = (r: ScheduledCallbacksTable & { phone_number: string; campaign_state: string; campaign_ends_at: number }): ScheduledCallback => ({
    callId: r.call_id,
    campaignId: Number(r.campaign_id),
    contactId: Number(r.contact_id),
    dueAt: Number(r.due_at),
    agentCode: r.agent_code,
    personalUntil: num(r.personal_until),
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    note: r.note,
    state: r.state as ScheduledCallback['state'],
    dialledCallId: r.dialled_call_id,
    dialledAt: num(r.dialled_at),
    phoneNumber: r.phone_number,
    campaignState: r.campaign_state,
    campaignEndsAt: Number(r.campaign_ends_at),
  });

  return {
    async recordDisposition(w) {
      return db.transaction().execute(async (trx) => {
        const attempt = await trx
          .selectFrom('attempts')
          .select(['campaign_id', 'contact_id', 'state', 'disposition', 'note'])
          .where('call_id', '=', w.callId)
          .executeTakeFirst();
        if (!attempt || attempt.state !== 'ended') return { outcome: 'unknown' as const };
        if (attempt.disposition) return { outcome: 'already' as const };
        const campaignId = Number(attempt.campaign_id);
        const contactId = Number(attempt.contact_id);
        // Share-locked on PostgreSQL: a finish (FOR UPDATE) cannot interleave with a reopen.
        let cq = trx.selectFrom('campaigns').select('state').where('id', '=', campaignId);
        if (dialect === 'postgres') cq = cq.forShare();
        const running = (await cq.executeTakeFirst())?.state === 'running';
        if (w.callback && !running) return { outcome: 'campaign-closed' as const };

        await trx
          .updateTable('attempts')
          .set({ disposition: w.code, disposition_at: w.at, disposition_by: w.by })
          .where('call_id', '=', w.callId)
          .execute();
        await addCodeToReportRollup(trx, w.callId, w.code);

        let reopened = false;
        if (w.reopen && running) {
          const r = await trx
            .updateTable('contacts')
            .set({ state: 'pending', outcome: null, next_attempt_at: w.reopen.at, wait_reason: w.reopen.reason })
            .where('campaign_id', '=', campaignId)
            .where('contact_id', '=', contactId)
            .where('state', '=', 'final')
            .executeTakeFirst();
          reopened = Number(r.numUpdatedRows) > 0;
        }
        if (w.callback && reopened) {
          await trx
            .insertInto('scheduled_callbacks')
            .values({
              call_id: w.callId,
              campaign_id: campaignId,
              contact_id: contactId,
              due_at: w.callback.dueAt,
              agent_code: w.callback.agentCode,
              personal_until: w.callback.personalUntil,
              created_by: w.by,
              created_at: w.at,
              note: w.callback.note,
              state: 'scheduled',
              dialled_call_id: null,
              dialled_at: null,
            })
            .execute();
        }
        if (w.dnc) {
          const key = subscriberKeyOf(w.dnc.number);
          if (key !== null) {
            await trx
              .insertInto('dnc')
              .values({ key, number: w.dnc.number, source: w.dnc.source, added_at: w.at })
              .onConflict((oc) => oc.column('key').doUpdateSet({ source: w.dnc!.source, added_at: w.at }))
              .execute();
          }
        }

        let updateReleased = false;
        if (w.crmExtra) {
          const row = await trx
            .selectFrom('outbox')
            .select(['id', 'payload'])
            .where('idempotency_key', '=', w.callId)
            .where('kind', '=', 'update')
            .where('state', '=', 'pending')
            .where('attempts', '=', 0)
            // Still held: not yet due (a claimed row is pushed past its hold by the lease).
            .where('next_attempt_at', '>', w.at)
            .where('next_attempt_at', '<=', w.crmExtra.heldUntil)
            .executeTakeFirst();
          if (row) {
            const payload = { ...(JSON.parse(row.payload) as Record<string, unknown>), disposition: w.code, note: attempt.note ?? null };
            const r = await trx
              .updateTable('outbox')
              .set({ payload: JSON.stringify(payload), next_attempt_at: w.at })
              .where('id', '=', row.id)
              .where('state', '=', 'pending')
              .where('next_attempt_at', '>', w.at)
              .executeTakeFirst();
            updateReleased = Number(r.numUpdatedRows) > 0;
          }
        }
        return { outcome: 'saved' as const, reopened, updateReleased };
      });
    },

    async listScheduledCallbacks({ agentCode, campaignId, limit }) {
      let q = listQuery().orderBy('s.due_at').limit(limit);
      if (agentCode !== undefined) q = q.where((eb) => eb.or([eb('s.agent_code', '=', agentCode), eb('s.created_by', '=', agentCode)]));
      if (campaignId !== undefined) q = q.where('s.campaign_id', '=', campaignId);
      return (await q.execute()).map(fromRow);
    },

    async dueCallbacks(campaignId, now) {
      const rows = await listQuery()
        .where('s.campaign_id', '=', campaignId)
        .where('s.state', '=', 'scheduled')
        .where('s.due_at', '<=', now)
        .orderBy('s.due_at')
        .limit(1000)
        .execute();
      return rows.map(fromRow);
    },

    async nextCallbackDueAt(campaignId) {
      const row = await db
        .selectFrom('scheduled_callbacks')
        .select((eb) => eb.fn.min('due_at').as('due'))
        .where('campaign_id', '=', campaignId)
        .where('state', '=', 'scheduled')
        .executeTakeFirst();
      return row?.due === null || row?.due === undefined ? null : Number(row.due);
    },

    async dispositionCounts(campaignId) {
      const rows = await db
        .selectFrom('attempts')
        .select((eb) => ['disposition', eb.fn.countAll().as('n')])
        .where('campaign_id', '=', campaignId)
        .where('disposition', 'is not', null)
        .groupBy('disposition')
        .execute();
      return rows.map((r) => ({ code: String(r.disposition), count: Number(r.n) })).sort((a, b) => a.code.localeCompare(b.code));
    },

    async markCallbackDialled(callId, dialledCallId, at) {
      await db
        .updateTable('scheduled_callbacks')
        .set({ state: 'dialled', dialled_call_id: dialledCallId, dialled_at: at })
        .where('call_id', '=', callId)
        .where('state', '=', 'scheduled')
        .execute();
    },
  };
}
