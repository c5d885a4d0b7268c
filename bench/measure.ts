// Runs one benchmark step in a child process and returns its wall time and peak RSS, so steps do not
// share a heap and the memory figure is the step's own.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Measured {
  ms: number;
  /** CPU time of the step, every thread (DuckDB's included): steadier than wall time when others share the machine. */
  cpuMs: number;
  rssMb: number;
  detail?: Record<string, unknown>;
}

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'child.ts');

export function measure(step: string, args: Record<string, unknown>): Measured {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, step, JSON.stringify(args)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`bench step ${step} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measured;
}

/** The same, without blocking this process (which may be serving the step, as the API emulators do). */
export function measureAsync(step: string, args: Record<string, unknown>): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, step, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as Measured) : reject(new Error(`bench step ${step} failed: ${err}`))));
  });
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs a and b alternately `runs` times (so drift hits both alike) and keeps the median of each. */
export function compare(runs: number, a: () => Measured, b: () => Measured): { a: Measured; b: Measured } {
  const as: Measured[] = [];
  const bs: Measured[] = [];
  for (let i = 0; i < runs; i++) {
    as.push(a());
    bs.push(b());
  }
  const pick = (xs: Measured[]) => xs.find((x) => x.ms === median(xs.map((y) => y.ms)))!;
  const summary = (xs: Measured[]) => ({ ...pick(xs), cpuMs: median(xs.map((x) => x.cpuMs)), rssMb: Math.max(...xs.map((x) => x.rssMb)) });
  return { a: summary(as), b: summary(bs) };
}
