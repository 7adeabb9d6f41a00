import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../../src/store/connect.ts';
import { WriteBatcher } from '../../../src/store/write-batcher.ts';

let conn: Connection | undefined;
afterEach(async () => {
  await conn?.db.destroy();
  conn = undefined;
});

async function database() {
  conn = connect(':memory:');
  await sql`create table t (id integer primary key, v text not null)`.execute(conn.db);
  return conn.db;
}

const rows = async (db: Connection['db']) => (await sql<{ id: number }>`select id from t order by id`.execute(db)).rows.map((r) => r.id);

describe('WriteBatcher', () => {
  it('commits the writes of one turn together, each with its own result', async () => {
    const db = await database();
    const batcher = new WriteBatcher(db, 8);
    const transactions = new Set<unknown>();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        batcher.run(async (trx) => {
          transactions.add(trx);
          await sql`insert into t (id, v) values (${i}, ${'x'})`.execute(trx);
          return i * 10;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 10));
    expect(transactions.size).toBe(3); // 8 + 8 + 4
    expect(await rows(db)).toHaveLength(20);
  });

  it('when one write of a batch fails, only that one reports it and the others are written', async () => {
    const db = await database();
    const batcher = new WriteBatcher(db);
    const outcomes = await Promise.allSettled(
      [1, 2, 3, 4].map((id) =>
        batcher.run(async (trx) => {
          if (id === 3) throw new Error('refused');
          await sql`insert into t (id, v) values (${id}, ${'x'})`.execute(trx);
          return id;
        }),
      ),
    );
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([1, 2, 'refused', 4]);
    expect(await rows(db)).toEqual([1, 2, 4]);
  });

  it('writes that arrive while a batch commits go in the next one', async () => {
    const db = await database();
    const batcher = new WriteBatcher(db);
    const seen: unknown[] = [];
    const first = batcher.run(async (trx) => {
      seen.push(trx);
      await sql`insert into t (id, v) values (1, 'a')`.execute(trx);
    });
    await first;
    await Promise.all([2, 3].map((id) => batcher.run(async (trx) => (seen.push(trx), sql`insert into t (id, v) values (${id}, 'b')`.execute(trx)))));
    expect(seen[1]).toBe(seen[2]);
    expect(seen[0]).not.toBe(seen[1]);
    expect(await rows(db)).toEqual([1, 2, 3]);
  });
});
