/**
 * Dispositions per profile from the config file: codes with both labels and an effect, at most
 * nine (number keys), no duplicates; a profile without its own uses the defaults for its
 * purpose; the CRM extra fields are off unless enabled; a bad value names the setting.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';
import { ADVERTISING_DISPOSITIONS, DEFAULT_DISPOSITIONS, dispositionsOf } from '../../../src/domain/wrap-up-codes.ts';

const cwd = mkdtempSync(join(tmpdir(), 'ccs-config-'));
let n = 0;
function load(file: unknown, env: Record<string, string> = {}) {
  const path = join(cwd, `ccs-${++n}.json`);
  writeFileSync(path, JSON.stringify(file));
  return loadConfig({ CCS_DATA_DIR: join(cwd, 'data'), CCS_CONFIG: path, ...env }, cwd);
}
const code = (c: string, effect: string, extra: Record<string, unknown> = {}) => ({ code: c, label: { vi: `vi ${c}`, en: `en ${c}` }, effect, ...extra });

describe('disposition settings', () => {
  it('reads a profile’s codes, labels, effects, success flag and required flag', () => {
    const config = load({ profiles: [{ name: 'sales', typeIds: [7], dispositions: { required: true, codes: [code('sale', 'final', { success: true }), code('later', 'callback'), code('stop', 'dnc')] } }] });
    expect(dispositionsOf(config.profiles[0]!)).toEqual({
      required: true,
      codes: [
        { code: 'sale', label: { vi: 'vi sale', en: 'en sale' }, effect: 'final', success: true },
        { code: 'later', label: { vi: 'vi later', en: 'en later' }, effect: 'callback', success: false },
        { code: 'stop', label: { vi: 'vi stop', en: 'en stop' }, effect: 'dnc', success: false },
      ],
    });
  });

  it('uses the defaults of the purpose when a profile configures none, and inherits the default profile’s', () => {
    const plain = load({ profiles: [{ name: 'care', typeIds: [1] }, { name: 'ads', typeIds: [2], purpose: 'advertising', callerId: 'BRAND' }] });
    expect(dispositionsOf(plain.defaultProfile)).toBe(DEFAULT_DISPOSITIONS);
    expect(dispositionsOf(plain.profiles[1]!)).toBe(ADVERTISING_DISPOSITIONS);
    const inherited = load({ defaultProfile: { dispositions: { codes: [code('ok', 'final')] } }, profiles: [{ name: 'p', typeIds: [3] }] });
    expect(dispositionsOf(inherited.profiles[0]!).codes.map((c) => c.code)).toEqual(['ok']);
  });

  it('refuses unknown effects, missing labels, duplicate codes and more than nine codes, naming the setting', () => {
    const at = (dispositions: unknown) => () => load({ profiles: [{ name: 'p', typeIds: [1], dispositions }] });
    expect(at({ codes: [code('a', 'sometimes')] })).toThrow(/profiles\[0\]\.dispositions\.codes\[0\]\.effect/);
    expect(at({ codes: [{ code: 'a', label: { vi: 'chỉ tiếng Việt' }, effect: 'final' }] })).toThrow(/codes\[0\]\.label/);
    expect(at({ codes: [code('a', 'final'), code('a', 'retry')] })).toThrow(/duplicate code "a"/);
    expect(at({ codes: Array.from({ length: 10 }, (_, i) => code(`c${i}`, 'final')) })).toThrow(/at most 9 codes/);
    expect(at({ codes: [] })).toThrow(/dispositions\.codes/);
    expect(at({ codes: [code('Bad Code', 'final')] })).toThrow(/codes\[0\]\.code/);
  });

  it('keeps the CRM updates to the contract’s fields unless CCS_CRM_EXTRA_FIELDS (or crm.extraFields) is on', () => {
    expect(load({}).crm.extraFields).toBe(false);
    expect(load({}, { CCS_CRM_EXTRA_FIELDS: 'true' }).crm.extraFields).toBe(true);
    expect(load({ crm: { extraFields: true } }).crm.extraFields).toBe(true);
    expect(() => load({}, { CCS_CRM_EXTRA_FIELDS: 'sometimes' })).toThrow(/CCS_CRM_EXTRA_FIELDS/);
    expect(load({}).dialer.callbackGraceSeconds).toBe(300);
    expect(load({}, { CCS_CALLBACK_GRACE_SECONDS: '60' }).dialer.callbackGraceSeconds).toBe(60);
  });
});
