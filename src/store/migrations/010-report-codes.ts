/**
 * Historical reports of agents' wrap-up codes: `report_codes`, attempts per campaign × agent ×
 * UTC hour of start × code, kept in the transaction that records a code (see
 * src/store/report-rollup.ts), filled from the codes already stored.
 */
import type { Kysely, Migration } from 'kysely';
import { rebuildReportCodes } from '../report-rollup.ts';

export function reportCodesMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('report_codes')
        .addColumn('campaign_id', 'bigint', (c) => c.notNull())
        .addColumn('agent_code', 'text', (c) => c.notNull())
        .addColumn('hour', 'bigint', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('report_codes_pk', ['campaign_id', 'agent_code', 'hour', 'code'])
        .execute();
      await db.schema.createIndex('report_codes_hour').on('report_codes').columns(['hour']).execute();
      await rebuildReportCodes(db);
    },
  };
}
