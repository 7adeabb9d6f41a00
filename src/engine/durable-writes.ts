/**
 * Writes the engine must not lose (a call's progress and end, a campaign's start and finish)
 * are retried until they land: a database that is restarting, a full disk or a read-only file
 * only delays them. Each is retried in place, so a call's events still land in order (the
 * call's queue waits), with a capped exponential back-off on the engine's clock. When the
 * engine stops, the retries give up: what did not land stays open in the store and the next
 * start reconciles it. A write refused because this node no longer holds its agent group's
 * lease (src/ports/coordination.ts) is not retried: the node now holding it takes the call up.
 *
 * The same object remembers the last write failure, for readiness ("why not ready").
 */
import type { Clock, TimerHandle } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import { isLeaseLost } from '../ports/coordination.ts';

export const FIRST_RETRY_MS = 250;
export const MAX_RETRY_MS = 5_000;

export interface WriteHealth {
  /** False while the last store write the engine tried failed (and nothing has landed since). */
  ok: boolean;
  /** Writes that failed at least once and have not landed yet. */
  retrying: number;
  lastError: { what: string; message: string; at: number } | null;
}

export class EngineStoppedError extends Error {
  constructor(what: string) {
    super(`engine stopped before "${what}" could be written; the next start reconciles it`);
    this.name = 'EngineStoppedError';
  }
}

/** Back-off before retry number `n` (1-based): 250 ms doubling, at most 5 s. */
export function retryDelayMs(n: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, n - 1));
}

export class DurableWrites {
  private failing = false;
  private lastError: WriteHealth['lastError'] = null;
  private waiting = new Map<TimerHandle, () => void>();
  private behind = 0;
  private recovered: (() => void)[] = [];
  private stopped = false;

  constructor(
    private clock: Clock,
    private logger: Logger,
  ) {}

  /** Runs `write` until it succeeds; rejects only when the engine stops first. */
  async run<T>(what: string, write: () => Promise<T>, bindings: Record<string, unknown> = {}): Promise<T> {
    let behind = false;
    try {
      for (let attempt = 1; ; attempt++) {
        if (this.stopped) throw new EngineStoppedError(what);
        try {
          const result = await write();
          this.succeeded(what, attempt, bindings);
          return result;
        } catch (error) {
          // Refused for good: another node dials this group now (its engine adopts the call).
          if (isLeaseLost(error)) throw error;
          this.failed(what, error, attempt, bindings);
          if (!behind) this.behind++;
          behind = true;
        }
        await this.pause(retryDelayMs(attempt), what);
      }
    } finally {
      if (behind) this.behind--;
    }
  }

  /** A write outside `run` (a dial pass, a placement) failed: readiness shows it. */
  failed(what: string, error: unknown, attempt = 1, bindings: Record<string, unknown> = {}): void {
    const message = String((error as Error)?.message ?? error);
    this.failing = true;
    this.lastError = { what, message, at: this.clock.now() };
    // The first failure and then every tenth, so a long outage does not flood the log.
    if (attempt === 1 || attempt % 10 === 0) {
      this.logger.warn({ ...bindings, err: message, attempt, retryInMs: retryDelayMs(attempt) }, `store write failed (${what}); retrying`);
    }
  }

  /** A store write landed: the store writes again. */
  succeeded(what = 'write', attempts = 1, bindings: Record<string, unknown> = {}): void {
    if (attempts > 1) this.logger.info({ ...bindings, attempts }, `store write landed after retries (${what})`);
    const wasFailing = this.failing;
    this.failing = false;
    if (wasFailing) for (const listener of this.recovered) listener();
  }

  /** `listener` runs when a write lands after a failure (the dialer resumes without waiting out its back-off). */
  onRecovered(listener: () => void): void {
    this.recovered.push(listener);
  }

  health(): WriteHealth {
    return { ok: !this.failing, retrying: this.behind, lastError: this.lastError };
  }

  /** Gives up every retry (engine stop); writes not landed stay open for the next start. */
  stop(): void {
    this.stopped = true;
    for (const [timer, wake] of this.waiting) {
      timer.cancel();
      wake();
    }
    this.waiting.clear();
  }

  private pause(ms: number, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const wake = () => (this.stopped ? reject(new EngineStoppedError(what)) : resolve());
      const timer = this.clock.setTimer(ms, () => {
        this.waiting.delete(timer);
        wake();
      });
      this.waiting.set(timer, wake);
    });
  }
}
