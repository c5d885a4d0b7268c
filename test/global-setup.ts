// Tests that run the real `bin/crmq.js` need the compiled CLI to match the sources: build it once per test run, unless
// dist/ is already newer than every source (as after `npm ci`, whose prepare script builds it: CI saves the ~10 s).
// Also a folder for this run that test files share (test/demo.ts builds the demo there once), removed at the end.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
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

export default function setup(project: TestProject): () => void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  if (!built(root)) execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  const runDir = mkdtempSync(join(tmpdir(), 'crmq-run-'));
  project.provide('runDir', runDir);
  return () => rmSync(runDir, { recursive: true, force: true });
}
