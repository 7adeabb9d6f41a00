/**
 * Wrap-up time for reports: how long the agent of an answered attempt stayed in wrap-up after
 * it (milliseconds; null until the wrap-up ends, and for attempts no agent took).
 */
import type { Kysely, Migration } from 'kysely';

export function attemptWrapUpMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('attempts').addColumn('wrapup_ms', 'bigint').execute();
    },
  };
}
