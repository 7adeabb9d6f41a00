/**
 * The retention job's pacing in virtual time: a pass deletes at most `batchSize` recordings per
 * profile; a full batch brings the next pass a second later, so a backlog drains in bounded
 * steps; then passes come once per interval. A profile with retention 0 is never asked; the
 * default profile covers campaigns whose type id no other profile claims. A recording whose
 * mark is refused (held meanwhile) keeps its file.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/clock/virtual-clock.ts';
import type { Profile } from '../../../src/domain/profile.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import type { ExpiredQuery, RecordingCatalog } from '../../../src/ports/recording-catalog.ts';
import { BUILTIN_DEFAULT_PROFILE } from '../../../src/config/profiles.ts';
import { createRetentionJob, DAY_MS } from '../../../src/recordings/retention-job.ts';

const NOW = Date.UTC(2026, 0, 10);

function fakeCatalog(expiredCount: number, options: { refuse?: Set<string> } = {}) {
  const pending = Array.from({ length: expiredCount }, (_, i) => ({ callId: `ccs-1-${i + 1}-1`, campaignId: 1, recordingKey: `2025/01/01/ccs-1-${i + 1}-1.wav`, endedAt: NOW - 40 * DAY_MS }));
  const queries: ExpiredQuery[] = [];
  const marked: string[] = [];
  const catalog = {
    dispositions: false,
    async expired(q: ExpiredQuery) {
      queries.push(q);
      return pending.filter((p) => !marked.includes(p.callId)).slice(0, q.limit);
    },
    async markDeleted(callId: string) {
      if (options.refuse?.has(callId)) return false;
      marked.push(callId);
      return true;
    },
  } as unknown as RecordingCatalog;
  return { catalog, queries, marked };
}

const profiles = (fallbackDays: number, others: Partial<Profile>[] = []) => ({
  fallback: { ...BUILTIN_DEFAULT_PROFILE, recordingRetentionDays: fallbackDays },
  list: others.map((o, i) => ({ ...BUILTIN_DEFAULT_PROFILE, name: `p${i}`, ...o })),
});

describe('recording retention job', () => {
  it('deletes at most a batch per pass, comes back a second later while batches are full, then hourly', async () => {
    const clock = new VirtualClock(NOW);
    const { catalog, marked } = fakeCatalog(5);
    const removed: string[] = [];
    const job = createRetentionJob({ clock, logger: silentLogger, catalog, files: { remove: async (key) => (removed.push(key), true) }, profiles: profiles(30), batchSize: 2, intervalMs: 3_600_000 });
    job.start();
    const at = async (ms: number) => {
      await clock.advanceTo(NOW + ms);
      await job.idle();
      return marked.length;
    };
    expect(await at(999)).toBe(0);
    expect(await at(1_000)).toBe(2);
    expect(await at(1_999)).toBe(2);
    expect(await at(2_000)).toBe(4);
    expect(await at(3_000)).toBe(5); // a partial batch: the next pass is an hour later
    expect(removed).toHaveLength(5);
    await job.stop();
  });

  it('asks per profile: the default one for type ids no other profile claims, none for retention 0', async () => {
    const clock = new VirtualClock(NOW);
    const { catalog, queries } = fakeCatalog(0);
    const job = createRetentionJob({ clock, logger: silentLogger, catalog, files: {}, profiles: profiles(30, [{ typeIds: [7], recordingRetentionDays: 0 }, { typeIds: [8, 9], recordingRetentionDays: 7 }]) });
    await job.runOnce();
    expect(queries).toEqual([
      { typeIds: null, excludeTypeIds: [7, 8, 9], endedBefore: NOW - 30 * DAY_MS, limit: 200 },
      { typeIds: [8, 9], excludeTypeIds: [], endedBefore: NOW - 7 * DAY_MS, limit: 200 },
    ]);
  });

  it('a recording held meanwhile (mark refused) keeps its file', async () => {
    const clock = new VirtualClock(NOW);
    const { catalog } = fakeCatalog(2, { refuse: new Set(['ccs-1-1-1']) });
    const removed: string[] = [];
    const job = createRetentionJob({ clock, logger: silentLogger, catalog, files: { remove: async (key) => (removed.push(key), true) }, profiles: profiles(30) });
    expect((await job.runOnce()).deleted).toBe(1);
    expect(removed).toEqual(['2025/01/01/ccs-1-2-1.wav']);
  });
});
