/** Manual calls over Kysely (SQLite and PostgreSQL), sharing the store's connection. */
import type { Kysely } from 'kysely';
import type { ReportedStatus } from '../domain/disposition.ts';
import type { ManualCallLog, ManualCallRecord, ManualCallState, NewManualCall } from '../ports/manual-calls.ts';
import type { Database } from './schema.ts';

export interface ManualCallsTable {
  call_id: string;
  agent_code: string;
  station_id: string | null;
  dial_number: string;
  state: string;
  started_at: number;
  answered_at: number | null;
  connected_at: number | null;
  ended_at: number | null;
  status: string | null;
  cause: string | null;
  note: string | null;
  audit: string | null;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

const recordOf = (r: ManualCallsTable): ManualCallRecord => ({
  callId: r.call_id,
  agentCode: r.agent_code,
  stationId: r.station_id,
  dialNumber: r.dial_number,
  state: r.state as ManualCallState,
  startedAt: Number(r.started_at),
  answeredAt: num(r.answered_at),
  connectedAt: num(r.connected_at),
  endedAt: num(r.ended_at),
  status: r.status as ReportedStatus | null,
  cause: r.cause,
  note: r.note,
  audit: r.audit ? (JSON.parse(r.audit) as Record<string, unknown>) : null,
});

export function manualCallRepository(base: Kysely<Database>): ManualCallLog {
  const db = base.withTables<{ manual_calls: ManualCallsTable }>();
  const row = (call: NewManualCall, state: ManualCallState): ManualCallsTable => ({
    call_id: call.callId,
    agent_code: call.agentCode,
    station_id: call.stationId,
    dial_number: call.dialNumber,
    state,
    started_at: call.startedAt,
    answered_at: null,
    connected_at: null,
    ended_at: null,
    status: null,
    cause: null,
    note: null,
    audit: call.audit ? JSON.stringify(call.audit) : null,
  });

  return {
    async refuse(call, reason) {
      await db
        .insertInto('manual_calls')
        .values({ ...row(call, 'refused'), ended_at: call.startedAt, cause: reason.slice(0, 500) })
        .execute();
    },
    async begin(call) {
      await db.insertInto('manual_calls').values(row(call, 'dialing')).execute();
    },
    async end(end) {
      const r = await db
        .updateTable('manual_calls')
        .set({ state: 'ended', status: end.status, ended_at: end.endedAt, answered_at: end.answeredAt, connected_at: end.connectedAt, cause: end.cause })
        .where('call_id', '=', end.callId)
        .where('state', '=', 'dialing')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async setNote(callId, note) {
      const r = await db.updateTable('manual_calls').set({ note }).where('call_id', '=', callId).where('state', '!=', 'refused').executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async open() {
      return (await db.selectFrom('manual_calls').selectAll().where('state', '=', 'dialing').orderBy('started_at').execute()).map(recordOf);
    },
    async list(filter) {
      const rows = await db
        .selectFrom('manual_calls')
        .selectAll()
        .where('started_at', '>=', filter.from)
        .where('started_at', '<', filter.to)
        .orderBy('started_at')
        .orderBy('call_id')
        .limit(filter.limit)
        .offset(filter.offset ?? 0)
        .execute();
      return rows.map(recordOf);
    },
  };
}
