// Temp folders (a transcoded copy of a CSV, an XLSX sheet as CSV, API pages) are removed on every way out: done,
// a thrown error, the process exiting, Ctrl-C, kill (SIGTERM, SIGHUP). A kill -9 cannot be caught: the folder it
// leaves carries the dead process's id in its name, and the next crmq run removes it.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from './process-alive.js';

const live = new Set<string>();
const NAME = /^crmq-(?:[a-z]+-)?(\d+)-/;
let installed = false;

const removeAll = () => {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
};

function onSignal(signal: NodeJS.Signals): void {
  removeAll();
  // Then die of the signal as if crmq had not caught it (exit code 130 for Ctrl-C, and so on).
  for (const s of SIGNALS) process.off(s, onSignal);
  process.kill(process.pid, signal);
}
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Folders left by crmq processes that no longer exist (killed with -9). */
function sweep(): void {
  try {
    for (const name of readdirSync(tmpdir())) {
      const pid = Number(NAME.exec(name)?.[1]);
      if (pid && pid !== process.pid && !processAlive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  } catch {
    // an unreadable temp folder: nothing to sweep
  }
}

/** A fresh temp folder `crmq-<kind>-<pid>-…`, removed by `remove()` or, failing that, when the process ends. */
export function makeTempDir(kind = ''): { path: string; remove(): void } {
  sweep();
  if (!installed) {
    installed = true;
    process.on('exit', removeAll);
    for (const s of SIGNALS) process.on(s, onSignal);
  }
  const path = mkdtempSync(join(tmpdir(), `crmq-${kind ? `${kind}-` : ''}${process.pid}-`));
  live.add(path);
  return {
    path,
    remove: () => {
      rmSync(path, { recursive: true, force: true });
      live.delete(path);
    },
  };
}
