import { describe, expect, it } from 'vitest';
import { decideAfterFailure } from '../../../src/outbox/failure-policy.ts';

const config = { maxAgeMs: 60_000, backoff: { baseMs: 1_000, maxMs: 20_000, jitter: 0 } };
const createdAt = 1_000_000;

describe('after a failed delivery', () => {
  it('schedules the next attempt after the back-off for the number of failures so far', () => {
    expect(decideAfterFailure({ attempts: 0, createdAt }, createdAt, config, () => 0)).toEqual({ dead: false, nextAttemptAt: createdAt + 1_000 });
    expect(decideAfterFailure({ attempts: 3, createdAt }, createdAt + 5_000, config, () => 0)).toEqual({ dead: false, nextAttemptAt: createdAt + 13_000 });
  });

  it('makes the last attempt at the end of the maximum age rather than after it', () => {
    expect(decideAfterFailure({ attempts: 6, createdAt }, createdAt + 50_000, config, () => 0)).toEqual({ dead: false, nextAttemptAt: createdAt + 60_000 });
  });

  it('keeps a callback as dead once a failure happens at or past its maximum age', () => {
    expect(decideAfterFailure({ attempts: 7, createdAt }, createdAt + 60_000, config, () => 0)).toEqual({ dead: true, nextAttemptAt: createdAt + 60_000 });
    expect(decideAfterFailure({ attempts: 0, createdAt }, createdAt + 90_000, config, () => 0).dead).toBe(true);
  });
});
