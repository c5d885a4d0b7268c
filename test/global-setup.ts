// Tests that run the real `bin/crmq.js` need the compiled CLI to match the sources: build it once per test run.
// Also a folder for this run that test files share (test/demo.ts builds the demo there once), removed at the end.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A folder shared by every test file of this run. */
    runDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  const runDir = mkdtempSync(join(tmpdir(), 'crmq-run-'));
  project.provide('runDir', runDir);
  return () => rmSync(runDir, { recursive: true, force: true });
}
