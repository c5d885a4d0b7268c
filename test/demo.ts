// The demo (`crmq demo`: the samples imported, checked, every report written) is built once per test run and copied
// into each test file that reads it, instead of each file building its own (about 25 CPU seconds each).
// The first file to ask builds it in the run's shared folder under a lock; files asking meanwhile wait for it.
// cli.test.ts still runs `crmq demo` itself, as a real process.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { cli } from './helpers.js';

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** The shared demo folder (demo.duckdb, check.*, reports.*): read it, never write it. */
async function sharedDemo(): Promise<string> {
  const run = inject('runDir');
  const out = join(run, 'demo');
  const done = join(run, 'demo.done');
  const failed = join(run, 'demo.failed');
  const lock = join(run, 'demo.lock');
  for (;;) {
    if (existsSync(done)) return out;
    if (existsSync(failed)) throw new Error(`crmq demo failed in another test file: ${readFileSync(failed, 'utf8')}`);
    try {
      mkdirSync(lock); // atomic: one file builds
    } catch {
      await sleep(100); // another file is building it
      continue;
    }
    rmSync(out, { recursive: true, force: true });
    const r = await cli('demo', '--out', out, '--db', join(out, 'demo.duckdb'));
    if (r.code !== 0) {
      writeFileSync(failed, `exit ${r.code}: ${r.stderr}`);
      throw new Error(`crmq demo exited ${r.code}: ${r.stderr}`);
    }
    writeFileSync(done, '');
  }
}

/** What `crmq demo --out dir --db dir/demo.duckdb` writes, copied from the run's one build; returns dir/demo.duckdb. */
export async function demoInto(dir: string): Promise<string> {
  cpSync(await sharedDemo(), dir, { recursive: true });
  return join(dir, 'demo.duckdb');
}
