/**
 * Optional signing of CRM callbacks. With a shared secret configured, every request carries
 *
 *   X-CCS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">
 *
 * so the CRM can check that the body came from CCS unaltered, and reject replays older than
 * a tolerance. `verifySignature` is the check a CRM implements, provided here for tests and
 * for CRM implementers to copy. Several `v1=` values are accepted (secret rotation).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-CCS-Signature';

/** How far the signed time may be from the verifier's clock, by default. */
export const DEFAULT_SIGNATURE_TOLERANCE_SEC = 300;

export function computeSignature(timestampSec: number, body: string, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampSec}.${body}`).digest('hex');
}

/** The header value for `body` signed at `nowMs`. */
export function signatureHeader(body: string, secret: string, nowMs: number): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${computeSignature(t, body, secret)}`;
}

/**
 * True when `header` signs exactly `body` with `secret` and its time is within `toleranceSec`
 * of `nowMs`. `body` must be the raw bytes as received (before any JSON parsing).
 */
export function verifySignature(
  header: string | null | undefined,
  body: string,
  secret: string,
  nowMs: number,
  toleranceSec = DEFAULT_SIGNATURE_TOLERANCE_SEC,
): boolean {
  if (!header) return false;
  let timestamp: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d+$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase());
  }
  if (timestamp === null || candidates.length === 0) return false;
  if (Math.abs(Math.floor(nowMs / 1000) - timestamp) > toleranceSec) return false;
  const expected = Buffer.from(computeSignature(timestamp, body, secret), 'hex');
  return candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
}
