// One run at a time: a lock file holding the pid and start time. A lock whose process is gone is stale and taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { CrmqError } from '../errors.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export interface Lock {
  release(): void;
  /** Set when a stale lock from a crashed run was cleared. */
  staleFrom?: { pid: number; started: string };
}

export function acquireLock(path: string): Lock {
  let staleFrom: Lock['staleFrom'];
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, started: new Date().toISOString() }));
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }), staleFrom };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new CrmqError(`${path}: cannot create the lock file (${(err as Error).message})`);
      let held: { pid: number; started: string } | undefined;
      try {
        held = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        held = undefined;
      }
      if (held && alive(held.pid)) throw new CrmqError(`${path}: another run is in progress (pid ${held.pid}, since ${held.started})`);
      staleFrom = held ?? { pid: 0, started: 'unknown' };
      rmSync(path, { force: true });
    }
  }
  throw new CrmqError(`${path}: could not take the lock`);
}
