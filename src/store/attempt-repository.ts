/** Attempt rows: begun before the leg is placed, ended together with the contact and its callback. */
import { sql, type Kysely } from 'kysely';
import type { AttemptState } from '../domain/campaign.ts';
import type { AttemptProgress, AttemptStore } from '../ports/store.ts';
import { campaignOpenForWrites } from './campaign-guard.ts';
import type { SqlDialectName } from './connect.ts';
import { insertCallback } from './outbox-writes.ts';
import { addToReportRollup } from './report-rollup.ts';
import { attemptFromRow, toJson, unplacedCallId } from './rows.ts';
import type { Database } from './schema.ts';
import type { FenceHolder } from './lease-fence.ts';
import { WriteBatcher } from './write-batcher.ts';

/** The attempt states a progress event may move on from: dialing → ringing → answered → connected. */
const EARLIER_STATES: Record<AttemptProgress['state'], AttemptState[]> = {
  ringing: ['dialing'],
  answered: ['dialing', 'ringing'],
  connected: ['dialing', 'ringing', 'answered'],
};

export function attemptRepository(db: Kysely<Database>, dialect: SqlDialectName, fence: FenceHolder = {}): AttemptStore {
  // A leg's progress and its end are written many times a second on a busy floor: committed in groups.
  const batcher = new WriteBatcher(db);
  return {
    async beginAttempt(a) {
      await db.transaction().execute(async (trx) => {
        if (!(await campaignOpenForWrites(trx, dialect, a.campaignId))) throw new Error(`campaign ${a.campaignId} is finished or unknown`);
        await fence.check?.(trx, a.campaignId);
        const r = await trx
          .updateTable('contacts')
          .set({ state: 'dialing', attempts: sql`attempts + 1`, wait_reason: null })
          .where('campaign_id', '=', a.campaignId)
          .where('contact_id', '=', a.contactId)
          .where('state', '=', 'pending')
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) throw new Error(`contact ${a.campaignId}/${a.contactId} is not pending`);
        await trx
          .insertInto('attempts')
          .values({
            call_id: a.callId,
            campaign_id: a.campaignId,
            contact_id: a.contactId,
            attempt_no: a.attemptNo,
            dial_number: a.dialNumber,
            state: 'dialing',
            started_at: a.startedAt,
            ringing_at: null,
            answered_at: null,
            connected_at: null,
            ended_at: null,
            agent_code: null,
            station_id: null,
            status: null,
            cause: null,
            recording_key: null,
            note: null,
            audit: toJson(a.audit),
          })
          .execute();
      });
    },

    async progressAttempt(callId, p) {
      const patch =
        p.state === 'ringing'
          ? { state: p.state, ringing_at: p.at }
          : p.state === 'answered'
            ? { state: p.state, answered_at: p.at }
            : { state: p.state, connected_at: p.at, agent_code: p.agentCode ?? null, station_id: p.stationId ?? null };
      // States only move forward (a late or repeated event changes nothing); an ended attempt is never touched.
      const check = fence.check;
      await batcher.run(async (trx) => {
        if (!check) {
          await trx.updateTable('attempts').set(patch).where('call_id', '=', callId).where('state', 'in', EARLIER_STATES[p.state]).execute();
          return;
        }
        const r = await trx.updateTable('attempts').set(patch).where('call_id', '=', callId).where('state', 'in', EARLIER_STATES[p.state]).returning('campaign_id').executeTakeFirst();
        if (r) await check(trx, Number(r.campaign_id));
      });
    },

    async endAttempt(end) {
      return batcher.run(async (trx) => {
        const r = await trx
          .updateTable('attempts')
          .set({
            state: 'ended',
            ended_at: end.endedAt,
            answered_at: end.answeredAt,
            agent_code: end.agentCode,
            station_id: end.stationId,
            status: end.status,
            cause: end.cause,
            recording_key: end.recordingKey,
          })
          .where('call_id', '=', end.callId)
          .where('state', '!=', 'ended')
          .returning(['campaign_id', 'contact_id', 'started_at', 'connected_at'])
          .executeTakeFirst();
        if (!r) return false;
        await fence.check?.(trx, Number(r.campaign_id));
        // Reports read the rollup, kept in step with the attempts it sums.
        await addToReportRollup(trx, {
          campaignId: Number(r.campaign_id),
          agentCode: end.agentCode,
          startedAt: Number(r.started_at),
          connectedAt: r.connected_at === null ? null : Number(r.connected_at),
          endedAt: end.endedAt,
          status: end.status,
          holdMs: end.holdMs ?? 0,
        });
        await trx
          .updateTable('contacts')
          .set({
            state: end.contact.state,
            outcome: end.contact.outcome,
            next_attempt_at: end.contact.nextAttemptAt,
            wait_reason: end.contact.waitReason,
            last_status: end.status,
          })
          .where('campaign_id', '=', r.campaign_id)
          .where('contact_id', '=', r.contact_id)
          .execute();
        await insertCallback(trx, {
          campaignId: r.campaign_id,
          kind: 'update',
          idempotencyKey: end.callback.callid,
          payload: end.callback,
          at: end.endedAt,
          ...(end.deliverAfter !== undefined ? { dueAt: end.deliverAfter } : {}),
        });
        return true;
      });
    },

    async unplaceAttempt(callId, at, retryAt, reason) {
      return db.transaction().execute(async (trx) => {
        const r = await trx
          .updateTable('attempts')
          .set({ call_id: unplacedCallId(callId, at), state: 'unplaced', ended_at: at, cause: reason })
          .where('call_id', '=', callId)
          .where('state', '=', 'dialing')
          .returning(['campaign_id', 'contact_id'])
          .executeTakeFirst();
        if (!r) return false;
        await fence.check?.(trx, Number(r.campaign_id));
        await trx
          .updateTable('contacts')
          .set({ state: 'pending', attempts: sql`attempts - 1`, next_attempt_at: retryAt, wait_reason: reason })
          .where('campaign_id', '=', r.campaign_id)
          .where('contact_id', '=', r.contact_id)
          .where('state', '=', 'dialing')
          .execute();
        return true;
      });
    },

    async getAttempt(callId) {
      const row = await db.selectFrom('attempts').selectAll().where('call_id', '=', callId).executeTakeFirst();
      return row ? attemptFromRow(row) : undefined;
    },

    async openAttempts() {
      return (await db.selectFrom('attempts').selectAll().where('state', 'not in', ['ended', 'unplaced']).orderBy('started_at').execute()).map(attemptFromRow);
    },

    async listAttempts({ campaignId, contactId, limit, offset = 0 }) {
      let q = db
        .selectFrom('attempts')
        .selectAll()
        .where('campaign_id', '=', campaignId)
        .orderBy('started_at', 'desc')
        .orderBy('call_id')
        .limit(limit)
        .offset(offset);
      if (contactId !== undefined) q = q.where('contact_id', '=', contactId);
      return (await q.execute()).map(attemptFromRow);
    },

    async setAttemptNote(callId, note) {
      const r = await db.updateTable('attempts').set({ note }).where('call_id', '=', callId).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
