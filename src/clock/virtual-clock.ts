/**
 * A clock that only moves when told to. Tests and the pacing simulation use it to run the
 * real engine through hours of calls in seconds: `advanceTo(t)` fires every timer due before
 * `t` in time order, and after each one waits for the work it started to settle, so the
 * engine observes the same order of events it would in real time.
 */
import type { Clock, TimerHandle } from '../ports/clock.ts';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Lets promise chains and I/O callbacks started by a timer run to completion. */
export async function settleMacrotasks(rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private heap: Timer[] = [];
  private settle: () => Promise<void>;

  constructor(startAt: number, options: { settle?: () => Promise<void> } = {}) {
    this.current = startAt;
    this.settle = options.settle ?? (() => settleMacrotasks());
  }

  now(): number {
    return this.current;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const timer: Timer = { at: this.current + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Time of the earliest live timer, or null. */
  nextTimerAt(): number | null {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap[0]?.at ?? null;
  }

  /** Fires every timer due at or before `until`, then leaves the clock at `until`. */
  async advanceTo(until: number): Promise<void> {
    await this.settle();
    for (;;) {
      const next = this.nextTimerAt();
      if (next === null || next > until) break;
      const timer = this.pop()!;
      this.current = Math.max(this.current, timer.at);
      timer.fn();
      await this.settle();
    }
    this.current = Math.max(this.current, until);
  }

  advanceBy(ms: number): Promise<void> {
    return this.advanceTo(this.current + ms);
  }

  /** Advances in steps until `predicate` holds or `limitMs` of virtual time has passed. */
  async runUntil(predicate: () => boolean | Promise<boolean>, limitMs: number, stepMs = 1000): Promise<boolean> {
    const stop = this.current + limitMs;
    while (this.current < stop) {
      if (await predicate()) return true;
      await this.advanceTo(Math.min(stop, this.current + stepMs));
    }
    return predicate();
  }

  private push(timer: Timer): void {
    const h = this.heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && earlier(h[l]!, h[m]!)) m = l;
        if (r < h.length && earlier(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

const earlier = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
