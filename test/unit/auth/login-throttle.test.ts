import { describe, expect, it } from 'vitest';
import { clientOf, createLoginThrottle } from '../../../src/auth/login-throttle.ts';

describe('login throttle', () => {
  it('never locks a username for everyone: guesses from one address do not stop its owner at another', () => {
    let now = 0;
    const throttle = createLoginThrottle({ now: () => now, freeFailures: 3 });
    for (let i = 0; i < 50; i++) {
      now += throttle.retryAfter('admin', '203.0.113.66') * 1000;
      throttle.failed('admin', '203.0.113.66');
    }
    expect(throttle.retryAfter('admin', '203.0.113.66')).toBeGreaterThan(0);
    expect(throttle.retryAfter('ADMIN', '10.0.0.5')).toBe(0);
  });

  it('lets a few failures through, then makes each further attempt from that address wait twice as long, up to the cap', () => {
    let now = 0;
    const throttle = createLoginThrottle({ now: () => now, freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 8000 });
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      waits.push(throttle.retryAfter('lan', '10.0.0.1'));
      now += waits.at(-1)! * 1000;
      throttle.failed('lan', '10.0.0.1');
    }
    expect(waits).toEqual([0, 0, 0, 1, 2, 4, 8, 8]);
  });

  it('slows an address that guesses many usernames, and only that address', () => {
    const throttle = createLoginThrottle({ now: () => 0, freeAddressFailures: 3 });
    for (const user of ['a', 'b', 'c']) throttle.failed(user, '127.0.0.1');
    expect(throttle.retryAfter('d', '127.0.0.1')).toBeGreaterThan(0);
    expect(throttle.retryAfter('d', '127.0.0.2')).toBe(0);
  });

  it('treats an IPv4 client seen as ::ffff:a.b.c.d as the same address', () => {
    const throttle = createLoginThrottle({ now: () => 0, freeFailures: 1 });
    throttle.failed('lan', '192.0.2.7');
    expect(throttle.retryAfter('lan', '::ffff:192.0.2.7')).toBeGreaterThan(0);
  });

  it('counts an IPv6 client by its /64, so fresh addresses from one network do not reset the wait', () => {
    expect(clientOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientOf('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(clientOf('2001:db8::5')).toBe('2001:db8:0:0::/64');
    expect(clientOf('::1')).toBe('0:0:0:0::/64');
    expect(clientOf('::ffff:192.0.2.7')).toBe('192.0.2.7');
    const throttle = createLoginThrottle({ now: () => 0, freeFailures: 2 });
    throttle.failed('admin', '2001:db8:1:2::10');
    throttle.failed('admin', '2001:db8:1:2::11');
    expect(throttle.retryAfter('admin', '2001:db8:1:2::12')).toBeGreaterThan(0);
    expect(throttle.retryAfter('admin', '2001:db8:1:3::12')).toBe(0);
  });

  it('clears a username at an address after a successful sign-in there', () => {
    const throttle = createLoginThrottle({ now: () => 0, freeFailures: 2 });
    throttle.failed('lan', '1.1.1.1');
    throttle.succeeded('lan', '1.1.1.1');
    throttle.failed('lan', '1.1.1.1');
    expect(throttle.retryAfter('lan', '1.1.1.1')).toBe(0);
  });

  it('forgets failures some time after the last one', () => {
    let now = 0;
    const throttle = createLoginThrottle({ now: () => now, freeFailures: 1, maxDelayMs: 60_000, forgetAfterMs: 3_600_000 });
    throttle.failed('lan', '1.1.1.1');
    throttle.failed('lan', '1.1.1.1');
    expect(throttle.retryAfter('lan', '1.1.1.1')).toBeGreaterThan(0);
    now = 3_600_001;
    expect(throttle.retryAfter('lan', '1.1.1.1')).toBe(0);
  });
});
