/**
 * The cluster's own connections to PostgreSQL: two, outside the store's pool, so a backlog of
 * store writes never holds up a heartbeat or a renewal. Every statement runs on a connection
 * taken for it alone, under two bounds:
 *
 * - `patience`: how long the caller waits for the answer before counting the statement as
 *   failed (and, for a renewal, sending another on the other connection). The statement is not
 *   cancelled: a late answer still reaches `answer`, and a renewal's late answer still counts.
 * - `abandon`: past it the connection is closed, so one that hangs (a dead peer) is not kept.
 *
 * Both deadlines let an answer that has already arrived be read first: after the event loop
 * was held up, Node runs due timers before it reads sockets, so without that a busy process
 * would time out renewals the database had answered in time.
 */
import pg from 'pg';
import type { Logger } from '../ports/logger.ts';
import { postgresConnectionConfig } from '../store/postgres-hosts.ts';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface Sent<R> {
  /** The rows, whenever they come (rejects if the statement fails or is abandoned). */
  answer: Promise<R[]>;
  /** The rows, or a failure once `patience` has passed without them. */
  within: Promise<Outcome<R[]>>;
}

export interface ClusterConnection {
  send<R extends pg.QueryResultRow>(statements: readonly Statement[], bounds: { patienceMs: number; abandonMs: number }): Sent<R>;
  end(): Promise<void>;
}

/** One statement; a list of them runs in one transaction, each after the one before, and `rows` of the last is the answer. `values` may read the rows of the one before. */
export interface Statement {
  text: string;
  values: (previous: pg.QueryResultRow[]) => unknown[];
}

/** A deadline that fires only after the I/O already waiting has been read (timers run before sockets in a turn of the loop). */
export function afterPendingIo(ms: number, fire: () => void): () => void {
  let immediate: NodeJS.Immediate | undefined;
  const timer = setTimeout(() => (immediate = setImmediate(fire)), Math.max(0, ms));
  return () => {
    clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
  };
}

/** Settles with the work's outcome, or with a failure after `ms` (the work's answer, if already arrived, read first). */
export function within<T>(work: Promise<T>, ms: number, what: string): Promise<Outcome<T>> {
  return new Promise((resolve) => {
    const cancel = afterPendingIo(ms, () => resolve({ ok: false, error: new Error(`${what}: no answer within ${Math.round(ms)} ms`) }));
    work.then(
      (value) => {
        cancel();
        resolve({ ok: true, value });
      },
      (error: unknown) => {
        cancel();
        resolve({ ok: false, error });
      },
    );
  });
}

export function clusterConnection(databaseUrl: string, connectTimeoutMs: number, logger: Logger): ClusterConnection {
  const pool = new pg.Pool({ ...postgresConnectionConfig(databaseUrl), max: 2, keepAlive: true, connectionTimeoutMillis: Math.max(1000, Math.round(connectTimeoutMs)) });
  pool.on('error', (error) => logger.debug({ err: error.message }, 'cluster connection lost (idle)'));
  // A connection dropped under a statement is also emitted as 'error' on its client, which the
  // pool does not listen to while the client is checked out: unheard, Node would end the process.
  pool.on('connect', (client) => client.on('error', (error) => logger.debug({ err: error.message }, 'cluster connection lost')));

  async function run<R extends pg.QueryResultRow>(statements: readonly Statement[], abandonMs: number): Promise<R[]> {
    const client = await pool.connect();
    let released = false;
    const release = (error?: Error) => {
      if (released) return;
      released = true;
      client.release(error);
    };
    // Closing the connection fails the statement under way, so `answer` settles.
    const cancel = afterPendingIo(abandonMs, () => release(new Error('cluster statement abandoned')));
    try {
      if (statements.length === 1) return (await client.query<R>(statements[0]!.text, statements[0]!.values([]))).rows;
      await client.query('begin');
      let rows: pg.QueryResultRow[] = [];
      for (const s of statements) rows = (await client.query(s.text, s.values(rows))).rows;
      await client.query('commit');
      return rows as R[];
    } catch (error) {
      release(error instanceof Error ? error : new Error(String(error)));
      throw error;
    } finally {
      cancel();
      release();
    }
  }

  return {
    send(statements, bounds) {
      const answer = run<any>(statements, bounds.abandonMs);
      return { answer, within: within(answer, bounds.patienceMs, 'cluster statement') };
    },
    async end() {
      await pool.end().catch(() => {});
    },
  };
}
