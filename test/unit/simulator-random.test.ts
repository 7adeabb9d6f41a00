/** The simulator's seeded randomness: reproducible streams and correctly shaped draws. */
import { describe, expect, it } from 'vitest';
import { createRandom, lognormal } from '../../src/telephony/simulator/random.ts';

describe('simulator random', () => {
  it('the same seed gives the same stream; another seed another', () => {
    const take = (seed: number) => {
      const r = createRandom(seed);
      return Array.from({ length: 5 }, () => r.nextUint32());
    };
    expect(take(42)).toEqual(take(42));
    expect(take(43)).not.toEqual(take(42));
  });

  it('draws uniformly in [0, 1)', () => {
    const r = createRandom(1);
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 50_000; i++) {
      const u = r.next();
      if (!(u >= 0 && u < 1)) outside++;
      else buckets[Math.floor(u * 10)]!++;
    }
    expect(outside).toBe(0);
    for (const count of buckets) expect(Math.abs(count - 5000)).toBeLessThan(300);
  });

  it('log-normal draws average the requested mean', () => {
    const r = createRandom(3);
    let sum = 0;
    for (let i = 0; i < 40_000; i++) sum += lognormal(r.next(), r.next(), 120, 0.6);
    expect(Math.abs(sum / 40_000 / 120 - 1)).toBeLessThan(0.02);
  });
});
