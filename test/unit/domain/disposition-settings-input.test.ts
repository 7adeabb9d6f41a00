import { describe, expect, it } from 'vitest';
import { parseDispositionSettings } from '../../../src/domain/disposition-settings-input.ts';

const code = (c: string, extra: Record<string, unknown> = {}) => ({ code: c, label: { vi: `Mã ${c}`, en: `Code ${c}` }, effect: 'final', ...extra });

describe('a supervisor’s disposition codes', () => {
  it('accepts 1–9 unique codes with both labels (trimmed) and an allowed effect; success defaults to false', () => {
    const answer = parseDispositionSettings({ required: true, codes: [code('sale', { success: true, label: { vi: ' Bán ', en: 'Sale ' } }), code('later', { effect: 'callback' })] });
    expect(answer).toEqual({
      ok: true,
      settings: { required: true, codes: [{ code: 'sale', label: { vi: 'Bán', en: 'Sale' }, effect: 'final', success: true }, { code: 'later', label: { vi: 'Mã later', en: 'Code later' }, effect: 'callback', success: false }] },
    });
    expect(parseDispositionSettings({ required: false, codes: Array.from({ length: 9 }, (_, i) => code(`c${i}`)) }).ok).toBe(true);
  });

  it.each([
    ['not an object', null, 'expected a JSON object'],
    ['no required flag', { codes: [code('a')] }, '"required"'],
    ['an unknown field', { required: true, codes: [code('a')], extra: 1 }, 'unknown field "extra"'],
    ['no codes', { required: true, codes: [] }, 'at least one code'],
    ['ten codes', { required: true, codes: Array.from({ length: 10 }, (_, i) => code(`c${i}`)) }, 'at most 9 codes'],
    ['a code with capitals', { required: true, codes: [code('Sale')] }, 'codes[0].code'],
    ['a code twice', { required: true, codes: [code('a'), code('a')] }, 'codes[1].code: "a" is listed twice'],
    ['a blank Vietnamese label', { required: true, codes: [code('a', { label: { vi: ' ', en: 'A' } })] }, 'codes[0].label.vi'],
    ['no English label', { required: true, codes: [code('a', { label: { vi: 'A' } })] }, 'codes[0].label.en'],
    ['an unknown effect', { required: true, codes: [code('a', { effect: 'delete' })] }, 'codes[0].effect'],
    ['a success flag that is not a boolean', { required: true, codes: [code('a', { success: 'yes' })] }, 'codes[0].success'],
  ])('refuses %s, naming it', (_what, input, message) => {
    const answer = parseDispositionSettings(input);
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.message).toContain(message);
  });
});
