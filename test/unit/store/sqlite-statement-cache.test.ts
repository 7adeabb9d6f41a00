import { describe, expect, it } from 'vitest';
import { openSqlite, type SqliteHandle } from '../../../src/store/sqlite-driver.ts';
import { withStatementCache } from '../../../src/store/sqlite-statement-cache.ts';

/** Counts the statements prepared under the cache. */
function counted(handle: SqliteHandle): { handle: SqliteHandle; prepared: () => number } {
  let n = 0;
  return {
    handle: { ...handle, engine: handle.engine, prepare: (sql) => (n++, handle.prepare(sql)), exec: (sql) => handle.exec(sql), close: () => handle.close() },
    prepared: () => n,
  };
}

describe('prepared statements kept by SQL text', () => {
  it('prepares a statement once and runs it again with other parameters', () => {
    const { handle, prepared } = counted(openSqlite(':memory:'));
    const db = withStatementCache(handle);
    db.exec('create table t (id integer primary key, v text)');
    for (let i = 0; i < 5; i++) db.prepare('insert into t (id, v) values (?, ?)').run([i, `v${i}`]);
    expect(db.prepare('select v from t where id = ?').get([3])).toEqual({ v: 'v3' });
    expect(db.prepare('select v from t where id = ?').all([4])).toEqual([{ v: 'v4' }]);
    expect(prepared()).toBe(2);
    db.close();
  });

  it('gives a stream its own statement, so the same query can run while it is read', () => {
    const db = withStatementCache(openSqlite(':memory:'));
    db.exec('create table t (id integer primary key)');
    for (let i = 0; i < 3; i++) db.prepare('insert into t (id) values (?)').run([i]);
    const seen: unknown[] = [];
    for (const row of db.prepare('select id from t order by id').iterate([])) {
      seen.push([row, db.prepare('select id from t order by id').all([]).length]);
    }
    expect(seen).toEqual([[{ id: 0 }, 3], [{ id: 1 }, 3], [{ id: 2 }, 3]]);
    db.close();
  });

  it('keeps at most the limit, dropping the least recently used text', () => {
    const { handle, prepared } = counted(openSqlite(':memory:'));
    const db = withStatementCache(handle, 2);
    db.prepare('select 1').get([]);
    db.prepare('select 2').get([]);
    db.prepare('select 1').get([]); // used again: 'select 2' is now the oldest
    db.prepare('select 3').get([]); // evicts 'select 2'
    db.prepare('select 1').get([]);
    expect(prepared()).toBe(3);
    db.prepare('select 2').get([]);
    expect(prepared()).toBe(4);
    db.close();
  });

  it('reports an error of a cached statement and runs it again afterwards', () => {
    const db = withStatementCache(openSqlite(':memory:'));
    db.exec('create table t (id integer primary key)');
    const insert = 'insert into t (id) values (?)';
    db.prepare(insert).run([1]);
    expect(() => db.prepare(insert).run([1])).toThrow();
    db.prepare(insert).run([2]);
    expect(db.prepare('select count(*) as n from t').get([])).toEqual({ n: 2 });
    db.close();
  });
});
