/**
 * The retention policy: a recording is deleted once its call ended more than its profile's
 * `recordingRetentionDays` ago (0 keeps it), unless a legal hold is on the call or on its
 * campaign. Each pass deletes at most `batchSize` recordings per profile; a full batch asks for
 * another pass soon, so a backlog drains in bounded steps. Timing comes from the Clock port.
 *
 * Order: the row is marked deleted (with its audit row) first, in a transaction that refuses
 * a held recording, and only then is the file removed; a hold set meanwhile therefore always
 * wins, and a crash between the two leaves a file without a link rather than a held recording
 * deleted (the next pass does not see it again; the log names it).
 */
import type { Profile } from '../domain/profile.ts';
import type { Clock, TimerHandle } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { RecordingCatalog } from '../ports/recording-catalog.ts';

export const DAY_MS = 86_400_000;

export interface RetentionJobDeps {
  clock: Clock;
  logger: Logger;
  catalog: RecordingCatalog;
  files: { remove?(key: string): Promise<boolean> };
  profiles: { list: readonly Profile[]; fallback: Profile };
  /** Time between passes (default 1 h). */
  intervalMs?: number;
  /** Most recordings deleted per profile in one pass (default 200). */
  batchSize?: number;
  /** Told after each recording deleted. */
  onDeleted?(callId: string): void;
}

export interface RetentionPass {
  deleted: number;
  /** Rows marked deleted whose file could not be removed. */
  fileErrors: number;
  /** True when some profile filled its batch (more may be due). */
  more: boolean;
}

export interface RetentionJob {
  runOnce(): Promise<RetentionPass>;
  start(): void;
  stop(): Promise<void>;
  /** Resolves when no pass is running (tests in virtual time wait on it). */
  idle(): Promise<void>;
}

const CATCH_UP_MS = 1_000;

export function createRetentionJob(deps: RetentionJobDeps): RetentionJob {
  const intervalMs = deps.intervalMs ?? 3_600_000;
  const batchSize = deps.batchSize ?? 200;
  let timer: TimerHandle | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;

  async function runOnce(): Promise<RetentionPass> {
    const pass: RetentionPass = { deleted: 0, fileErrors: 0, more: false };
    const now = deps.clock.now();
    const listed = deps.profiles.list.flatMap((p) => p.typeIds);
    for (const profile of [deps.profiles.fallback, ...deps.profiles.list]) {
      const days = profile.recordingRetentionDays ?? 0;
      if (days <= 0) continue;
      const isFallback = profile === deps.profiles.fallback;
      const due = await deps.catalog.expired({ typeIds: isFallback ? null : profile.typeIds, excludeTypeIds: isFallback ? listed : [], endedBefore: now - days * DAY_MS, limit: batchSize });
      if (due.length === batchSize) pass.more = true;
      for (const r of due) {
        const detail = `profile ${profile.name}: kept ${days} day(s)`;
        const marked = await deps.catalog.markDeleted(r.callId, now, { at: now, actor: 'retention', action: 'delete', via: 'retention', callId: r.callId, campaignId: r.campaignId, recordingKey: r.recordingKey, detail });
        if (!marked) continue;
        try {
          await deps.files.remove?.(r.recordingKey);
        } catch (error) {
          pass.fileErrors++;
          deps.logger.error({ callId: r.callId, key: r.recordingKey, err: String((error as Error)?.message ?? error) }, 'recording marked deleted but its file could not be removed');
        }
        pass.deleted++;
        deps.onDeleted?.(r.callId);
      }
    }
    if (pass.deleted > 0) deps.logger.info({ deleted: pass.deleted, more: pass.more }, 'recordings deleted by the retention policy');
    return pass;
  }

  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = deps.clock.setTimer(delayMs, () => {
      timer = null;
      const pass = runOnce().then(
        (p) => schedule(p.more ? CATCH_UP_MS : intervalMs),
        (error: unknown) => {
          // The database may be away for a while: the next pass tries again.
          deps.logger.warn({ err: String((error as Error)?.message ?? error) }, 'retention pass failed; trying again later');
          schedule(intervalMs);
        },
      );
      running = pass.finally(() => (running = null));
    });
  };

  return {
    runOnce,
    start() {
      if (!stopped) return;
      stopped = false;
      // A first pass soon after start, then one per interval.
      schedule(CATCH_UP_MS);
    },
    async idle() {
      await running;
    },
    async stop() {
      stopped = true;
      timer?.cancel();
      timer = null;
      await running;
    },
  };
}
