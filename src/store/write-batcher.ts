/**
 * Group commit for the writes a busy floor makes per call (a leg's progress, its end): the
 * writes that arrive while one transaction is being committed go together into the next, up to
 * `maxBatch`, instead of one transaction each. A commit is the costliest step of such a write
 * (SQLite: the WAL frames and checkpoints, about as much as the statements; PostgreSQL: a WAL
 * flush and a round trip), and on SQLite every query waits for the one connection, so a leg
 * about to be placed no longer queues behind hundreds of separate commits after a wave of calls
 * ends together.
 *
 * Each write keeps its own result: when a batch fails (one write refused by the lease fence, a
 * lost connection), its writes are run again one by one, each in its own transaction, so only
 * the failing one reports the failure (the others are the same statements; an end already
 * written is recognised by the write itself). One batch is in flight at a time, so two batches
 * of one process never wait for each other's row locks.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

export type BatchedWrite<T> = (trx: Transaction<Database>) => Promise<T>;

interface Queued {
  write: BatchedWrite<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Most writes in one transaction: bounds how long one batch holds the connection (SQLite runs it in one turn of the event loop). */
export const MAX_BATCH = 32;

export class WriteBatcher {
  private queue: Queued[] = [];
  private flushing = false;
  private scheduled = false;

  constructor(
    private db: Kysely<Database>,
    private maxBatch = MAX_BATCH,
  ) {}

  /** Runs `write` in a transaction shared with the writes queued with it; resolves with its own result. */
  run<T>(write: BatchedWrite<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing || this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    // The writes of the current turn of the event loop (and of those arriving meanwhile) join.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        if (batch.length === 1) await this.runAlone(batch[0]!);
        else await this.runTogether(batch);
      }
    } finally {
      this.flushing = false;
      this.schedule();
    }
  }

  private async runTogether(batch: Queued[]): Promise<void> {
    let results: unknown[];
    try {
      results = await this.db.transaction().execute(async (trx) => {
        const out: unknown[] = [];
        for (const queued of batch) out.push(await queued.write(trx));
        return out;
      });
    } catch {
      // Which write failed, and whether the others would have, is told by each alone.
      for (const queued of batch) await this.runAlone(queued);
      return;
    }
    batch.forEach((queued, i) => queued.resolve(results[i]));
  }

  private async runAlone(queued: Queued): Promise<void> {
    try {
      queued.resolve(await this.db.transaction().execute(queued.write));
    } catch (error) {
      queued.reject(error);
    }
  }
}
