/**
 * The distribution of a duration (time to answer, talk time, wrap-up…) over its most recent
 * samples: the last `capacity` values, kept both in a ring (to forget the oldest) and as a
 * histogram of fixed-width bins (to answer "how likely is it to be over by t?"). Adding a
 * sample is O(1); the first query after a change rebuilds the cumulative counts in O(bins),
 * later ones are O(1), with linear interpolation inside a bin.
 */
/** What the forecast asks of a duration's distribution. */
export interface DurationDistribution {
  /** P(duration ≤ seconds). */
  cdf(seconds: number): number;
}

export class DurationWindow implements DurationDistribution {
  private readonly ring: Float64Array;
  private readonly counts: Float64Array;
  private readonly cumulative: Float64Array;
  private size = 0;
  private next = 0;
  private sum = 0;
  private dirty = false;

  /** Durations in seconds; values past `maxSeconds` count as `maxSeconds`. */
  constructor(
    readonly capacity: number,
    private readonly binSeconds: number,
    readonly maxSeconds: number,
  ) {
    this.ring = new Float64Array(capacity);
    const bins = Math.ceil(maxSeconds / binSeconds) + 1;
    this.counts = new Float64Array(bins);
    this.cumulative = new Float64Array(bins + 1);
  }

  get count(): number {
    return this.size;
  }

  add(seconds: number): void {
    const value = Math.min(Math.max(0, seconds), this.maxSeconds);
    if (this.size === this.capacity) {
      const old = this.ring[this.next]!;
      this.counts[this.bin(old)]!--;
      this.sum -= old;
    } else this.size++;
    this.ring[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    this.counts[this.bin(value)]!++;
    this.sum += value;
    this.dirty = true;
  }

  mean(): number {
    return this.size === 0 ? 0 : this.sum / this.size;
  }

  /** P(duration ≤ seconds). 0 when there is no sample. */
  cdf(seconds: number): number {
    if (this.size === 0 || seconds < 0) return 0;
    if (seconds >= this.maxSeconds + this.binSeconds) return 1;
    this.rebuild();
    const position = seconds / this.binSeconds;
    const i = Math.min(Math.floor(position), this.counts.length - 1);
    const inside = this.counts[i]! * Math.min(1, position - i);
    return Math.min(1, (this.cumulative[i]! + inside) / this.size);
  }

  survival(seconds: number): number {
    return 1 - this.cdf(seconds);
  }

  /** The smallest duration d with P(duration ≤ d) ≥ q (bin resolution). */
  quantile(q: number): number {
    if (this.size === 0) return 0;
    this.rebuild();
    const wanted = q * this.size;
    for (let i = 0; i < this.counts.length; i++) {
      if (this.cumulative[i + 1]! >= wanted) {
        const inBin = this.counts[i]! > 0 ? (wanted - this.cumulative[i]!) / this.counts[i]! : 0;
        return (i + Math.max(0, Math.min(1, inBin))) * this.binSeconds;
      }
    }
    return this.maxSeconds;
  }

  /**
   * The Kaplan–Meier estimate from the window's samples plus durations still running (each known
   * only to exceed its elapsed time). Right after a start the completed samples are the short
   * ones; the running ones correct that. Evaluated up to `upTo` seconds; beyond the largest
   * observation the survival stays at its last value.
   */
  withRunning(elapsed: readonly number[], upTo: number): DurationDistribution {
    this.rebuild();
    const w = this.binSeconds;
    const bins = Math.min(this.counts.length, Math.ceil(upTo / w) + 1);
    const running = [...elapsed].sort((a, b) => a - b);
    const survival = new Float64Array(bins + 1);
    survival[0] = 1;
    let r = 0;
    for (let b = 0; b < bins; b++) {
      while (r < running.length && running[r]! < b * w) r++;
      const atRisk = this.size - this.cumulative[b]! + (running.length - r);
      const events = this.counts[b]!;
      survival[b + 1] = atRisk > 0 ? survival[b]! * (1 - events / atRisk) : survival[b]!;
    }
    return {
      cdf: (seconds) => {
        if (seconds <= 0) return 0;
        const position = seconds / w;
        const i = Math.min(Math.floor(position), bins - 1);
        const f = Math.min(1, position - i);
        const s = survival[i]! + (survival[i + 1]! - survival[i]!) * f;
        return 1 - s;
      },
    };
  }

  private bin(value: number): number {
    return Math.min(Math.floor(value / this.binSeconds), this.counts.length - 1);
  }

  private rebuild(): void {
    if (!this.dirty) return;
    let total = 0;
    for (let i = 0; i < this.counts.length; i++) {
      this.cumulative[i] = total;
      total += this.counts[i]!;
    }
    this.cumulative[this.counts.length] = total;
    this.dirty = false;
  }
}
