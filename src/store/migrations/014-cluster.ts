/**
 * The cluster's tables (src/cluster/postgres-coordination.ts): `cluster_nodes`, each node's
 * heartbeat; `dial_leases`, one row per agent group: the node that dials it, the fencing token
 * (one higher at every change of holder) and when the lease runs out. Times are the database's
 * own (`now()`), so the nodes' clocks play no part in who holds what. Created on SQLite too
 * (one node there, which never reads them), so both dialects keep one schema.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialectName } from '../connect.ts';

export function clusterMigration(dialect: SqlDialectName): Migration {
  const instant = dialect === 'postgres' ? sql`timestamptz` : sql`text`;
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('cluster_nodes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('instance', 'text', (c) => c.notNull())
        .addColumn('started_at', instant as any, (c) => c.notNull())
        .addColumn('last_seen', instant as any, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('dial_leases')
        .addColumn('grp', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('instance', 'text', (c) => c.notNull())
        .addColumn('token', 'bigint', (c) => c.notNull())
        .addColumn('acquired_at', instant as any, (c) => c.notNull())
        .addColumn('expires_at', instant as any, (c) => c.notNull())
        .execute();
    },
  };
}
