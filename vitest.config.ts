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
    // Three files at once on two cores: many tests wait on child processes, paced HTTP, SMTP and timers, so a third file
    // fills the waits. Measured here back to back (2026-11-30, load ~5 from other work): 2 files 551 s, 3 files 367 s, the
    // same CPU (664 vs 661 s) and the same summed test time (886 vs 889 s): the tests did not get slower, only overlapped.
    // (1 → 2 files earlier: 11.9 min → 8.8 min.)
    maxWorkers: 3,
    projects: [
      // The files of a worker share one process and its loaded modules (isolate: false): each file used to start a fresh
      // process and import crmq anew, 54 times a run (with the other changes of 2026-12-01: 655 → 553 CPU s back to back).
      // So a test file must leave nothing behind that another would see: hooks and temp folders are registered per file
      // or per test (helpers.ts tmp(), smtp.ts), and what a test changes in process.env or globals it puts back.
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], exclude: [HEAVY], isolate: false } },
      { extends: true, test: { name: 'heavy', include: [HEAVY] } },
    ],
  },
});
