import { describe, expect, it } from 'vitest';
import { createLoginThrottle } from '../../../src/auth/login-throttle.ts';

describe('login throttle', () => {
  it('refuses a username after too many failures until the window has passed', () => {
    let now = 0;
    const throttle = createLoginThrottle({ now: () => now, maxFailures: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfter('lan', `10.0.0.${i}`)).toBe(0);
      throttle.failed('lan', `10.0.0.${i}`);
    }
    expect(throttle.retryAfter('LAN', '10.0.0.9')).toBe(60);
    now = 60_001;
    expect(throttle.retryAfter('lan', '10.0.0.9')).toBe(0);
  });

  it('refuses an address that guesses many usernames', () => {
    const throttle = createLoginThrottle({ now: () => 0, maxFailures: 3 });
    for (const user of ['a', 'b', 'c']) throttle.failed(user, '127.0.0.1');
    expect(throttle.retryAfter('d', '127.0.0.1')).toBeGreaterThan(0);
    expect(throttle.retryAfter('d', '127.0.0.2')).toBe(0);
  });

  it('clears a username after a successful sign-in', () => {
    const throttle = createLoginThrottle({ now: () => 0, maxFailures: 2 });
    throttle.failed('lan', '1.1.1.1');
    throttle.succeeded('lan');
    throttle.failed('lan', '2.2.2.2');
    expect(throttle.retryAfter('lan', '3.3.3.3')).toBe(0);
  });
});
