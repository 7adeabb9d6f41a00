/**
 * Opens the database named by `CCS_DATABASE_URL`: a SQLite file path (WAL mode) by default,
 * PostgreSQL for a `postgres://` URL. The same Kysely queries serve both.
 */
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Logger } from '../ports/logger.ts';
import { postgresConnectionConfig } from './postgres-hosts.ts';
import { preparePrivateDatabaseFile } from './private-files.ts';
import type { Database } from './schema.ts';
import { openSqlite, type SqliteHandle } from './sqlite-driver.ts';
import { withStatementCache } from './sqlite-statement-cache.ts';
import { guardedDialect } from './store-errors.ts';

export type SqlDialectName = 'sqlite' | 'postgres';

export interface Connection {
  db: Kysely<Database>;
  dialect: SqlDialectName;
  /** The SQLite handle under Kysely, for bulk loads that need prepared statements. */
  sqlite?: SqliteHandle;
  /** The PostgreSQL pool under Kysely, for bulk loads with COPY. */
  pgPool?: pg.Pool;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

export interface ConnectOptions {
  /** Where lost connections are reported (they are survived, not fatal). */
  logger?: Logger;
  /** PostgreSQL: most connections open at once (default 20). */
  poolSize?: number;
}

export const DEFAULT_POOL_SIZE = 20;

export function connect(databaseUrl: string, options: ConnectOptions = {}): Connection {
  if (isPostgresUrl(databaseUrl)) {
    const pool = new pg.Pool({
      // One host, or a primary and its standbys (the writable one is chosen: postgres-hosts.ts).
      ...postgresConnectionConfig(databaseUrl),
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      // A database that does not answer (or a pool busy that long) is reported as unavailable
      // (503, retried by the engine) rather than waited for without end.
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
      // Instants and ids are BIGINT; they fit a JS number, so read them as numbers.
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID || oid === NUMERIC_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    survivePoolErrors(pool, options.logger);
    return { db: new Kysely<Database>({ dialect: guardedDialect(new PostgresDialect({ pool })) }), dialect: 'postgres', pgPool: pool };
  }
  const path = databaseUrl.replace(/^sqlite:(\/\/)?/i, '');
  if (path !== ':memory:') preparePrivateDatabaseFile(path);
  const sqlite = openSqlite(path);
  sqlite.exec('pragma journal_mode = WAL');
  // WAL with NORMAL sync is durable across process crashes (the case CCS guards against);
  // only an OS crash may lose the last transactions.
  sqlite.exec('pragma synchronous = NORMAL');
  sqlite.exec('pragma busy_timeout = 5000');
  sqlite.exec('pragma foreign_keys = ON');
  return { db: new Kysely<Database>({ dialect: guardedDialect(new SqliteDialect({ database: withStatementCache(sqlite) })) }), dialect: 'sqlite', sqlite };
}

/**
 * A connection the server drops (restart, failover, `pg_terminate_backend`, a proxy's idle
 * timeout) makes `pg` emit 'error' on the client and, for an idle client, on the pool; with no
 * listener Node would end the process. Listened to here: the dead client is discarded by the
 * pool, the query that was on it (if any) fails with its own error, and the next query opens
 * a new connection.
 */
function survivePoolErrors(pool: pg.Pool, logger: Logger | undefined): void {
  const details = (error: Error) => ({ err: error.message, code: (error as { code?: string }).code });
  pool.on('error', (error) => logger?.warn(details(error), 'database connection lost (idle); a new one is opened on the next query'));
  // Also emitted for an idle client (then reported above); for one in use, the query on it fails
  // with its own error, which its caller reports.
  pool.on('connect', (client) => {
    client.on('error', (error) => logger?.debug(details(error), 'database connection lost'));
  });
}
