import { describe, expect, it } from 'vitest';
import { readRuleSets } from '../../../src/compliance/rule-set-config.ts';
import { DAY_MS, ruleSetRegistry, VN_DECREE_91 } from '../../../src/compliance/rule-sets.ts';

describe('rule sets from the configuration file', () => {
  it('extends a built-in rule set with a 30-day cap, keeping its other rules', () => {
    const [monthly] = readRuleSets('compliance.ruleSets', [{ name: 'vn-monthly', extends: 'vn-decree-91', caps: [{ window: '24h', max: 1 }, { window: '30d', max: 4 }] }]);
    expect(monthly).toMatchObject({
      name: 'vn-monthly',
      hours: VN_DECREE_91.hours,
      timeZone: 'Asia/Ho_Chi_Minh',
      checkDnc: true,
      requireBrandCallerId: true,
      caps: [
        { label: '24h', windowMs: DAY_MS, max: 1 },
        { label: '30d', windowMs: 30 * DAY_MS, max: 4 },
      ],
    });
    expect(ruleSetRegistry([monthly!]).get('vn-monthly')).toBe(monthly);
  });

  it('names the setting that is wrong', () => {
    expect(() => readRuleSets('compliance.ruleSets', [{ name: 'x', extends: 'nope' }])).toThrow(/compliance\.ruleSets\[0\]\.extends: unknown rule set "nope"/);
    expect(() => readRuleSets('compliance.ruleSets', [{ name: 'x', caps: [{ window: 'week', max: 1 }] }])).toThrow(/caps\[0\]\.window/);
    expect(() => readRuleSets('compliance.ruleSets', [{ name: 'x', caps: [{ window: '7d', max: 0 }] }])).toThrow(/caps\[0\]\.max/);
    expect(() => readRuleSets('compliance.ruleSets', [{ name: 'x', timeZone: 'Mars/Olympus' }])).toThrow(/timeZone/);
    expect(() => readRuleSets('compliance.ruleSets', [{ name: 'Bad Name' }])).toThrow(/\.name/);
  });

  it('reads hours as the profiles do, in the rule set’s own zone', () => {
    const [uk] = readRuleSets('r', [{ name: 'uk-evening', hours: '08:00-21:00', timeZone: 'Europe/London', checkDnc: true }]);
    expect(uk).toMatchObject({ hours: [{ from: '08:00', to: '21:00' }], timeZone: 'Europe/London', caps: [], checkDnc: true, requireBrandCallerId: false });
  });
});
