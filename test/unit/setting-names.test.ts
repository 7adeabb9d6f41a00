/**
 * Settings cannot drift: the known `CCS_*` names are the ones the configuration readers ask
 * for, an unknown one set in the environment is reported with the nearest known name, and the
 * README and docs name no setting that does not exist.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editDistance, knownSettingNames, unknownSettingMessage, unknownSettings } from '../../src/config/setting-names.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** `CCS_*` words in the docs that are not environment variables: the Asterisk channel variable CCS sets on its calls. */
const NOT_ENVIRONMENT_VARIABLES = new Set(['CCS_CALL_ID']);

describe('known setting names', () => {
  it('are exactly what the service and the command line read, found by watching them read', () => {
    const names = knownSettingNames();
    for (const name of ['CCS_PORT', 'CCS_TIMEZONE', 'CCS_CONFIG', 'CCS_AGENTS', 'CCS_RETRY_MAX_ATTEMPTS', 'CCS_FRAME_PROBE_HOSTS', 'CCS_OPERATOR_LOCAL', 'CCS_SIM_WRAPUP_SECONDS', 'CCS_URL']) {
      expect(names).toContain(name);
    }
    expect(names).not.toContain('CCS_TIME_ZONE');
    expect(names.every((n) => n.startsWith('CCS_'))).toBe(true);
  });

  it('reports an unknown CCS_ variable with the nearest known name', () => {
    const unknown = unknownSettings({ CCS_TIME_ZONE: 'Asia/Bangkok', CCS_PORT: '8081', HOME: '/root', CCS_BANANA_SPLIT: '1', CCS_CRM_UTL: 'http://x' });
    expect(unknown).toEqual([
      { name: 'CCS_BANANA_SPLIT', suggestion: null },
      { name: 'CCS_CRM_UTL', suggestion: 'CCS_CRM_URL' },
      { name: 'CCS_TIME_ZONE', suggestion: 'CCS_TIMEZONE' },
    ]);
    expect(unknownSettingMessage(unknown[2]!)).toBe('CCS_TIME_ZONE is not a CCS setting and is ignored; did you mean CCS_TIMEZONE?');
    expect(unknownSettingMessage(unknown[0]!)).toBe('CCS_BANANA_SPLIT is not a CCS setting and is ignored');
  });

  it('reports nothing when every CCS_ variable is known', () => {
    expect(unknownSettings(Object.fromEntries(knownSettingNames().map((n) => [n, 'x'])))).toEqual([]);
  });

  it('measures edit distance as insertions, deletions and substitutions', () => {
    expect(editDistance('CCS_TIME_ZONE', 'CCS_TIMEZONE')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('covers every CCS_ name the README and docs/*.md mention', () => {
    const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
    const known = new Set(knownSettingNames());
    const unknown: string[] = [];
    for (const file of files) {
      for (const [name] of readFileSync(join(ROOT, file), 'utf8').matchAll(/\bCCS_[A-Z0-9_]*[A-Z0-9]\b/g)) {
        if (!known.has(name) && !NOT_ENVIRONMENT_VARIABLES.has(name)) unknown.push(`${file}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});
