/**
 * Slows password guessing: after `maxFailures` failed sign-ins for one username or from one
 * address within `windowMs`, further attempts are refused until the window has passed. A
 * successful sign-in clears the username's count.
 */
export interface LoginThrottle {
  /** Seconds to wait before trying again, or 0 when an attempt is allowed. */
  retryAfter(username: string, ip: string): number;
  failed(username: string, ip: string): void;
  succeeded(username: string): void;
}

export function createLoginThrottle(options: { now(): number; maxFailures?: number; windowMs?: number; maxKeys?: number }): LoginThrottle {
  const maxFailures = options.maxFailures ?? 10;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const maxKeys = options.maxKeys ?? 50_000;
  const failures = new Map<string, { count: number; since: number }>();

  const entry = (key: string) => {
    const e = failures.get(key);
    if (e && options.now() - e.since > windowMs) {
      failures.delete(key);
      return undefined;
    }
    return e;
  };
  const bump = (key: string) => {
    const e = entry(key);
    if (e) e.count++;
    else {
      if (failures.size >= maxKeys) failures.delete(failures.keys().next().value!);
      failures.set(key, { count: 1, since: options.now() });
    }
  };
  const wait = (key: string) => {
    const e = entry(key);
    return e && e.count >= maxFailures ? Math.ceil((e.since + windowMs - options.now()) / 1000) : 0;
  };

  return {
    retryAfter: (username, ip) => Math.max(wait(`u:${username.toLowerCase()}`), wait(`ip:${ip}`)),
    failed(username, ip) {
      bump(`u:${username.toLowerCase()}`);
      bump(`ip:${ip}`);
    },
    succeeded(username) {
      failures.delete(`u:${username.toLowerCase()}`);
    },
  };
}
