/**
 * Wrap-up dispositions and scheduled callbacks. Each attempt keeps the code its agent gave it,
 * who gave it and when. A scheduled callback is keyed by the attempt it was made from (one per
 * attempt); `personal_until` is when a personal callback opens to any agent.
 */
import type { Kysely, Migration } from 'kysely';

export function dispositionsCallbacksMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('attempts').addColumn('disposition', 'text').execute();
      await db.schema.alterTable('attempts').addColumn('disposition_at', 'bigint').execute();
      await db.schema.alterTable('attempts').addColumn('disposition_by', 'text').execute();
      await db.schema
        .createTable('scheduled_callbacks')
        .addColumn('call_id', 'text', (c) => c.primaryKey())
        .addColumn('campaign_id', 'bigint', (c) => c.notNull())
        .addColumn('contact_id', 'bigint', (c) => c.notNull())
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('agent_code', 'text')
        .addColumn('personal_until', 'bigint')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('dialled_call_id', 'text')
        .addColumn('dialled_at', 'bigint')
        .execute();
      await db.schema.createIndex('scheduled_callbacks_campaign').on('scheduled_callbacks').columns(['campaign_id', 'state']).execute();
      await db.schema.createIndex('scheduled_callbacks_agent').on('scheduled_callbacks').columns(['agent_code', 'state']).execute();
    },
  };
}
