/** A token bucket on the engine clock: at most `perSecond` new calls per second, bursts of one second's worth. */
import type { Clock } from '../ports/clock.ts';

export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private clock: Clock,
    private perSecond: number,
  ) {
    this.tokens = Math.max(1, perSecond);
    this.last = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(Math.max(1, this.perSecond), this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }

  /** Whole tokens available now. */
  available(): number {
    this.refill();
    return Math.floor(this.tokens);
  }

  take(n = 1): void {
    this.refill();
    this.tokens -= n;
  }

  /** Milliseconds until one more token exists. */
  msUntilNext(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }
}
