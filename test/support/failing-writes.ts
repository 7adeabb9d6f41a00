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
  /** For the engine harness's `storeDelay`: a rejection for a write while failing, else null. */
  delay(method: string): Promise<void> | null;
  /** The store with the fault in front of it (for a service's store override). */
  wrap(store: Store): Store;
}

export function writeFault(): WriteFault {
  const fault: WriteFault = {
    failing: false,
    refused: new Map(),
    delay(method) {
      if (!fault.failing || READS.test(method)) return null;
      fault.refused.set(method, (fault.refused.get(method) ?? 0) + 1);
      return Promise.reject(new StoreUnavailableError(`database unavailable: SQLITE_FULL: database or disk is full (injected on ${method})`));
    },
    wrap(store) {
      const wrapped: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(store)) {
        wrapped[key] =
          typeof value === 'function'
            ? (...args: unknown[]) => fault.delay(key)?.then(() => undefined) ?? (value as (...a: unknown[]) => unknown).apply(store, args)
            : value;
      }
      return wrapped as unknown as Store;
    },
  };
  return fault;
}
