/**
 * The cluster node serving a monitoring session (`monitoring_sessions.node_id`): a node that
 * starts closes the sessions its previous run left open, and only those, not the sessions in
 * progress on the other nodes. Null on one node alone and for rows written before.
 */
import type { Kysely, Migration } from 'kysely';

export function monitoringNodeMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('monitoring_sessions').addColumn('node_id', 'text').execute();
    },
  };
}
