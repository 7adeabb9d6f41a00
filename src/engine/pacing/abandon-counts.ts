/**
 * Abandoned and answered customers of one campaign, since it started and over a rolling
 * window (one-minute buckets), as the abandon cap is measured: abandoned / answered, where a
 * customer counts as answered when bridged to an agent or when abandoned.
 */
const BUCKET_MS = 60_000;

export interface AbandonTally {
  answered: number;
  abandoned: number;
}

export class AbandonCounts {
  readonly total: AbandonTally = { answered: 0, abandoned: 0 };
  private readonly buckets: { start: number; answered: number; abandoned: number }[] = [];

  constructor(readonly windowMs: number) {}

  connected(at: number): void {
    this.total.answered++;
    this.bucket(at).answered++;
  }

  abandoned(at: number): void {
    this.total.answered++;
    this.total.abandoned++;
    const b = this.bucket(at);
    b.answered++;
    b.abandoned++;
  }

  /** The tally of the last `windowMs` before `now` (whole buckets). */
  window(now: number): AbandonTally {
    this.forget(now);
    const tally = { answered: 0, abandoned: 0 };
    for (const b of this.buckets) {
      tally.answered += b.answered;
      tally.abandoned += b.abandoned;
    }
    return tally;
  }

  private bucket(at: number) {
    const start = Math.floor(at / BUCKET_MS) * BUCKET_MS;
    let last = this.buckets.at(-1);
    if (!last || last.start < start) {
      last = { start, answered: 0, abandoned: 0 };
      this.buckets.push(last);
      this.forget(at);
    }
    return last;
  }

  private forget(now: number): void {
    while (this.buckets.length > 0 && this.buckets[0]!.start + BUCKET_MS <= now - this.windowMs) this.buckets.shift();
  }
}

export function rateOf(t: AbandonTally): number {
  return t.answered === 0 ? 0 : t.abandoned / t.answered;
}
