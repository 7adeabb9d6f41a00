/**
 * Calls per minute by status, for the dashboard's charts: every ended call counted in the
 * minute it ended, over a rolling window (the last `minutes` minutes, since the service
 * started). Answer rate per minute follows from the counts.
 */
import type { ReportedStatus } from '../domain/disposition.ts';
import type { EngineEvents } from '../engine/engine-events.ts';

export interface MinuteCounts {
  /** Start of the minute, epoch milliseconds. */
  at: number;
  counts: Partial<Record<ReportedStatus, number>>;
  total: number;
}

export function createCallRateSeries(options: { now(): number; minutes?: number }) {
  const minutes = options.minutes ?? 60;
  const buckets = new Map<number, MinuteCounts>();

  const record = (status: ReportedStatus, at: number) => {
    const minute = Math.floor(at / 60_000) * 60_000;
    let b = buckets.get(minute);
    if (!b) {
      b = { at: minute, counts: {}, total: 0 };
      buckets.set(minute, b);
      const oldest = Math.floor(options.now() / 60_000) * 60_000 - minutes * 60_000;
      for (const key of buckets.keys()) if (key <= oldest) buckets.delete(key);
    }
    b.counts[status] = (b.counts[status] ?? 0) + 1;
    b.total++;
  };

  return {
    attach(events: EngineEvents): () => void {
      return events.on('call:ended', (e) => record(e.status, e.at));
    },
    record,
    /** One entry per minute of the window, oldest first, empty minutes included. */
    series(): MinuteCounts[] {
      const current = Math.floor(options.now() / 60_000) * 60_000;
      const out: MinuteCounts[] = [];
      for (let i = minutes - 1; i >= 0; i--) {
        const at = current - i * 60_000;
        const b = buckets.get(at);
        out.push(b ? { at, counts: { ...b.counts }, total: b.total } : { at, counts: {}, total: 0 });
      }
      return out;
    },
  };
}

export type CallRateSeries = ReturnType<typeof createCallRateSeries>;
