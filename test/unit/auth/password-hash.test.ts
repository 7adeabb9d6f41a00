import { describe, expect, it } from 'vitest';
import { hashPassword, isPasswordHash, verifyPassword } from '../../../src/auth/password-hash.ts';

const CHEAP = { N: 1024, r: 8, p: 1 };

describe('password hashes', () => {
  it('are written as scrypt$N$r$p$salt$hash and verify the password they were made from', async () => {
    const hash = await hashPassword('mật khẩu', CHEAP);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(isPasswordHash(hash)).toBe(true);
    expect(await verifyPassword('mật khẩu', hash)).toBe(true);
  });

  it('do not verify another password', async () => {
    const hash = await hashPassword('secret', CHEAP);
    expect(await verifyPassword('Secret', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('use a fresh salt each time', async () => {
    expect(await hashPassword('same', CHEAP)).not.toBe(await hashPassword('same', CHEAP));
  });

  it('reject malformed hashes instead of throwing', async () => {
    for (const bad of ['', 'plain', 'scrypt$1000$8$1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g', 'bcrypt$x']) {
      expect(isPasswordHash(bad)).toBe(false);
      expect(await verifyPassword('x', bad)).toBe(false);
    }
  });
});
