// One run at a time: a lock file holding the pid, the start time and a nonce. It is created atomically, complete
// (written to a temp file, then hard-linked into place: the link fails if a lock exists). A lock whose process is
// gone is stale; taking it over is itself exclusive (a takeover file named after the stale lock's content) and the
// stale lock is removed only if it is still that same lock, so two runs that find one stale lock never both start.
import { createHash, randomUUID } from 'node:crypto';
import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { CrmqError } from '../errors.js';
import { processAlive } from '../process-alive.js';

export interface Lock {
  release(): void;
  /** Set when a stale lock from a crashed run was cleared. */
  staleFrom?: { pid: number; started: string };
}

interface Holder {
  pid: number;
  started: string;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CrmqError(`${path}: cannot read the lock file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function parse(text: string): Holder | undefined {
  try {
    const h = JSON.parse(text) as Holder;
    return Number.isInteger(h.pid) ? h : undefined;
  } catch {
    return undefined;
  }
}

/** Creates `path` holding `content`, atomically and complete, or returns false when it exists. */
function create(path: string, content: string): boolean {
  const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    writeFileSync(tmp, content);
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new CrmqError(`${path}: cannot create the lock file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

export function acquireLock(path: string): Lock {
  const me = JSON.stringify({ pid: process.pid, started: new Date().toISOString(), nonce: randomUUID() });
  let staleFrom: Lock['staleFrom'];
  for (let attempt = 0; attempt < 50; attempt++) {
    if (create(path, me)) {
      // Re-checked: the lock on disk is this run's.
      if (read(path) !== me) throw new CrmqError(`${path}: another run took the lock`);
      return {
        release: () => {
          if (read(path) === me) rmSync(path, { force: true });
        },
        staleFrom,
      };
    }
    const text = read(path);
    if (text === undefined) continue; // released in between: try again
    const held = parse(text);
    if (held && processAlive(held.pid)) throw new CrmqError(`${path}: another run is in progress (pid ${held.pid}, since ${held.started})`);
    // Stale. Only the holder of this lock's takeover file may remove it, and only while it is still this lock.
    const takeover = `${path}.${createHash('sha256').update(text).digest('hex').slice(0, 16)}.takeover`;
    if (!create(takeover, me)) {
      const other = parse(read(takeover) ?? '');
      if (other && processAlive(other.pid)) {
        sleep(20); // another run is taking it over right now: look again
        continue;
      }
      const age = (() => {
        try {
          return Date.now() - statSync(takeover).mtimeMs;
        } catch {
          return 0;
        }
      })();
      if (age < 1000) {
        sleep(20);
        continue;
      }
      throw new CrmqError(`${path}: a takeover of this stale lock was interrupted (pid ${other?.pid ?? '?'} is gone); if no run is active, remove ${path} and ${takeover}`);
    }
    try {
      if (read(path) === text) {
        rmSync(path, { force: true });
        staleFrom = held ?? { pid: 0, started: 'unknown' };
      }
    } finally {
      rmSync(takeover, { force: true });
    }
  }
  throw new CrmqError(`${path}: could not take the lock`);
}
