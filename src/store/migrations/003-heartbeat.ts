/**
 * One row per process name, rewritten by readiness checks: a cheap committed write that fails
 * when the database reads but cannot write (disk full, read-only file or session).
 */
import type { Kysely, Migration } from 'kysely';

export function heartbeatMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('heartbeat')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
