import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from '../../../src/outbox/signature.ts';

const body = '{"campaignid":1,"status":"completed","contact_total":10,"contact_success":7}';
const secret = 'shared-secret';
const now = Date.UTC(2025, 0, 6, 2, 0, 0, 750);

describe('callback signature', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 and the time in whole seconds', () => {
    const t = Math.floor(now / 1000);
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signatureHeader(body, secret, now)).toBe(`t=${t},v1=${expected}`);
  });

  it('verifies its own signature', () => {
    expect(verifySignature(signatureHeader(body, secret, now), body, secret, now)).toBe(true);
  });

  it('rejects a tampered body, a wrong secret, or a missing header', () => {
    const header = signatureHeader(body, secret, now);
    expect(verifySignature(header, body.replace('7', '8'), secret, now)).toBe(false);
    expect(verifySignature(header, body, 'other-secret', now)).toBe(false);
    expect(verifySignature(undefined, body, secret, now)).toBe(false);
    expect(verifySignature('', body, secret, now)).toBe(false);
    expect(verifySignature('garbage', body, secret, now)).toBe(false);
  });

  it('rejects a timestamp that was altered after signing', () => {
    const header = signatureHeader(body, secret, now).replace(/^t=(\d+)/, (_m, t) => `t=${Number(t) + 1}`);
    expect(verifySignature(header, body, secret, now)).toBe(false);
  });

  it('rejects a signature older or newer than the tolerance', () => {
    const header = signatureHeader(body, secret, now);
    expect(verifySignature(header, body, secret, now + 300_000, 300)).toBe(true);
    expect(verifySignature(header, body, secret, now + 301_000, 300)).toBe(false);
    expect(verifySignature(header, body, secret, now - 301_000, 300)).toBe(false);
  });

  it('accepts any of several v1 values, so a secret can be rotated', () => {
    const header = signatureHeader(body, secret, now);
    const rotated = header.replace(',v1=', `,v1=${'0'.repeat(64)},v1=`);
    expect(verifySignature(rotated, body, secret, now)).toBe(true);
  });
});
