/**
 * Calling compliance: the do-not-call list. One row per subscriber key (the folded form of
 * a number, see src/domain/phone-number.ts), with the number as given, its source and when
 * it was added. Frequency caps need no new index: they match attempts by the dial-number
 * spellings of a subscriber over `attempts_number_time (dial_number, started_at)`.
 */
import type { Kysely, Migration } from 'kysely';

export function complianceMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('dnc')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('number', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('added_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
