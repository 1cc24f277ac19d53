import { defineConfig } from 'vitest/config';

// One browser and one authorization server per file, driven step by step: no parallel files.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
