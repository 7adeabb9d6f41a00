/** The Store port over Kysely: one repository per aggregate, one connection for all. */
import { sql, type Kysely } from 'kysely';
import type { Store } from '../ports/store.ts';
import { attemptRepository } from './attempt-repository.ts';
import { campaignRepository } from './campaign-repository.ts';
import { connect, type SqlDialectName } from './connect.ts';
import { contactRepository } from './contact-repository.ts';
import { migrateToLatest } from './migrate.ts';
import { outboxRepository } from './outbox-repository.ts';
import type { Database } from './schema.ts';

/** The store and its connection, for repositories outside the Store port (compliance) that share it. */
export interface SqlDatabase {
  store: Store;
  db: Kysely<Database>;
  dialect: SqlDialectName;
}

export async function openSqlStore(databaseUrl: string): Promise<Store> {
  return (await openSqlDatabase(databaseUrl)).store;
}

export async function openSqlDatabase(databaseUrl: string): Promise<SqlDatabase> {
  const { db, dialect, sqlite } = connect(databaseUrl);
  try {
    await migrateToLatest(db, dialect);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const store: Store = {
    dialect,
    ...campaignRepository(db, dialect, sqlite),
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
  return { store, db, dialect };
}
