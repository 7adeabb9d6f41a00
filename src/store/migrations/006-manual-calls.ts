/**
 * Calls an agent dials by hand (manual dial): not campaign attempts, so never reported to the
 * CRM, but kept for the audit and counted by frequency caps with the attempts. One row per
 * request, refused ones included (state `refused`, the reason in `cause`).
 */
import type { Kysely, Migration } from 'kysely';

export function manualCallsMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('manual_calls')
        .addColumn('call_id', 'text', (c) => c.primaryKey())
        .addColumn('agent_code', 'text', (c) => c.notNull())
        .addColumn('station_id', 'text')
        .addColumn('dial_number', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('answered_at', 'bigint')
        .addColumn('connected_at', 'bigint')
        .addColumn('ended_at', 'bigint')
        .addColumn('status', 'text')
        .addColumn('cause', 'text')
        .addColumn('note', 'text')
        .addColumn('audit', 'text')
        .execute();
      await db.schema.createIndex('manual_calls_number_time').on('manual_calls').columns(['dial_number', 'started_at']).execute();
      await db.schema.createIndex('manual_calls_time').on('manual_calls').columns(['started_at']).execute();
    },
  };
}
