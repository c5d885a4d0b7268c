import { defineConfig } from 'vitest/config';

// Two suites. `npm test` (project "main") is every test but the heavy ones; `npm run test:heavy` (project "heavy")
// runs the files named *.heavy.test.ts: the mutation matrix, the npm install test, the demo pipeline as cron runs it,
// killed pulls. CI runs both (.ci/run). `npx vitest run FILE` runs a file of either.
const HEAVY = 'test/**/*.heavy.test.ts';

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Generous: the suite must pass, only slower, when another process keeps both cores busy (a shared CI runner).
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Two files at once on two cores: many tests wait on child processes, paced HTTP and timers (11.9 min → 8.8 min for the suite here).
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], exclude: [HEAVY] } },
      { extends: true, test: { name: 'heavy', include: [HEAVY] } },
    ],
  },
});
