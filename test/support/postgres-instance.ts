/**
 * A PostgreSQL server of a test's own (initdb into a temporary folder, its own port), for fault
 * tests that stop, crash or promote the server itself, which the shared server on 5432 must
 * never suffer. Trust authentication on 127.0.0.1 only. As root (CI) the server programs run as
 * the `postgres` OS user, since PostgreSQL refuses to run as root.
 *
 * `fsync` is off: the tests crash server processes, never the operating system, so what a
 * commit wrote is in the page cache either way; durability across a process crash (and what
 * the standby holds at promotion) is what they check.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { freePort } from './callback-receiver.ts';

const OS_USER = 'postgres';

/** The newest installed server programs (Debian layout), or CCS_TEST_POSTGRES_BIN. */
function binDir(): string {
  if (process.env.CCS_TEST_POSTGRES_BIN) return process.env.CCS_TEST_POSTGRES_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error('no PostgreSQL server programs under /usr/lib/postgresql (set CCS_TEST_POSTGRES_BIN)');
  return join(root, versions[0]!, 'bin');
}

const asRoot = () => userInfo().uid === 0;

/** Runs a server program (as `postgres` when root), bounded in time; rejects with its output. */
function run(program: string, args: string[], timeoutMs = 60_000): Promise<string> {
  const path = join(binDir(), program);
  const [file, argv] = asRoot() ? ['runuser', ['-u', OS_USER, '--', path, ...args]] : [path, args];
  return new Promise((resolve, reject) => {
    execFile(file, argv, { timeout: timeoutMs, cwd: tmpdir() }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${program} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** A folder the server's OS user owns. */
function ownedFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (asRoot()) {
    const { uid, gid } = userInfoOf(OS_USER);
    chownSync(dir, uid, gid);
  }
  return dir;
}

function userInfoOf(name: string): { uid: number; gid: number } {
  // /etc/passwd: name:x:uid:gid:...
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no OS user ${name}`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export interface PostgresInstance {
  readonly port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  /** Starts (or starts again) the server and waits until it accepts connections. */
  start(): Promise<void>;
  /** A clean stop: `pg_ctl stop -m fast` (sessions ended, a checkpoint, then exit). */
  stopFast(): Promise<void>;
  /** A crash: `pg_ctl stop -m immediate` (every server process quits at once, no checkpoint). */
  crash(): Promise<void>;
  /** Ends a standby's recovery: it becomes a primary that accepts writes. */
  promote(): Promise<void>;
  /** A statement on the `postgres` database. */
  query<R extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<R[]>;
  /** Stops the server if it runs and removes its folder. */
  destroy(): Promise<void>;
}

interface Layout {
  dataDir: string;
  socketDir: string;
  port: number;
}

function instance({ dataDir, socketDir, port }: Layout): PostgresInstance {
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const pgCtl = (...args: string[]) => run('pg_ctl', ['-D', dataDir, ...args]);
  const self: PostgresInstance = {
    port,
    url,
    async start() {
      const options = `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
      await pgCtl('start', '-w', '-t', '60', '-l', join(socketDir, 'server.log'), '-o', options);
    },
    async stopFast() {
      await pgCtl('stop', '-w', '-t', '60', '-m', 'fast');
    },
    async crash() {
      await pgCtl('stop', '-w', '-t', '60', '-m', 'immediate');
    },
    async promote() {
      await pgCtl('promote', '-w', '-t', '60');
    },
    async query(text, values) {
      const client = new pg.Client({ connectionString: url(), connectionTimeoutMillis: 5_000 });
      await client.connect();
      try {
        return (await client.query(text, values)).rows;
      } finally {
        await client.end();
      }
    },
    async destroy() {
      if (existsSync(join(dataDir, 'postmaster.pid'))) await pgCtl('stop', '-w', '-t', '30', '-m', 'immediate').catch(() => {});
      rmSync(dirname(dataDir), { recursive: true, force: true });
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
  return self;
}

/** A new, running primary on a free port. */
export async function startPostgresInstance(): Promise<PostgresInstance> {
  const layout = { dataDir: join(ownedFolder('ccs-pgdata-'), 'data'), socketDir: ownedFolder('ccs-pgsock-'), port: await freePort() };
  await run('initdb', ['-D', layout.dataDir, '-A', 'trust', '-U', 'postgres', '-N', '--no-instructions']);
  const server = instance(layout);
  await server.start();
  return server;
}

/**
 * A streaming standby of `primary` (pg_basebackup -R), running on a free port. With
 * `synchronous`, the primary acknowledges a commit only once the standby has flushed it
 * (synchronous_standby_names = '*', synchronous_commit = on): what CCS was told is stored is
 * on the standby when it is promoted.
 */
export async function startStandby(primary: PostgresInstance, options: { synchronous: boolean }): Promise<PostgresInstance> {
  const layout = { dataDir: join(ownedFolder('ccs-pgdata-'), 'data'), socketDir: ownedFolder('ccs-pgsock-'), port: await freePort() };
  await run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', layout.dataDir, '-R', '-X', 'stream', '--checkpoint=fast', '--no-sync']);
  const standby = instance(layout);
  await standby.start();
  if (options.synchronous) {
    await primary.query(`ALTER SYSTEM SET synchronous_standby_names = '*'`);
    await primary.query(`ALTER SYSTEM SET synchronous_commit = 'on'`);
    await primary.query('SELECT pg_reload_conf()');
  }
  const wanted = options.synchronous ? 'sync' : 'async';
  const stop = Date.now() + 30_000;
  for (;;) {
    const rows = await primary.query<{ sync_state: string }>('SELECT sync_state FROM pg_stat_replication');
    if (rows.some((r) => r.sync_state === wanted)) return standby;
    if (Date.now() > stop) throw new Error(`standby not streaming (${wanted}) within 30 s: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
