import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Each file starts its own servers; two cores on CI, so at most two files at once.
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
