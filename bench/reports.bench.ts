// The whole report catalogue over N deals, 5N activities and their stage history: time per report and in total.
import { join } from 'node:path';
import type { BenchRow } from './import.bench.js';
import { measure } from './measure.js';

export function reportsBench(dataDir: string, n: number): { rows: BenchRow[]; perReport: Record<string, number> } {
  const db = join(dataDir, 'reports-bench.duckdb');
  const setup = measure('reports-setup', { db, n });
  const run = measure('crmq-reports', { db });
  const counts = setup.detail as Record<string, number>;
  const rows = counts.deals + counts.activities + counts.history;
  return {
    rows: [{ bench: `crmq report --all (23 reports; ${n.toLocaleString('en-US')} deals, ${(5 * n).toLocaleString('en-US')} activities, ${counts.history.toLocaleString('en-US')} history rows)`, rows, seconds: run.ms / 1000, baseline: '', ratio: null, rows_per_s: rows / (run.ms / 1000), peak_rss_mb: run.rssMb }],
    perReport: (run.detail as { perReport: Record<string, number> }).perReport,
  };
}
