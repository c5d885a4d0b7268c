// Whether a command-line argument is a lake: kept apart (node:fs only) so `crmq import` loads no lake code for CSV files.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

export const MANIFEST = 'manifest.json';
export const LAKE_FORMAT = 'crmq-lake';

/** The manifest a command-line argument names, if it is a lake (its folder, or its manifest.json). */
export function lakeManifestPath(arg: string): string | undefined {
  if (!existsSync(arg)) return undefined;
  if (statSync(arg).isDirectory()) return existsSync(join(arg, MANIFEST)) ? join(arg, MANIFEST) : undefined;
  if (basename(arg) !== MANIFEST) return undefined;
  // A manifest crmq wrote names its format first; any other manifest.json is an ordinary JSON import.
  const head = Buffer.alloc(512);
  const fd = openSync(arg, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return new RegExp(`^\\s*\\{\\s*"format"\\s*:\\s*"${LAKE_FORMAT}"`).test(head.toString('utf8')) ? arg : undefined;
}

