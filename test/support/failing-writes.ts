/**
 * Fault injection for store writes: while `failing` is on, every method that writes (all
 * but the reads) rejects the way a full disk or a read-only database does, without reaching
 * the store; reads go on working. Counts the refused calls per method so a test can check
 * the fault really hit what it meant to hit.
 */
import { StoreUnavailableError, type Store } from '../../src/ports/store.ts';

const READS = /^(get|list|count|due|next|open|outboxStats|ping|close)/;

export interface WriteFault {
  failing: boolean;
  refused: Map<string, number>;
  /**
   * Methods whose next call reaches the store and commits, then reports a lost connection (the
   * answer to COMMIT never came back); each is taken out of the set when it has happened.
   */
  loseAnswer: Set<string>;
  /** For the engine harness's `storeDelay`: a rejection for a write while failing, else null. */
  delay(method: string): Promise<void> | null;
  /** The store with the fault in front of it (for a service's store override). */
  wrap(store: Store): Store;
}

export function writeFault(): WriteFault {
  const fault: WriteFault = {
    failing: false,
    refused: new Map(),
    loseAnswer: new Set(),
    delay(method) {
      if (!fault.failing || READS.test(method)) return null;
      fault.refused.set(method, (fault.refused.get(method) ?? 0) + 1);
      return Promise.reject(new StoreUnavailableError(`database unavailable: SQLITE_FULL: database or disk is full (injected on ${method})`));
    },
    wrap(store) {
      const wrapped: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(store)) {
        if (typeof value !== 'function') {
          wrapped[key] = value;
          continue;
        }
        wrapped[key] = async (...args: unknown[]) => {
          await fault.delay(key);
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(store, args);
          if (fault.loseAnswer.delete(key)) throw new StoreUnavailableError(`database unavailable: Connection terminated unexpectedly (injected after ${key} committed)`);
          return result;
        };
      }
      return wrapped as unknown as Store;
    },
  };
  return fault;
}
