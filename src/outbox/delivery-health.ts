/**
 * Keeps the delivery log quiet during a CRM outage: one warning when deliveries start to
 * fail, one line when they recover, and per-attempt detail only at debug level.
 */
import type { Logger } from '../ports/logger.ts';

export class DeliveryHealth {
  private failing = false;
  private failuresInOutage = 0;

  constructor(private readonly logger: Logger) {}

  get isFailing(): boolean {
    return this.failing;
  }

  succeeded(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.info({ failedAttempts: this.failuresInOutage }, 'CRM callback delivery recovered');
    this.failuresInOutage = 0;
  }

  failed(url: string, reason: string): void {
    this.failuresInOutage++;
    if (this.failing) return;
    this.failing = true;
    this.logger.warn({ url, reason }, 'CRM callback delivery failing; callbacks are kept and retried with back-off');
  }
}
