import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Each file starts real servers (example apps as child processes); two cores on CI.
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
