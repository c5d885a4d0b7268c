// Tests that run the real `bin/crmq.js` need the compiled CLI to match the sources: build it once per test run, unless
// dist/ is already newer than every source (as after `npm ci`, whose prepare script builds it: CI saves the ~10 s).
// Also a folder for this run that test files share (test/demo.ts builds the demo there once), removed at the end,
// and the run's own temp folder (TMPDIR for every test file and every crmq process they start): crmq sweeps the temp
// folder on each import and pull (src/temp-dir.ts), so a system /tmp holding tens of thousands of entries left by
// other programs made every import here pay for reading it (~0.2 s each with 35,000 entries); and what a test leaves
// behind is removed with the run instead of piling up in /tmp.
// And an empty database of the current schema (CRMQ_EMPTY_DB): every database the run creates starts as a copy of it
// (src/db/database.ts) instead of running the DDL, ~70 ms CPU each for some 300 databases.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A folder shared by every test file of this run. */
    runDir: string;
    /** The system temp folder, for files a failing test keeps for a person to look at after the run. */
    keepDir: string;
  }
}

const EMPTY_DB = 'empty.duckdb';

/** The modification times of the files under dir whose names end so. */
function mtimes(dir: string, ending: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(ending)).map((f) => statSync(join(dir, f)).mtimeMs);
}

/** dist/ holds a build no older than any source file or build setting. */
function built(root: string): boolean {
  const outputs = mtimes(join(root, 'dist'), '.js');
  if (!outputs.length) return false;
  const inputs = [...mtimes(join(root, 'src'), '.ts'), ...['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((f) => statSync(join(root, f)).mtimeMs)];
  return Math.max(...inputs) < Math.min(...outputs);
}

export default async function setup(project: TestProject): Promise<() => void> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  if (!built(root)) execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  // Each project (main, heavy) runs this setup in the one vitest process: the first makes the temp folder, the others share it.
  const owner = !process.env.CRMQ_TEST_TMPDIR;
  if (owner) {
    process.env.CRMQ_TEST_SYSTEM_TMPDIR = tmpdir();
    process.env.CRMQ_TEST_TMPDIR = mkdtempSync(join(tmpdir(), 'crmq-tmp-'));
    const { openDb } = await import('../src/db/database.js');
    const empty = join(process.env.CRMQ_TEST_TMPDIR, EMPTY_DB);
    (await openDb(empty)).close();
    process.env.CRMQ_EMPTY_DB = empty;
  }
  const keepDir = process.env.CRMQ_TEST_SYSTEM_TMPDIR!;
  const temp = process.env.CRMQ_TEST_TMPDIR!;
  // Set before the test files' processes start: they and the processes they start inherit it (os.tmpdir() reads it).
  process.env.TMPDIR = temp;
  const runDir = mkdtempSync(join(keepDir, 'crmq-run-'));
  project.provide('runDir', runDir);
  project.provide('keepDir', keepDir);
  return () => {
    rmSync(runDir, { recursive: true, force: true });
    if (!owner) return;
    const left = readdirSync(temp).filter((f) => !f.startsWith('tsx-') && f !== EMPTY_DB); // tsx's compile cache (processes started with --import tsx)
    if (left.length) console.warn(`test run: ${left.length} temp folders left behind (removed now), e.g. ${left.slice(0, 5).join(', ')}`);
    rmSync(temp, { recursive: true, force: true });
  };
}
