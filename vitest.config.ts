import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Generous: the suite must pass, only slower, when another process keeps both cores busy (a shared CI runner).
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Two files at once on two cores: many tests wait on child processes, paced HTTP and timers (11.9 min → 8.8 min for the suite here).
    maxWorkers: 2,
  },
});
