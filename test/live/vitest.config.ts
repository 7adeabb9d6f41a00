/**
 * Vitest settings for the live tests (a real PBX given by the environment); the main
 * configuration excludes test/live so they never run in CI.
 * Run: `npx vitest run --config test/live/vitest.config.ts` (npm run test:asterisk).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: resolve(dirname(fileURLToPath(import.meta.url)), '../..'),
  test: {
    include: ['test/live/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    maxWorkers: 1,
    fileParallelism: false,
  },
});
