/**
 * Signed, expiring recording links (decision 3.11): the CRM downloads a recording with the URL
 * alone, no other credentials; anyone without the URL cannot guess it, and a link stops
 * working after its expiry. Signature = HMAC-SHA256 over "<key>\n<expiry>".
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface LinkSigner {
  /** Absolute URL of the recording, valid until now + ttl. */
  urlFor(key: string, now: number): string;
  /** True when `sig` signs `key` with expiry `exp` (unix seconds) and the link has not expired at `now`. */
  verify(key: string, exp: string, sig: string, now: number): 'ok' | 'expired' | 'bad-signature';
}

export const RECORDING_ROUTE_PREFIX = '/recordings/';

/** `baseUrl` may be a function when it is only known once the server listens (port 0). */
export function createLinkSigner(options: { secret: string; baseUrl: string | (() => string); ttlSeconds: number }): LinkSigner {
  const base = typeof options.baseUrl === 'function' ? options.baseUrl : () => options.baseUrl as string;
  const sign = (key: string, exp: number) => createHmac('sha256', options.secret).update(`${key}\n${exp}`).digest('base64url');
  return {
    urlFor(key, now) {
      const exp = Math.floor(now / 1000) + options.ttlSeconds;
      const path = key.split('/').map(encodeURIComponent).join('/');
      return `${base()}${RECORDING_ROUTE_PREFIX}${path}?exp=${exp}&sig=${sign(key, exp)}`;
    },
    verify(key, exp, sig, now) {
      if (!/^\d{1,12}$/.test(exp)) return 'bad-signature';
      const expected = Buffer.from(sign(key, Number(exp)));
      const given = Buffer.from(sig);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'bad-signature';
      return Number(exp) * 1000 < now ? 'expired' : 'ok';
    },
  };
}
