import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, sqliteEngineFor, sqliteErrorCode, type SqliteHandle } from '../../../src/store/sqlite-driver.ts';

const DRIVER = fileURLToPath(new URL('../../../src/store/sqlite-driver.ts', import.meta.url));

describe('the SQLite engine under the store', () => {
  let db: SqliteHandle | undefined;
  afterEach(() => {
    db?.close();
    db = undefined;
  });

  it('is node:sqlite from Node 24 on and better-sqlite3 before', () => {
    expect(sqliteEngineFor('20.20.2')).toBe('better-sqlite3');
    expect(sqliteEngineFor('22.21.0')).toBe('better-sqlite3');
    expect(sqliteEngineFor('24.21.0')).toBe('node:sqlite');
    expect(sqliteEngineFor('26.0.0')).toBe('node:sqlite');
    expect(openSqlite(':memory:').engine).toBe(sqliteEngineFor(process.versions.node));
  });

  it(`on this Node line (${process.version}): readers, plain-object rows, parameters as one array or one by one`, () => {
    db = openSqlite(':memory:');
    db.exec('create table t (id integer primary key, name text not null, score real)');
    const insert = db.prepare('insert into t (id, name, score) values (?, ?, ?)');
    expect(insert.reader).toBe(false);
    expect(insert.run(1, 'an', 1.5)).toEqual({ changes: 1, lastInsertRowid: 1 });
    expect(insert.run([2, 'bình', null])).toEqual({ changes: 1, lastInsertRowid: 2 });
    const select = db.prepare('select id, name, score from t where id >= ? order by id');
    expect(select.reader).toBe(true);
    const rows = select.all([1]);
    expect(rows).toEqual([{ id: 1, name: 'an', score: 1.5 }, { id: 2, name: 'bình', score: null }]);
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
    expect([...select.iterate(2)]).toEqual([{ id: 2, name: 'bình', score: null }]);
    expect(select.get(2)).toEqual({ id: 2, name: 'bình', score: null });
    expect(select.get(3)).toBeUndefined();
    expect(db.prepare('insert into t (id, name) values (?, ?) returning id').reader).toBe(true);
  });

  it('names constraint failures as better-sqlite3 does, whichever engine runs', () => {
    db = openSqlite(':memory:');
    db.exec('create table t (id integer primary key, phone text not null unique)');
    const insert = db.prepare('insert into t (id, phone) values (?, ?)');
    insert.run(1, '0987654320');
    expect(() => insert.run(1, '0987654321')).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }));
    expect(() => insert.run(2, '0987654320')).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_UNIQUE' }));
    expect(() => db!.prepare('select * from missing')).toThrow(expect.objectContaining({ code: 'SQLITE_ERROR' }));
  });

  it('maps extended result codes to the primary names the store classifies by prefix', () => {
    expect(sqliteErrorCode(5)).toBe('SQLITE_BUSY');
    expect(sqliteErrorCode(261)).toBe('SQLITE_BUSY'); // SQLITE_BUSY_RECOVERY
    expect(sqliteErrorCode(778)).toBe('SQLITE_IOERR'); // SQLITE_IOERR_WRITE
    expect(sqliteErrorCode(13)).toBe('SQLITE_FULL');
    expect(sqliteErrorCode(1555)).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect(sqliteErrorCode(2067)).toBe('SQLITE_CONSTRAINT_UNIQUE');
  });

  it('survives the garbage collector freeing many prepared statements (better-sqlite3 12 aborts on Node 24)', () => {
    const script = `
      import { openSqlite } from ${JSON.stringify(DRIVER)};
      for (let i = 0; i < 50000; i++) {
        const db = openSqlite(':memory:');
        db.prepare('select ? as n').all([i]);
        db.close();
      }
      globalThis.gc();
      console.log('done');`;
    const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).not.toContain('Assertion failed');
    expect({ status: child.status, signal: child.signal, stdout: child.stdout.trim() }).toEqual({ status: 0, signal: null, stdout: 'done' });
  });
});
