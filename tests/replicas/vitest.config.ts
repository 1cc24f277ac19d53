import { defineConfig } from 'vitest/config';

// Generous: three processes share two cores in CI, and one scenario waits out a step lease.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 60_000 },
});
