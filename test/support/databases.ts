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
  return createPostgresDatabase();
}

/** A fresh PostgreSQL database made through `adminUrl` (the benchmarks pass their own), dropped by `drop`. */
export async function createPostgresDatabase(adminUrl = POSTGRES_ADMIN_URL, prefix = 'ccs_test'): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now()}_${counter++}`;
  const admin = async (statement: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(statement);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
