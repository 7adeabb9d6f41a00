/**
 * Historical reports: the rollup table `report_hourly` (campaign × agent × hour, see
 * src/store/report-rollup.ts), filled from the attempts already stored, with an index for
 * date ranges over every campaign (the primary key serves a campaign's own range).
 */
import type { Kysely, Migration } from 'kysely';
import { rebuildReportRollup } from '../report-rollup.ts';

export function reportRollupMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('report_hourly')
        .addColumn('campaign_id', 'bigint', (c) => c.notNull())
        .addColumn('agent_code', 'text', (c) => c.notNull())
        .addColumn('hour', 'bigint', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('answered', 'integer', (c) => c.notNull())
        .addColumn('no_answer', 'integer', (c) => c.notNull())
        .addColumn('busy', 'integer', (c) => c.notNull())
        .addColumn('failed', 'integer', (c) => c.notNull())
        .addColumn('congestion', 'integer', (c) => c.notNull())
        .addColumn('abandoned', 'integer', (c) => c.notNull())
        .addColumn('talk_ms', 'bigint', (c) => c.notNull())
        .addColumn('hold_ms', 'bigint', (c) => c.notNull())
        .addColumn('wrapup_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('report_hourly_pk', ['campaign_id', 'agent_code', 'hour'])
        .execute();
      await db.schema.createIndex('report_hourly_hour').on('report_hourly').columns(['hour']).execute();
      await rebuildReportRollup(db, { wrapUpColumn: false });
    },
  };
}
