// The demo (`crmq demo`: the samples imported, checked, every report written) is built once per test run and copied
// into each test file that reads it, instead of each file building its own (about 25 CPU seconds each).
// The first file to ask builds it in the run's shared folder under a lock; files asking meanwhile wait for it.
// It is built by the real `bin/crmq.js demo --out <dir>` in a child process (the database then goes to its default,
// <dir>/demo.duckdb): cli.test.ts checks that build's exit code and files instead of running a second demo.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { spawnCli } from './helpers.js';

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** `crmq demo --out out` as a real process: its exit code and output. */
function demoProcess(out: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawnCli(['demo', '--out', out]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', rej);
    child.on('close', (code) => res({ code: code ?? -1, stdout, stderr }));
  });
}

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
    const r = await demoProcess(out);
    writeFileSync(join(run, 'demo.exit'), JSON.stringify(r));
    if (r.code !== 0) {
      writeFileSync(failed, `exit ${r.code}: ${r.stderr}`);
      throw new Error(`crmq demo exited ${r.code}: ${r.stderr}`);
    }
    writeFileSync(done, '');
  }
}

/** The exit code and output of the run's one `crmq demo` process (building it first if no file has yet). */
export async function demoRun(): Promise<{ code: number; stdout: string; stderr: string }> {
  await sharedDemo();
  return JSON.parse(readFileSync(join(inject('runDir'), 'demo.exit'), 'utf8'));
}

/** What `crmq demo --out dir` writes, copied from the run's one build; returns dir/demo.duckdb. */
export async function demoInto(dir: string): Promise<string> {
  cpSync(await sharedDemo(), dir, { recursive: true });
  return join(dir, 'demo.duckdb');
}
