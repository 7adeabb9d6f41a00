/**
 * The SQLite engine under Kysely. Node 24 and later use Node's own `node:sqlite`: there,
 * better-sqlite3 12 aborts the whole process (`Assertion failed: (env) != nullptr` in
 * `Statement::~Statement`) when the garbage collector frees a prepared statement outside a
 * JavaScript call, and Kysely prepares one per query. Earlier lines keep better-sqlite3, which
 * `node:sqlite` does not replace there (experimental, and absent on Node 20).
 *
 * Both engines are seen through one small surface: what Kysely's SqliteDialect calls, plus
 * positional `run` for the contact bulk load, `exec`, and better-sqlite3's error codes
 * (`SQLITE_CONSTRAINT_PRIMARYKEY`, `SQLITE_BUSY`, …), which the store's error handling reads.
 */
import { createRequire } from 'node:module';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';

export interface SqliteRunResult {
  changes: number | bigint;
  lastInsertRowid: number | bigint;
}

/** Parameters come either as one array (Kysely) or one by one (bulk loads). */
export interface SqliteStatement {
  readonly reader: boolean;
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): SqliteRunResult;
  iterate(...params: unknown[]): IterableIterator<unknown>;
}

export interface SqliteHandle {
  /** Which engine is underneath, for logs and benchmarks. */
  readonly engine: SqliteEngine;
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  close(): void;
}

export type SqliteEngine = 'node:sqlite' | 'better-sqlite3';

export function sqliteEngineFor(nodeVersion: string = process.versions.node): SqliteEngine {
  return Number(nodeVersion.split('.')[0]) >= 24 ? 'node:sqlite' : 'better-sqlite3';
}

export function openSqlite(path: string, engine: SqliteEngine = sqliteEngineFor()): SqliteHandle {
  return engine === 'node:sqlite' ? openNodeSqlite(path) : openBetterSqlite(path);
}

function openBetterSqlite(path: string): SqliteHandle {
  // Loaded on demand so that Node 24 never loads the native module.
  const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => Omit<SqliteHandle, 'engine'>;
  const db = new Database(path);
  // better-sqlite3 accepts parameters as one array or one by one already.
  return Object.assign(db, { engine: 'better-sqlite3' as const });
}

function openNodeSqlite(path: string): SqliteHandle {
  const { DatabaseSync: Sync } = process.getBuiltinModule('node:sqlite') as { DatabaseSync: typeof DatabaseSync };
  const db = guard(() => new Sync(path));
  return {
    engine: 'node:sqlite',
    prepare: (sql) => nodeStatement(guard(() => db.prepare(sql))),
    exec: (sql) => guard(() => db.exec(sql)),
    // Closing twice is harmless, as with better-sqlite3.
    close: () => {
      if (db.isOpen) db.close();
    },
  };
}

function nodeStatement(stmt: StatementSync): SqliteStatement {
  const args = (params: unknown[]): SQLInputValue[] => (params.length === 1 && Array.isArray(params[0]) ? params[0] : params) as SQLInputValue[];
  return {
    reader: stmt.columns().length > 0,
    // Plain objects, as better-sqlite3 returns (node:sqlite rows have a null prototype).
    all: (...params) => guard(() => stmt.all(...args(params)).map((row) => ({ ...row }))),
    get: (...params) => {
      const row = guard(() => stmt.get(...args(params)));
      return row === undefined ? undefined : { ...row };
    },
    run: (...params) => guard(() => stmt.run(...args(params))),
    iterate: (...params) => plainRows(guard(() => stmt.iterate(...args(params)))),
  };
}

function* plainRows(rows: Iterable<object>): IterableIterator<unknown> {
  for (const row of rows) yield { ...row };
}

/** SQLite primary result codes by number, named as better-sqlite3 names them. */
const PRIMARY_CODES: Record<number, string> = {
  1: 'SQLITE_ERROR', 2: 'SQLITE_INTERNAL', 3: 'SQLITE_PERM', 4: 'SQLITE_ABORT', 5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED', 7: 'SQLITE_NOMEM', 8: 'SQLITE_READONLY', 9: 'SQLITE_INTERRUPT', 10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT', 12: 'SQLITE_NOTFOUND', 13: 'SQLITE_FULL', 14: 'SQLITE_CANTOPEN', 15: 'SQLITE_PROTOCOL',
  17: 'SQLITE_SCHEMA', 18: 'SQLITE_TOOBIG', 19: 'SQLITE_CONSTRAINT', 20: 'SQLITE_MISMATCH', 21: 'SQLITE_MISUSE',
  23: 'SQLITE_AUTH', 25: 'SQLITE_RANGE', 26: 'SQLITE_NOTADB',
};

/** The extended constraint codes the store tells apart. */
const EXTENDED_CODES: Record<number, string> = {
  275: 'SQLITE_CONSTRAINT_CHECK', 787: 'SQLITE_CONSTRAINT_FOREIGNKEY', 1299: 'SQLITE_CONSTRAINT_NOTNULL',
  1555: 'SQLITE_CONSTRAINT_PRIMARYKEY', 2067: 'SQLITE_CONSTRAINT_UNIQUE',
};

/** node:sqlite reports `code: 'ERR_SQLITE_ERROR'` and the number in `errcode`; give it the name. */
export function sqliteErrorCode(errcode: number): string {
  return EXTENDED_CODES[errcode] ?? PRIMARY_CODES[errcode & 0xff] ?? 'SQLITE_ERROR';
}

function guard<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    const e = error as { code?: unknown; errcode?: unknown };
    if (e && e.code === 'ERR_SQLITE_ERROR' && typeof e.errcode === 'number') e.code = sqliteErrorCode(e.errcode);
    throw error;
  }
}
