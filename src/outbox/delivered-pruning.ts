/**
 * Keeps the outbox from growing for ever: callbacks the CRM acknowledged more than
 * `keepDays` ago are deleted, in bounded batches, once an hour (and again soon while a
 * batch comes back full, so a backlog drains in steps without holding the database).
 * Pending and dead callbacks are never touched: they are work not done yet. Timing comes
 * from the Clock port.
 */
import type { Clock, TimerHandle } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { OutboxStore } from '../ports/store.ts';

const DAY_MS = 86_400_000;
const CATCH_UP_MS = 1_000;

export interface DeliveredPruningDeps {
  clock: Clock;
  logger: Logger;
  outbox: Pick<OutboxStore, 'pruneDeliveredCallbacks'>;
  /** Days a delivered callback is kept; 0 turns pruning off. */
  keepDays: number;
  /** Time between passes (default 1 h). */
  intervalMs?: number;
  /** Most callbacks deleted in one pass (default 5,000). */
  batchSize?: number;
}

export interface DeliveredPruning {
  /** One pass: how many callbacks were deleted, and whether a full batch says more may be due. */
  runOnce(): Promise<{ deleted: number; more: boolean }>;
  start(): void;
  stop(): Promise<void>;
}

export function createDeliveredPruning(deps: DeliveredPruningDeps): DeliveredPruning {
  const intervalMs = deps.intervalMs ?? 3_600_000;
  const batchSize = deps.batchSize ?? 5_000;
  let timer: TimerHandle | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;

  async function runOnce() {
    const deleted = await deps.outbox.pruneDeliveredCallbacks(deps.clock.now() - deps.keepDays * DAY_MS, batchSize);
    if (deleted > 0) deps.logger.info({ deleted, keepDays: deps.keepDays }, 'delivered callbacks past their keeping time deleted');
    return { deleted, more: deleted >= batchSize };
  }

  function schedule(ms: number) {
    if (stopped) return;
    timer = deps.clock.setTimer(ms, () => {
      timer = null;
      running = runOnce()
        .then((pass) => schedule(pass.more ? CATCH_UP_MS : intervalMs))
        .catch((error) => {
          // The store may be down for a while: the next pass tries again, nothing is lost by waiting.
          deps.logger.warn({ err: String(error) }, 'deleting old delivered callbacks failed; trying again later');
          schedule(intervalMs);
        })
        .finally(() => (running = null));
    });
  }

  return {
    runOnce,
    start() {
      if (deps.keepDays <= 0 || !stopped) return;
      stopped = false;
      schedule(CATCH_UP_MS);
    },
    async stop() {
      stopped = true;
      timer?.cancel();
      timer = null;
      await running;
    },
  };
}
