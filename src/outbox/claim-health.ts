/**
 * Keeps the delivery log readable while the store cannot hand out callbacks (a database
 * outage): the worker retries the claim every poll interval, so logging each failure would
 * print a line a second. Instead: a warning at the first failure, at most one summary a
 * minute while it lasts (failed attempts since the last line, the latest error), and one
 * line when a claim succeeds again. Time comes from the Clock.
 */
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';

/** Minimum time between two summary lines of one outage. */
export const CLAIM_FAILURE_SUMMARY_MS = 60_000;

export class ClaimHealth {
  /** When the first claim of the current outage failed; null while claims succeed. */
  private failingSince: number | null = null;
  private lastLineAt = 0;
  private failedSinceLine = 0;
  private failedInOutage = 0;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  failed(error: unknown): void {
    const now = this.clock.now();
    this.failedInOutage++;
    if (this.failingSince === null) {
      this.failingSince = now;
      this.lastLineAt = now;
      this.failedSinceLine = 0;
      this.logger.warn({ err: error }, 'claiming due callbacks failed; retrying every poll interval, callbacks stay in the outbox');
      return;
    }
    this.failedSinceLine++;
    if (now - this.lastLineAt < CLAIM_FAILURE_SUMMARY_MS) return;
    this.logger.warn(
      { err: error, failedAttempts: this.failedSinceLine, failedAttemptsTotal: this.failedInOutage, failingForS: Math.round((now - this.failingSince) / 1000) },
      'claiming due callbacks still failing',
    );
    this.lastLineAt = now;
    this.failedSinceLine = 0;
  }

  succeeded(): void {
    if (this.failingSince === null) return;
    const seconds = Math.round((this.clock.now() - this.failingSince) / 1000);
    this.logger.info({ failedAttempts: this.failedInOutage, outageS: seconds }, `callback delivery resumed after ${seconds} s`);
    this.failingSince = null;
    this.failedInOutage = 0;
    this.failedSinceLine = 0;
  }
}
