/**
 * Monitoring sessions over Kysely (SQLite and PostgreSQL), sharing the store's connection
 * (migrations 016-monitoring, 018-monitoring-node). In a cluster each row names the node serving
 * it, so a node's restart closes its own sessions left open, not those of the other nodes.
 */
import type { Kysely } from 'kysely';
import type { EndReason } from '../domain/monitoring-session.ts';
import type { ModePeriod, MonitoringRecord, MonitoringStore } from '../ports/monitoring-store.ts';
import type { Database } from './schema.ts';

interface MonitoringSessionsTable {
  id: number;
  supervisor: string;
  call_id: string;
  campaign_id: number;
  agent_code: string;
  endpoint: string;
  started_at: number;
  ended_at: number | null;
  end_reason: string | null;
  modes: string;
  node_id: string | null;
}

type Db = Kysely<Database & { monitoring_sessions: MonitoringSessionsTable }>;

/** `node`: this node's id in a cluster; without it (one node alone) a start closes every session left open. */
export function monitoringRepository(base: Kysely<Database>, options: { node?: string } = {}): MonitoringStore {
  const node = options.node ?? null;
  const db = base.withTables<{ monitoring_sessions: MonitoringSessionsTable }>() as Db;
  const record = (r: MonitoringSessionsTable): MonitoringRecord => ({
    id: Number(r.id),
    supervisor: r.supervisor,
    callId: r.call_id,
    campaignId: Number(r.campaign_id),
    agentCode: r.agent_code,
    endpoint: r.endpoint,
    startedAt: Number(r.started_at),
    endedAt: r.ended_at === null ? null : Number(r.ended_at),
    endReason: (r.end_reason as EndReason | null) ?? null,
    modes: JSON.parse(r.modes) as ModePeriod[],
  });

  return {
    async open(r) {
      const row = await db
        .insertInto('monitoring_sessions')
        .values({ supervisor: r.supervisor, call_id: r.callId, campaign_id: r.campaignId, agent_code: r.agentCode, endpoint: r.endpoint, started_at: r.startedAt, ended_at: null, end_reason: null, modes: '[]', node_id: node } as any)
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },
    async save(id, change) {
      await db
        .updateTable('monitoring_sessions')
        .set({ modes: JSON.stringify(change.modes), ended_at: change.endedAt, end_reason: change.endReason })
        .where('id', '=', id)
        .execute();
    },
    async list(filter) {
      let q = db.selectFrom('monitoring_sessions').selectAll();
      if (filter.supervisor !== undefined) q = q.where('supervisor', '=', filter.supervisor);
      if (filter.callId !== undefined) q = q.where('call_id', '=', filter.callId);
      const rows = await q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(Math.min(1000, Math.max(1, filter.limit ?? 100))).execute();
      return rows.map(record);
    },
    async closeOpen(at) {
      let q = db.selectFrom('monitoring_sessions').selectAll().where('ended_at', 'is', null);
      // Rows written before sessions named their node may be anyone's: closed as they always were.
      if (node !== null) q = q.where((w) => w.or([w('node_id', '=', node), w('node_id', 'is', null)]));
      const open = await q.execute();
      for (const r of open) {
        const modes = (JSON.parse(r.modes) as ModePeriod[]).map((m) => (m.to === null ? { ...m, to: at } : m));
        await db.updateTable('monitoring_sessions').set({ modes: JSON.stringify(modes), ended_at: at, end_reason: 'stopped' }).where('id', '=', r.id).where('ended_at', 'is', null).execute();
      }
      return open.length;
    },
  };
}
