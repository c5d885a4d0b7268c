import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, onTestFinished } from 'vitest';
import { main } from '../src/cli.js';
import { openDb, type Db } from '../src/db/database.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED = resolve(ROOT, '..', 'shared');
export const HAS_SHARED = existsSync(join(SHARED, 'datasets'));
export const BIN = join(ROOT, 'bin', 'crmq.js');

/**
 * A fresh temporary folder, removed after the test that asked for it, or after the test file when asked for outside
 * a test (an afterAll registered inside a running test never runs: such folders used to stay in the temp folder).
 */
export function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'crmq-test-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    onTestFinished(remove);
  } catch {
    afterAll(remove); // not inside a test
  }
  return dir;
}

export function write(dir: string, name: string, content: string | Buffer): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** Runs the CLI in-process and captures its output. */
export async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'crmq', ...args], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

/** Runs the real `bin/crmq.js` in a child process. */
export function cliProcess(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function spawnCli(args: string[]) {
  return spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
}

/**
 * Reads a database: opened read-only (no schema check, nothing to write back on close: about a quarter of an open and
 * close less), except ':memory:'.
 */
export async function query<T = Record<string, unknown>>(dbPath: string, sql: string): Promise<T[]> {
  const db = await openDb(dbPath, { readOnly: dbPath !== ':memory:' });
  try {
    return await db.all<T>(sql);
  } finally {
    db.close();
  }
}

export async function withTestDb<T>(dbPath: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(dbPath);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}
