/** Versioned migrations, applied in order at start-up; each dialect gets its own DDL where they differ. */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { SqlDialectName } from './connect.ts';
import { initialMigration } from './migrations/001-initial.ts';
import { complianceMigration } from './migrations/002-compliance.ts';
import { heartbeatMigration } from './migrations/003-heartbeat.ts';
import { sessionsMigration } from './migrations/004-sessions.ts';
import { dispositionsCallbacksMigration } from './migrations/005-dispositions-callbacks.ts';
import { manualCallsMigration } from './migrations/006-manual-calls.ts';
import { reportRollupMigration } from './migrations/007-report-rollup.ts';
import { recordingAuditMigration } from './migrations/008-recording-audit.ts';
import { attemptWrapUpMigration } from './migrations/009-attempt-wrapup.ts';
import { reportCodesMigration } from './migrations/010-report-codes.ts';
import { kioskLinksMigration } from './migrations/012-kiosk-links.ts';
import { campaignControlMigration } from './migrations/011-campaign-control.ts';
import { dispositionSettingsMigration } from './migrations/013-disposition-settings.ts';
import { monitoringMigration } from './migrations/016-monitoring.ts';
import { clusterMigration } from './migrations/014-cluster.ts';
import { clusterNodeUrlMigration } from './migrations/017-cluster-node-url.ts';
import { monitoringNodeMigration } from './migrations/018-monitoring-node.ts';

function migrationsFor(dialect: SqlDialectName): Record<string, Migration> {
  return {
    '001-initial': initialMigration(dialect),
    '002-compliance': complianceMigration(),
    '003-heartbeat': heartbeatMigration(),
    '004-sessions': sessionsMigration(),
    '005-dispositions-callbacks': dispositionsCallbacksMigration(),
    '006-manual-calls': manualCallsMigration(),
    '007-report-rollup': reportRollupMigration(),
    '008-recording-audit': recordingAuditMigration(dialect),
    '009-attempt-wrapup': attemptWrapUpMigration(),
    '010-report-codes': reportCodesMigration(),
    '012-kiosk-links': kioskLinksMigration(dialect),
    '011-campaign-control': campaignControlMigration(dialect),
    '013-disposition-settings': dispositionSettingsMigration(dialect),
    '016-monitoring': monitoringMigration(dialect),
    '014-cluster': clusterMigration(dialect),
    '017-cluster-node-url': clusterNodeUrlMigration(),
    '018-monitoring-node': monitoringNodeMigration(),
  };
}

export async function migrateToLatest(db: Kysely<any>, dialect: SqlDialectName): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(dialect) };
  // Unordered: numbers were handed out ahead, so a database may have run a later one before an earlier one was added.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new Error(`database migration failed: ${error instanceof Error ? error.message : String(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
