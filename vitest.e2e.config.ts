import { defineConfig } from 'vitest/config';

/** End-to-end tests: the bot, the Agents Playground and headless Chromium, all on loopback. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
