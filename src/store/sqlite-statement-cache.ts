/**
 * Prepared statements kept by SQL text. Kysely's SQLite driver prepares a statement for every
 * query it runs, and preparing (parsing and planning the SQL) costs more than running most of
 * the store's small queries; a busy floor runs the same few dozen statements thousands of times
 * a second. A statement is reused for `all`, `get` and `run`, which finish before they return;
 * `iterate` (a stream, which holds its statement until it is read to the end) gets one of its
 * own. The least recently used text goes when more than `limit` are kept (queries whose text
 * varies, such as IN lists of any length, do not grow the cache without bound).
 */
import type { SqliteHandle, SqliteStatement } from './sqlite-driver.ts';

export const STATEMENT_CACHE_LIMIT = 256;

export function withStatementCache(handle: SqliteHandle, limit = STATEMENT_CACHE_LIMIT): SqliteHandle {
  const cache = new Map<string, SqliteStatement>();
  const reusable = (sql: string): SqliteStatement => {
    const stmt = handle.prepare(sql);
    return {
      reader: stmt.reader,
      all: (...params) => stmt.all(...params),
      get: (...params) => stmt.get(...params),
      run: (...params) => stmt.run(...params),
      iterate: (...params) => handle.prepare(sql).iterate(...params),
    };
  };
  return {
    engine: handle.engine,
    prepare(sql) {
      let stmt = cache.get(sql);
      if (stmt) {
        // Most recently used last: a Map keeps insertion order.
        cache.delete(sql);
      } else {
        stmt = reusable(sql);
        if (cache.size >= limit) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt;
    },
    exec: (sql) => handle.exec(sql),
    close() {
      cache.clear();
      handle.close();
    },
  };
}
