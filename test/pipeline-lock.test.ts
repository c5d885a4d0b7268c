// The pipeline lock under real races: separate processes take over the same stale lock at the same instant, many
// times; exactly one may win each time (the old remove-then-create takeover let both start in 1 of 6 trials).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock } from '../src/pipeline/lock.js';
import { ROOT, tmp } from './helpers.js';

const dir = tmp();
const lock = join(dir, 'run.lock');

/** A process that, on "go <at>", waits until the wall clock reaches `at` and tries to take the lock. */
const WORKER = `
import { acquireLock } from ${JSON.stringify(join(ROOT, 'src/pipeline/lock.ts'))};
import { createInterface } from 'node:readline';
let held;
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, at] = line.split(' ');
  if (cmd === 'go') {
    while (Date.now() < Number(at)) {}
    try { held = acquireLock(${JSON.stringify(lock)}); console.log('won'); } catch (e) { console.log('lost ' + e.message); }
  } else if (cmd === 'release') { held?.release(); held = undefined; console.log('released'); }
}`;

function worker() {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', WORKER], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, send: (s: string) => child.stdin.write(`${s}\n`), next: async () => String((await lines.next()).value) };
}

const workers = [worker(), worker()];
afterAll(() => workers.forEach((w) => w.child.kill()));

/** A lock left by a run that was killed: its pid is gone. */
function staleLock(n: number) {
  writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 7, started: `2026-01-01T00:00:${String(n % 60).padStart(2, '0')}Z`, nonce: `dead-${n}` }));
}

describe('pipeline lock', () => {
  it('two processes taking over one stale lock at the same instant: exactly one wins, 200 times', async () => {
    const outcomes: string[] = [];
    for (let trial = 0; trial < 200; trial++) {
      staleLock(trial);
      const at = Date.now() + 15;
      workers.forEach((w) => w.send(`go ${at}`));
      const answers = await Promise.all(workers.map((w) => w.next()));
      const won = answers.filter((a) => a === 'won').length;
      outcomes.push(answers.map((a) => a.split(' ')[0]).sort().join('/'));
      expect(won, `trial ${trial}: ${answers.join(' | ')}`).toBe(1);
      expect(answers.find((a) => a !== 'won')).toMatch(/another run is in progress|could not take the lock/);
      workers.forEach((w) => w.send('release'));
      await Promise.all(workers.map((w) => w.next()));
      expect(existsSync(lock)).toBe(false);
    }
    expect(outcomes.every((o) => o === 'lost/won')).toBe(true);
    // No takeover or temp file is left behind.
    expect(readdirSync(dir).filter((f) => f.startsWith('run.lock'))).toEqual([]);
  }, 120_000);

  it('a live lock is refused, a stale one taken over and reported, a release removes only its own lock', () => {
    const mine = acquireLock(lock);
    expect(() => acquireLock(lock)).toThrow(/another run is in progress \(pid \d+/);
    mine.release();
    staleLock(1);
    const taken = acquireLock(lock);
    expect(taken.staleFrom).toMatchObject({ pid: 2 ** 22 + 7 });
    staleLock(2); // someone else's lock now: releasing ours must not remove it
    taken.release();
    expect(existsSync(lock)).toBe(true);
  });
});
