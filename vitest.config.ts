import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    exclude: ['test/live/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: parallel files, but not so many that timing-sensitive end-to-end tests starve.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
