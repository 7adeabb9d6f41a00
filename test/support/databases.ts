/**
 * The databases every storage-touching suite runs against: a fresh SQLite file and a fresh
 * PostgreSQL database per call. PostgreSQL is not optional: when it cannot be reached the
 * suite fails (CI must not silently skip half the matrix).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const POSTGRES_ADMIN_URL = process.env.CCS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type DialectName = 'sqlite' | 'postgres';
export const DIALECTS: DialectName[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

let counter = 0;

export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ccs-test-'));
    return { url: join(dir, 'ccs.sqlite'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `ccs_test_${process.pid}_${Date.now()}_${counter++}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
