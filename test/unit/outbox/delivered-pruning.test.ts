/**
 * Old delivered callbacks are deleted in bounded passes on the Clock: the cut-off is "now
 * minus the keeping days", a full batch asks for another pass a second later, a failing store
 * is tried again at the next interval, and 0 days keeps everything.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/clock/virtual-clock.ts';
import { createDeliveredPruning } from '../../../src/outbox/delivered-pruning.ts';
import { silentLogger } from '../../../src/ports/logger.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 8);

/** An outbox of `old` delivered callbacks past any cut-off: each call deletes up to its limit. */
function fakeOutbox(old: number, failFirst = 0) {
  const calls: { before: number; limit: number; at: number }[] = [];
  let left = old;
  let failures = failFirst;
  return {
    calls,
    left: () => left,
    outbox: (clock: VirtualClock) => ({
      async pruneDeliveredCallbacks(before: number, limit: number) {
        calls.push({ before, limit, at: clock.now() });
        if (failures-- > 0) throw new Error('database restarting');
        const n = Math.min(left, limit);
        left -= n;
        return n;
      },
    }),
  };
}

describe('pruning of delivered callbacks', () => {
  it('cuts off at now minus the keeping days, drains a backlog in batches a second apart, then waits an hour', async () => {
    const clock = new VirtualClock(T0);
    const fake = fakeOutbox(25);
    const job = createDeliveredPruning({ clock, logger: silentLogger, outbox: fake.outbox(clock), keepDays: 30, batchSize: 10 });
    job.start();
    await clock.advanceBy(5_000);
    expect(fake.calls.map((c) => c.limit)).toEqual([10, 10, 10]);
    expect(fake.calls[0]).toEqual({ before: T0 + 1_000 - 30 * DAY, limit: 10, at: T0 + 1_000 });
    expect(fake.left()).toBe(0);
    await clock.advanceBy(HOUR - 10_000);
    expect(fake.calls).toHaveLength(3);
    await clock.advanceBy(10_000);
    expect(fake.calls).toHaveLength(4);
    await job.stop();
    await clock.advanceBy(2 * HOUR);
    expect(fake.calls).toHaveLength(4);
  });

  it('a store that refuses is tried again at the next pass, without stopping the job', async () => {
    const clock = new VirtualClock(T0);
    const fake = fakeOutbox(3, 1);
    const job = createDeliveredPruning({ clock, logger: silentLogger, outbox: fake.outbox(clock), keepDays: 1, intervalMs: HOUR });
    job.start();
    await clock.advanceBy(HOUR + 2_000);
    expect(fake.calls).toHaveLength(2);
    expect(fake.left()).toBe(0);
    await job.stop();
  });

  it('keeps everything with 0 days', async () => {
    const clock = new VirtualClock(T0);
    const fake = fakeOutbox(3);
    const job = createDeliveredPruning({ clock, logger: silentLogger, outbox: fake.outbox(clock), keepDays: 0 });
    job.start();
    await clock.advanceBy(3 * HOUR);
    expect(fake.calls).toHaveLength(0);
    await job.stop();
  });
});
