/**
 * Where the other nodes of a cluster reach a node (`cluster_nodes.url`, `CCS_NODE_URL`), written
 * with its heartbeat: a supervisor's monitoring request that reaches a node not dialing the
 * call is forwarded to the node that does (src/http/monitoring-forwarding.ts). Null for a row
 * written before this column; such a node is not forwarded to until its next heartbeat.
 */
import type { Kysely, Migration } from 'kysely';

export function clusterNodeUrlMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('cluster_nodes').addColumn('url', 'text').execute();
    },
  };
}
