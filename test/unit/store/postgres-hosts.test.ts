import { describe, expect, it } from 'vitest';
import { parseHostList, postgresConnectionConfig } from '../../../src/store/postgres-hosts.ts';

describe('a CCS_DATABASE_URL with several PostgreSQL hosts', () => {
  it('passes a URL with one host to node-postgres unchanged', () => {
    const url = 'postgres://ccs:secret@db1:5433/ccs?sslmode=require';
    expect(parseHostList(url)).toBeNull();
    expect(postgresConnectionConfig(url)).toEqual({ connectionString: url });
  });

  it('reads the host list as libpq writes it, 5432 when a host names no port, IPv6 in brackets', () => {
    const parsed = parseHostList('postgresql://ccs:se%40cret@db1:5433,db2,[::1]:6000/ccs?target_session_attrs=read-write')!;
    expect(parsed.hosts).toEqual([
      { host: 'db1', port: 5433 },
      { host: 'db2', port: 5432 },
      { host: '::1', port: 6000 },
    ]);
    // Each host keeps the credentials, the database and the parameters.
    expect(parsed.urlFor(parsed.hosts[1]!)).toBe('postgresql://ccs:se%40cret@db2:5432/ccs?target_session_attrs=read-write');
    expect(parsed.urlFor(parsed.hosts[2]!)).toBe('postgresql://ccs:se%40cret@[::1]:6000/ccs?target_session_attrs=read-write');
  });

  it('gives a client class that chooses the host, starting from the first', () => {
    const config = postgresConnectionConfig('postgres://postgres@127.0.0.1:5001,127.0.0.1:5002/ccs');
    expect(config.connectionString).toBe('postgres://postgres@127.0.0.1:5001/ccs');
    expect(typeof config.Client).toBe('function');
  });

  it('refuses a host list it cannot read', () => {
    expect(() => parseHostList('postgres://u@db1:5432,db2:x/ccs')).toThrow(/cannot read host "db2:x"/);
  });

  it('answers "no host takes writes" as a refused connection when none does', async () => {
    const { Client } = postgresConnectionConfig('postgres://postgres@127.0.0.1:1,127.0.0.1:2/ccs');
    const client = new Client!({ connectionString: 'postgres://postgres@127.0.0.1:1/ccs', connectionTimeoutMillis: 2000 });
    const error = await client.connect().then(() => null, (e: Error & { code?: string }) => e);
    expect(error?.code).toBe('08001');
    expect(error?.message).toMatch(/no PostgreSQL host takes writes \(127\.0\.0\.1:1: .*; 127\.0\.0\.1:2: /);
  });
});
