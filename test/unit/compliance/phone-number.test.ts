import { describe, expect, it } from 'vitest';
import { dialVariants, subscriberKey, subscriberKeyOf, toDialNumber } from '../../../src/domain/phone-number.ts';

describe('subscriber keys', () => {
  it('folds the national 0… form, +84…, 84… and 0084… of a Vietnamese mobile into one key', () => {
    const forms = ['0912345678', '+84912345678', '84912345678', '0084912345678', '+840912345678', '0912 345 678', '091-234-5678', '(+84) 912.345.678'];
    for (const f of forms) expect(subscriberKey(f), f).toBe('+84912345678');
  });

  it('folds Vietnamese fixed lines (0 + 2xx area code + 8 digits) written nationally and internationally', () => {
    for (const f of ['02439999999', '+842439999999', '842439999999', '(024) 3999 9999']) expect(subscriberKey(f), f).toBe('+842439999999');
  });

  it('keeps other international numbers apart, folding 00… into +…', () => {
    expect(subscriberKey('+6591234567')).toBe('+6591234567');
    expect(subscriberKey('006591234567')).toBe('+6591234567');
    expect(subscriberKey('+6591234567')).not.toBe(subscriberKey('+84912345678'));
  });

  it('does not fold a bare 84… of the wrong length, nor short numbers', () => {
    expect(subscriberKey('849123456')).toBe('849123456');
    expect(subscriberKey('1900')).toBe('1900');
  });

  it('gives null for text that is not a plausible number', () => {
    expect(subscriberKeyOf('call me')).toBeNull();
    expect(subscriberKeyOf('12')).toBeNull();
    expect(subscriberKeyOf(42)).toBeNull();
    expect(subscriberKeyOf(' 0912 345 678 ')).toBe('+84912345678');
  });

  it('lists every dial spelling that folds to a key, each folding back to it', () => {
    const variants = dialVariants('+84912345678');
    expect(variants).toEqual(expect.arrayContaining(['0912345678', '+84912345678', '84912345678', '0084912345678', '+840912345678', '00840912345678']));
    for (const v of variants) {
      expect(subscriberKey(v)).toBe('+84912345678');
      expect(toDialNumber(v)).toBe(v);
    }
    expect(dialVariants('+842439999999')).toEqual(expect.arrayContaining(['02439999999', '842439999999', '+842439999999']));
    expect(dialVariants('+6591234567')).toEqual(['+6591234567', '006591234567']);
  });
});
