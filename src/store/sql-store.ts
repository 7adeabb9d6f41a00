/** The Store port over Kysely: one repository per aggregate, one connection for all. */
import { sql, type Kysely } from 'kysely';
import type { Logger } from '../ports/logger.ts';
import type { Store } from '../ports/store.ts';
import { attemptRepository } from './attempt-repository.ts';
import { campaignRepository } from './campaign-repository.ts';
import { connect, type SqlDialectName } from './connect.ts';
import { contactRepository } from './contact-repository.ts';
import { migrateToLatest } from './migrate.ts';
import { outboxRepository } from './outbox-repository.ts';
import type { Database } from './schema.ts';
import type { FenceHolder } from './lease-fence.ts';
import type pg from 'pg';
import { translateStoreError } from './store-errors.ts';

/** The store and its connection, for repositories outside the Store port (compliance) that share it. */
export interface SqlDatabase {
  store: Store;
  db: Kysely<Database>;
  dialect: SqlDialectName;
  /** The PostgreSQL pool under Kysely (the cluster's LISTEN connection is opened beside it). */
  pgPool?: pg.Pool;
}

export interface OpenOptions {
  /** Receives lost-connection reports (the store survives them). */
  logger?: Logger;
  /** The lease check of the writes only the dialing node may make (a cluster; src/store/lease-fence.ts). */
  fence?: FenceHolder;
  /** PostgreSQL: most connections open at once. */
  poolSize?: number;
}

export async function openSqlStore(databaseUrl: string, options: OpenOptions = {}): Promise<Store> {
  return (await openSqlDatabase(databaseUrl, options)).store;
}

export async function openSqlDatabase(databaseUrl: string, options: OpenOptions = {}): Promise<SqlDatabase> {
  const { db, dialect, sqlite, pgPool } = connect(databaseUrl, options);
  try {
    await migrateToLatest(db, dialect);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const store: Store = unavailableAware({
    dialect,
    ...campaignRepository(db, dialect, { sqlite, pgPool }, options.fence),
    ...contactRepository(db, dialect),
    ...attemptRepository(db, dialect, options.fence),
    ...outboxRepository(db, dialect),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async probeWrite(at) {
      await db
        .insertInto('heartbeat')
        .values({ name: 'readiness', at })
        .onConflict((oc) => oc.column('name').doUpdateSet({ at }))
        .execute();
    },
    async close() {
      await db.destroy();
    },
  });
  return { store, db, dialect, ...(pgPool ? { pgPool } : {}) };
}

/** Every method reports "try later" failures as StoreUnavailableError, including those of the SQLite bulk loader (outside Kysely). */
function unavailableAware(store: Store): Store {
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(store)) {
    wrapped[key] =
      typeof value === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await (value as (...a: unknown[]) => Promise<unknown>).apply(store, args);
            } catch (error) {
              throw translateStoreError(error);
            }
          }
        : value;
  }
  return wrapped as unknown as Store;
}
