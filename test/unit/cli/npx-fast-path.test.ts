/**
 * `npx ccs` runs node_modules/.bin/ccs (linked by scripts/link-bin.mjs) directly only while
 * package.json declares no "bin": with one, npx reads the whole node_modules tree and installs
 * the checkout into its own cache on every run, which took seconds per command.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('npx ccs', () => {
  it('is not declared as a package bin, so npx takes the linked command', () => {
    expect(pkg.bin).toBeUndefined();
    expect(pkg.scripts).toMatchObject({ postinstall: 'node scripts/link-bin.mjs' });
  });
});
