/**
 * Call history by subscriber, across every campaign: what frequency caps count. Reads the
 * attempts table (every attempt is written before its leg is placed, so an attempt in flight
 * counts too). Implementation: src/store/attempt-history.ts.
 */

export interface AttemptHistory {
  /** Start times (epoch ms, ascending) of attempts to this subscriber key started after `since`. */
  attemptTimes(subscriber: string, since: number): Promise<number[]>;
}
