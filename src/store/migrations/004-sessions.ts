/**
 * Signed-in browser sessions, so they survive a restart: the row is keyed by a hash of the
 * cookie (a copy of the table signs nobody in), with the CSRF token, the account, and the
 * agent code and station the session holds at the desktop (with the pause to return to).
 */
import type { Kysely, Migration } from 'kysely';

export function sessionsMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('ui_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('account_agent_code', 'text')
        .addColumn('account_station_id', 'text')
        .addColumn('origin', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('desk_agent_code', 'text')
        .addColumn('desk_station_id', 'text')
        .addColumn('desk_pause', 'text')
        .execute();
      await db.schema.createIndex('ui_sessions_last_seen').on('ui_sessions').column('last_seen_at').execute();
    },
  };
}
