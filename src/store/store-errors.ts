/**
 * Which database failures mean "the store is unavailable for now" (try again later) rather
 * than a fault in the request or the code: lost or refused connections, a database shutting
 * down or restarting, a full disk, a read-only database or session, I/O errors.
 * `guardedDialect` applies the rule to every query Kysely runs, so every repository over the
 * connection (the Store port and the compliance repositories) reports such failures as
 * `StoreUnavailableError`.
 */
import type { DatabaseConnection, Dialect, Driver, QueryResult } from 'kysely';
import { StoreUnavailableError, isStoreUnavailable } from '../ports/store.ts';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
const SQLITE_PREFIXES = ['SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_NOMEM', 'SQLITE_PROTOCOL'];
const CONNECTION_MESSAGES = /connection terminated|not queryable|connection error|timeout exceeded when trying to connect|server closed the connection|Connection lost/i;

export function isUnavailableFailure(error: unknown): boolean {
  if (isStoreUnavailable(error)) return true;
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (/^(08|53|58)[0-9A-Z]{3}$/.test(code)) return true; // connection exception, insufficient resources, system error
  if (code === '57P01' || code === '57P02' || code === '57P03' || code === '57P05' || code === '25006') return true; // shutdown, cannot connect now, read-only
  if (NETWORK_CODES.has(code)) return true;
  if (SQLITE_PREFIXES.some((p) => code.startsWith(p))) return true;
  return typeof e?.message === 'string' && CONNECTION_MESSAGES.test(e.message);
}

/** The error as callers see it: `StoreUnavailableError` (cause kept) when the failure is of the "try later" kind. */
export function translateStoreError(error: unknown, acquiring = false): unknown {
  if (isStoreUnavailable(error)) return error;
  if (acquiring || isUnavailableFailure(error)) {
    const message = (error as Error)?.message ?? String(error);
    return new StoreUnavailableError(`database unavailable: ${message}`, { cause: error });
  }
  return error;
}

async function guard<T>(work: () => Promise<T>, acquiring = false): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateStoreError(error, acquiring);
  }
}

function guardedConnection(inner: DatabaseConnection): DatabaseConnection {
  return {
    executeQuery: <R>(query: Parameters<DatabaseConnection['executeQuery']>[0]): Promise<QueryResult<R>> => guard(() => inner.executeQuery<R>(query)),
    streamQuery: (query, chunkSize) => inner.streamQuery(query, chunkSize),
  };
}

/** The dialect with every connection, transaction and query failure translated (see above). */
export function guardedDialect(inner: Dialect): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver(): Driver {
      const driver = inner.createDriver();
      const raw = new WeakMap<DatabaseConnection, DatabaseConnection>();
      const unwrap = (c: DatabaseConnection) => raw.get(c) ?? c;
      const guarded: Driver = {
        init: () => guard(() => driver.init(), true),
        async acquireConnection() {
          // Failing to get a connection at all is always "unavailable" (refused, timed out, database not accepting).
          const connection = await guard(() => driver.acquireConnection(), true);
          const wrapped = guardedConnection(connection);
          raw.set(wrapped, connection);
          return wrapped;
        },
        beginTransaction: (c, settings) => guard(() => driver.beginTransaction(unwrap(c), settings)),
        commitTransaction: (c) => guard(() => driver.commitTransaction(unwrap(c))),
        rollbackTransaction: (c) => guard(() => driver.rollbackTransaction(unwrap(c))),
        releaseConnection: (c) => driver.releaseConnection(unwrap(c)),
        destroy: () => driver.destroy(),
      };
      if (driver.savepoint) guarded.savepoint = (c, name, compile) => guard(() => driver.savepoint!(unwrap(c), name, compile));
      if (driver.rollbackToSavepoint) guarded.rollbackToSavepoint = (c, name, compile) => guard(() => driver.rollbackToSavepoint!(unwrap(c), name, compile));
      if (driver.releaseSavepoint) guarded.releaseSavepoint = (c, name, compile) => guard(() => driver.releaseSavepoint!(unwrap(c), name, compile));
      return guarded;
    },
  };
}
