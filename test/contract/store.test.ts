/**
 * Runs the store conformance suite on every Store implementation: SQLite (a fresh file per
 * test), PostgreSQL and memory. PostgreSQL gets one fresh database and store for the file,
 * emptied before each test, because creating, migrating and dropping a database per test
 * costs most of a second each. PostgreSQL must be reachable: the suite fails otherwise.
 */
import pg from 'pg';
import { afterAll } from 'vitest';
import type { Store } from '../../src/ports/store.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { openSqlStore } from '../../src/store/sql-store.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { describeStoreConformance, type OpenedStore } from './store-conformance.ts';

async function openFreshSqlite(): Promise<OpenedStore> {
  const database = await createTestDatabase('sqlite');
  let store: Store;
  try {
    store = await openSqlStore(database.url);
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    store,
    async teardown() {
      await store.close();
      await database.drop();
    },
  };
}

let postgres: { database: TestDatabase; store: Store; admin: pg.Client } | undefined;

/** The file's PostgreSQL store, emptied: no rows, and callback ids starting again at 1. */
async function openEmptiedPostgres(): Promise<OpenedStore> {
  if (postgres === undefined) {
    const database = await createTestDatabase('postgres');
    const store = await openSqlStore(database.url);
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    postgres = { database, store, admin };
  }
  await postgres.admin.query(
    'DELETE FROM campaigns; DELETE FROM contacts; DELETE FROM attempts; DELETE FROM outbox; ALTER TABLE outbox ALTER COLUMN id RESTART',
  );
  return { store: postgres.store, teardown: async () => {} };
}

afterAll(async () => {
  const p = postgres;
  postgres = undefined;
  if (p === undefined) return;
  await p.store.close();
  await p.admin.end();
  await p.database.drop();
});

describeStoreConformance('sqlite', openFreshSqlite);
describeStoreConformance('postgres', openEmptiedPostgres);
describeStoreConformance('memory', async () => {
  const store = createMemoryStore();
  return { store, teardown: () => store.close() };
});
