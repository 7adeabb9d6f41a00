/** The Store port over Kysely: one repository per aggregate, one connection for all. */
import { sql } from 'kysely';
import type { Store } from '../ports/store.ts';
import { attemptRepository } from './attempt-repository.ts';
import { campaignRepository } from './campaign-repository.ts';
import { connect } from './connect.ts';
import { contactRepository } from './contact-repository.ts';
import { migrateToLatest } from './migrate.ts';
import { outboxRepository } from './outbox-repository.ts';

export async function openSqlStore(databaseUrl: string): Promise<Store> {
  const { db, dialect } = connect(databaseUrl);
  try {
    await migrateToLatest(db, dialect);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return {
    dialect,
    ...campaignRepository(db, dialect),
    ...contactRepository(db),
    ...attemptRepository(db),
    ...outboxRepository(db, dialect),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}
