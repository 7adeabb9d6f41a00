/**
 * Browser sessions over Kysely (SQLite and PostgreSQL), sharing the store's connection. Rows are
 * keyed by the SHA-256 of the session id, so the table alone signs nobody in.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AccountRole } from '../auth/accounts.ts';
import type { SessionRecord, SessionRecords } from '../auth/session-store.ts';

interface UiSessionsTable {
  id_hash: string;
  csrf_token: string;
  username: string;
  role: string;
  account_agent_code: string | null;
  account_station_id: string | null;
  origin: string | null;
  created_at: number;
  last_seen_at: number;
  desk_agent_code: string | null;
  desk_station_id: string | null;
  desk_pause: string | null;
}

export const sessionIdHash = (id: string) => createHash('sha256').update(id).digest('base64url');

const rowOf = (s: SessionRecord): UiSessionsTable => ({
  id_hash: sessionIdHash(s.id),
  csrf_token: s.csrfToken,
  username: s.username,
  role: s.role,
  account_agent_code: s.accountAgentCode,
  account_station_id: s.accountStationId,
  origin: s.origin,
  created_at: s.createdAt,
  last_seen_at: s.lastSeenAt,
  desk_agent_code: s.desk?.agentCode ?? null,
  desk_station_id: s.desk?.stationId ?? null,
  // null: not paused; '' a pause without a reason.
  desk_pause: s.desk?.pause ? (s.desk.pause.reason ?? '') : null,
});

export function sessionRepository(base: Kysely<any>): SessionRecords {
  const db = base.withTables<{ ui_sessions: UiSessionsTable }>() as unknown as Kysely<{ ui_sessions: UiSessionsTable }>;
  return {
    async save(session) {
      const row = rowOf(session);
      const { id_hash: _, created_at: __, ...changes } = row;
      await db.insertInto('ui_sessions').values(row).onConflict((oc) => oc.column('id_hash').doUpdateSet(changes)).execute();
    },
    async touch(id, lastSeenAt) {
      await db.updateTable('ui_sessions').set({ last_seen_at: lastSeenAt }).where('id_hash', '=', sessionIdHash(id)).execute();
    },
    async load(id) {
      const r = await db.selectFrom('ui_sessions').selectAll().where('id_hash', '=', sessionIdHash(id)).executeTakeFirst();
      if (!r) return undefined;
      return {
        id,
        csrfToken: r.csrf_token,
        username: r.username,
        role: r.role as AccountRole,
        accountAgentCode: r.account_agent_code,
        accountStationId: r.account_station_id,
        origin: r.origin,
        createdAt: Number(r.created_at),
        lastSeenAt: Number(r.last_seen_at),
        desk:
          r.desk_agent_code && r.desk_station_id
            ? { agentCode: r.desk_agent_code, stationId: r.desk_station_id, pause: r.desk_pause === null ? null : { reason: r.desk_pause || null } }
            : null,
      };
    },
    async remove(id) {
      await db.deleteFrom('ui_sessions').where('id_hash', '=', sessionIdHash(id)).execute();
    },
    async removeExpired(seenBefore, createdBefore) {
      const r = await db
        .deleteFrom('ui_sessions')
        .where((eb) => eb.or([eb('last_seen_at', '<', seenBefore), eb('created_at', '<', createdBefore)]))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
