// Import speed: crmq's full import (encoding check, sniffing, staging, profiling, row checks, canonical insert with
// lineage, the import record) against DuckDB's bare read_csv of the same file, alternating in the same run.
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { writeBenchContacts } from '../fixtures/generate.js';
import { compare, measure, type Measured } from './measure.js';

export interface BenchRow {
  bench: string;
  rows: number;
  seconds: number;
  baseline: string;
  ratio: number | null;
  rows_per_s: number;
  peak_rss_mb: number;
}


export async function importBench(dataDir: string, n: number, runs: number): Promise<{ bare: Measured; crmq: Measured }> {
  const file = join(dataDir, `contacts-${n}.csv`);
  if (!existsSync(file)) {
    await writeBenchContacts(`${file}.partial`, n);
    renameSync(`${file}.partial`, file);
  }
  const db = join(dataDir, 'import-bench.duckdb');
  const { a: bare, b: crmq } = compare(runs, () => measure('bare-read-csv', { file, db }), () => measure('crmq-import', { file, db }));
  return { bare, crmq };
}

/**
 * What the import profile (drift checks, history) costs: the same import with and without it, alternating, on the
 * largest file; and a changed export of the same contacts over the first, where the profile also joins every record
 * with its previous version.
 */
export async function profileBench(dataDir: string, n: number, runs: number): Promise<BenchRow[]> {
  const file = join(dataDir, `contacts-${n}.csv`);
  if (!existsSync(file)) await writeBenchContacts(file, n);
  const file2 = join(dataDir, `contacts-${n}-changed.csv`);
  if (!existsSync(file2)) measure('changed-export', { file, out: file2 });
  const db = join(dataDir, 'profile-bench.duckdb');
  const row = (bench: string, m: Measured, ms: number, baseline: string, base?: number): BenchRow => ({
    bench, rows: n, seconds: ms / 1000, baseline, ratio: base ? ms / base : null, rows_per_s: n / (ms / 1000), peak_rss_mb: m.rssMb,
  });
  const { a: off, b: on } = compare(runs, () => measure('crmq-import', { file, db, profile: false }), () => measure('crmq-import', { file, db, profile: true }));
  const second = (profile: boolean) => {
    const m = measure('crmq-reimport', { file, file2, db, profile });
    return { ...m, ms: (m.detail as { secondMs: number }).secondMs };
  };
  const { a: reOff, b: reOn } = compare(runs, () => second(false), () => second(true));
  const profileSeconds = (m: Measured) => ((m.detail as { profileSeconds: number }).profileSeconds).toFixed(2);
  return [
    row('crmq import without the profile', off, off.ms, ''),
    row(`crmq import with the profile (${profileSeconds(on)} s of it)`, on, on.ms, 'without the profile', off.ms),
    row('crmq import of a changed export without the profile', reOff, reOff.ms, ''),
    row(`crmq import of a changed export with the profile (${profileSeconds(reOn)} s)`, reOn, reOn.ms, 'without the profile', reOff.ms),
  ];
}
