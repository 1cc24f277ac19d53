import { defineConfig } from 'vitest/config';

// The parser's unit tests and one upstream SDK server; the tests against the example apps are
// in tests/client.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 30_000 },
});
