import { describe, expect, it } from 'vitest';
import { evaluateCaps } from '../../../src/compliance/frequency-cap.ts';

const H = 3_600_000;
const D = 24 * H;
const caps = [
  { label: '24h', windowMs: D, max: 1 },
  { label: '30d', windowMs: 30 * D, max: 3 },
];

describe('frequency caps', () => {
  it('allows a call when no attempt falls inside any window', () => {
    const v = evaluateCaps([], 100 * D, caps);
    expect(v).toEqual({ counts: { '24h': 0, '30d': 0 }, blockedUntil: null, blockedBy: null });
  });

  it('holds a second call within 24 hours back until 24 hours after the first', () => {
    const now = 100 * D;
    const v = evaluateCaps([now - 3 * H], now, caps);
    expect(v.blockedUntil).toBe(now - 3 * H + D);
    expect(v.blockedBy?.label).toBe('24h');
  });

  it('allows the call exactly 24 hours after the last one', () => {
    const now = 100 * D;
    expect(evaluateCaps([now - D], now, caps).blockedUntil).toBeNull();
  });

  it('holds a call back until the oldest of the attempts filling the 30-day window leaves it', () => {
    const now = 100 * D;
    const times = [now - 20 * D, now - 10 * D, now - 2 * D];
    const v = evaluateCaps(times, now, caps);
    expect(v.counts).toEqual({ '24h': 0, '30d': 3 });
    expect(v.blockedUntil).toBe(now - 20 * D + 30 * D);
    expect(v.blockedBy?.label).toBe('30d');
  });

  it('takes the latest release when several caps are reached', () => {
    const now = 100 * D;
    const times = [now - 29 * D, now - 28 * D, now - H];
    const v = evaluateCaps(times, now, caps);
    expect(v.blockedUntil).toBe(Math.max(now - H + D, now - 29 * D + 30 * D));
  });
});
