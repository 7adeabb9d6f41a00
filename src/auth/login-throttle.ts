/**
 * Slows password guessing without letting a guesser lock anyone out. Failures are counted per
 * username *and client address* and per client address alone; after a few free failures each
 * further attempt from that address must wait, the wait doubling with every failure (1 s, 2 s,
 * 4 s … at most `maxDelayMs`). A username is never locked for everyone: guesses at `admin` from
 * one address slow that address only, and `admin` signs in from its own address as usual.
 * A successful sign-in clears the count of that username at that address; counts are
 * forgotten `forgetAfterMs` after their last failure. An IPv6 address counts as its /64.
 */
export interface LoginThrottle {
  /** Seconds to wait before trying again, or 0 when an attempt is allowed. */
  retryAfter(username: string, ip: string): number;
  failed(username: string, ip: string): void;
  succeeded(username: string, ip: string): void;
}

export interface LoginThrottleOptions {
  now(): number;
  /** Failures of one username from one address before waiting starts. */
  freeFailures?: number;
  /** Failures from one address, whatever the usernames, before waiting starts. */
  freeAddressFailures?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  forgetAfterMs?: number;
  maxKeys?: number;
}

/**
 * The client an address stands for: an IPv4 client seen through an IPv6 socket is that IPv4
 * address, and an IPv6 client is its /64 (one host or household usually holds a whole /64, so
 * counting single addresses would let it take a fresh one for each guess).
 */
export function clientOf(ip: string): string {
  const plain = ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '').replace(/%.*$/, '').toLowerCase();
  if (!plain.includes(':')) return plain;
  const [head = '', tail] = plain.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const freeFailures = options.freeFailures ?? 5;
  const freeAddressFailures = options.freeAddressFailures ?? 30;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 15 * 60_000;
  const forgetAfterMs = Math.max(options.forgetAfterMs ?? 60 * 60_000, maxDelayMs);
  const maxKeys = options.maxKeys ?? 50_000;
  const failures = new Map<string, { count: number; last: number }>();

  const address = clientOf;
  const pairKey = (username: string, ip: string) => `u:${username.toLowerCase()}\n${address(ip)}`;
  const addressKey = (ip: string) => `ip:${address(ip)}`;

  const entry = (key: string) => {
    const e = failures.get(key);
    if (e && options.now() - e.last > forgetAfterMs) {
      failures.delete(key);
      return undefined;
    }
    return e;
  };
  const bump = (key: string) => {
    const e = entry(key);
    if (e) {
      e.count++;
      e.last = options.now();
      return;
    }
    if (failures.size >= maxKeys) failures.delete(failures.keys().next().value!);
    failures.set(key, { count: 1, last: options.now() });
  };
  const wait = (key: string, free: number) => {
    const e = entry(key);
    if (!e || e.count < free) return 0;
    const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(e.count - free, 30));
    return Math.max(0, Math.ceil((e.last + delay - options.now()) / 1000));
  };

  return {
    retryAfter: (username, ip) => Math.max(wait(pairKey(username, ip), freeFailures), wait(addressKey(ip), freeAddressFailures)),
    failed(username, ip) {
      bump(pairKey(username, ip));
      bump(addressKey(ip));
    },
    succeeded(username, ip) {
      failures.delete(pairKey(username, ip));
    },
  };
}
