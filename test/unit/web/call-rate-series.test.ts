import { describe, expect, it } from 'vitest';
import { createCallRateSeries } from '../../../src/web/call-rate-series.ts';

const T0 = Date.UTC(2025, 0, 6, 2, 0, 0);

describe('calls per minute', () => {
  it('counts ended calls by status in the minute they ended, empty minutes included', () => {
    let now = T0 + 2 * 60_000 + 5_000;
    const series = createCallRateSeries({ now: () => now, minutes: 3 });
    series.record('ANSWERED', T0 + 10_000);
    series.record('BUSY', T0 + 50_000);
    series.record('ANSWERED', T0 + 2 * 60_000 + 1_000);
    expect(series.series()).toEqual([
      { at: T0, counts: { ANSWERED: 1, BUSY: 1 }, total: 2 },
      { at: T0 + 60_000, counts: {}, total: 0 },
      { at: T0 + 120_000, counts: { ANSWERED: 1 }, total: 1 },
    ]);
    now += 60_000;
    expect(series.series().map((m) => m.total)).toEqual([0, 1, 0]);
  });
});
