import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay } from '../../../src/outbox/backoff.ts';

const backoff = { baseMs: 1_000, maxMs: 300_000 };

describe('back-off', () => {
  it('doubles the ceiling with each failure from the base', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffCeiling(n, backoff))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('never exceeds the maximum, even after very many failures', () => {
    expect(backoffCeiling(9, backoff)).toBe(256_000);
    expect(backoffCeiling(10, backoff)).toBe(300_000);
    expect(backoffCeiling(5_000, backoff)).toBe(300_000);
  });

  it('treats a zero or negative failure count as the first failure', () => {
    expect(backoffCeiling(0, backoff)).toBe(1_000);
    expect(backoffCeiling(-3, backoff)).toBe(1_000);
  });

  it('without jitter waits exactly the ceiling', () => {
    expect(backoffDelay(3, { ...backoff, jitter: 0 }, () => 0.9)).toBe(4_000);
  });

  it('with equal jitter waits between half the ceiling and the ceiling', () => {
    const b = { ...backoff, jitter: 0.5 };
    expect(backoffDelay(3, b, () => 0)).toBe(4_000);
    expect(backoffDelay(3, b, () => 0.5)).toBe(3_000);
    expect(backoffDelay(3, b, () => 0.999999)).toBe(2_000);
  });

  it('with full jitter waits anywhere up to the ceiling but never zero', () => {
    const b = { ...backoff, jitter: 1 };
    expect(backoffDelay(3, b, () => 0)).toBe(4_000);
    expect(backoffDelay(3, b, () => 0.75)).toBe(1_000);
    expect(backoffDelay(3, b, () => 0.9999999999)).toBe(1);
  });

  it('spreads callbacks that failed together over the jitter window', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const delays = Array.from({ length: 1_000 }, () => backoffDelay(4, { ...backoff, jitter: 0.5 }, random));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(4_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(8_000);
    expect(new Set(delays).size).toBeGreaterThan(500);
  });
});
