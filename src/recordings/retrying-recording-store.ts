/**
 * A RecordingStore that does not give up on the first failed write (a full disk, a read-only
 * or missing folder): a save is tried again with a back-off (0.5 s doubling to 8 s) until it
 * lands or `retryForMs` (default 60 s) has passed since its first try. The first retry calls
 * the caller's `onRetrying`: the driver then reports the call ended at once (its agent and
 * capacity are freed) with the recording still to come, and only the call's updateCampaign
 * waits: it carries the link when the folder comes back within the bound, and goes out
 * without one (the recording counted lost) when it does not, so no update waits longer than
 * the bound and each still precedes the campaign's finish.
 *
 * Only a source (a function that produces the bytes again: a generated tone, a new download
 * from the PBX) can be tried again; plain bytes are kept and written again; a bare stream is
 * read once. A failure of the source itself (the PBX lost the file) is not retried.
 */
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { RecordingBytes, RecordingData, RecordingStore, StoredRecording } from '../ports/recording-store.ts';
import type { RecordingHealth } from './recording-health.ts';

export const RECORDING_RETRY_FOR_MS = 60_000;
const FIRST_PAUSE_MS = 500;
const MAX_PAUSE_MS = 8_000;

export interface RetryingRecordingStoreOptions {
  clock: Clock;
  logger: Logger;
  health: RecordingHealth;
  /** How long a save keeps being tried after its first failure (default 60 s). */
  retryForMs?: number;
}

class SourceFailed extends Error {
  constructor(readonly original: unknown) {
    super(String((original as Error)?.message ?? original));
  }
}

export function createRetryingRecordingStore(inner: RecordingStore, options: RetryingRecordingStoreOptions): RecordingStore {
  const { clock, logger, health } = options;
  const retryForMs = options.retryForMs ?? RECORDING_RETRY_FOR_MS;
  const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimer(ms, resolve));

  return {
    locate: (key) => inner.locate(key),
    ...(inner.remove ? { remove: (key: string) => inner.remove!(key) } : {}),

    async save(callId, contentType, data, options): Promise<StoredRecording> {
      const replayable = typeof data === 'function' || data instanceof Uint8Array;
      // The source's own failure (not the store's) ends the save at once.
      const source: RecordingData = typeof data === 'function'
        ? async (): Promise<RecordingBytes> => {
            try {
              return await data();
            } catch (error) {
              throw new SourceFailed(error);
            }
          }
        : data;
      const firstTryAt = clock.now();
      let waiting = false;
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            const stored = await inner.save(callId, contentType, source);
            health.saved();
            if (attempt > 1) logger.info({ callId, attempts: attempt }, 'recording stored after retries');
            return stored;
          } catch (error) {
            if (error instanceof SourceFailed) throw error.original;
            const reason = String((error as Error)?.message ?? error);
            const now = clock.now();
            const pause = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (attempt - 1));
            if (!replayable || now + pause - firstTryAt > retryForMs) {
              health.lost({ callId, at: now, reason });
              logger.error({ callId, reason, attempts: attempt, triedForMs: now - firstTryAt }, 'recording lost: it could not be stored');
              throw error;
            }
            health.retrying(now, reason);
            if (!waiting) {
              waiting = true;
              health.waitStarted();
              options?.onRetrying?.();
            }
            logger.warn({ callId, reason, attempt, retryInMs: pause }, 'recording not stored; trying again');
            await sleep(pause);
          }
        }
      } finally {
        if (waiting) health.waitEnded();
      }
    },
  };
}
