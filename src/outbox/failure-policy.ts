/**
 * What happens to a callback after a failed attempt: due again after the back-off, but never
 * later than the end of its maximum age, so the last attempt lands at that deadline; a
 * failure at or past the deadline makes it dead (kept, listable, replayable). Pure.
 */
import type { CallbackRecord } from '../ports/store.ts';
import { backoffDelay, type RandomSource } from './backoff.ts';
import type { DeliveryConfig } from './delivery-config.ts';

export interface FailureDecision {
  dead: boolean;
  nextAttemptAt: number;
}

export function decideAfterFailure(
  row: Pick<CallbackRecord, 'attempts' | 'createdAt'>,
  now: number,
  config: Pick<DeliveryConfig, 'maxAgeMs' | 'backoff'>,
  random: RandomSource,
): FailureDecision {
  const deadline = row.createdAt + config.maxAgeMs;
  if (now >= deadline) return { dead: true, nextAttemptAt: now };
  // `attempts` counts the attempts recorded before this one; this failure is number attempts + 1.
  const delay = backoffDelay(row.attempts + 1, config.backoff, random);
  return { dead: false, nextAttemptAt: Math.min(now + delay, deadline) };
}
