// Import speed: crmq's full import (encoding check, sniffing, staging, profiling, row checks, canonical
// insert with lineage) against DuckDB's bare read_csv of the same file, in the same run.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeBenchContacts } from '../fixtures/generate.js';
import { compare } from './measure.js';
import { measure } from './measure.js';

export interface BenchRow {
  bench: string;
  rows: number;
  seconds: number;
  baseline: string;
  ratio: number | null;
  rows_per_s: number;
  peak_rss_mb: number;
}

export async function importBench(dataDir: string, sizes: number[], runs: number): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  for (const n of sizes) {
    const file = join(dataDir, `contacts-${n}.csv`);
    if (!existsSync(file)) await writeBenchContacts(file, n);
    const db = join(dataDir, 'import-bench.duckdb');
    const { a: bare, b: crmq } = compare(runs, () => measure('bare-read-csv', { file, db }), () => measure('crmq-import', { file, db }));
    out.push({ bench: 'bare DuckDB read_csv → table', rows: n, seconds: bare.ms / 1000, baseline: '', ratio: null, rows_per_s: n / (bare.ms / 1000), peak_rss_mb: bare.rssMb });
    out.push({ bench: 'crmq import (HubSpot contacts CSV)', rows: n, seconds: crmq.ms / 1000, baseline: 'bare read_csv', ratio: crmq.ms / bare.ms, rows_per_s: n / (crmq.ms / 1000), peak_rss_mb: crmq.rssMb });
  }
  return out;
}
