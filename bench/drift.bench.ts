// Drift rules over a long history: 100 imports (20 exports of each of five entities), then every shipped drift rule.
import { join } from 'node:path';
import type { BenchRow } from './import.bench.js';
import { measure } from './measure.js';

export function driftBench(dataDir: string, rowsPerExport: number): BenchRow[] {
  const db = join(dataDir, 'drift-bench.duckdb');
  const setup = measure('drift-setup', { db, dir: dataDir, versions: 20, n: rowsPerExport });
  const imports = (setup.detail as { imports: number }).imports;
  const run = measure('drift-check', { db });
  const d = run.detail as { rules: number; findings: number; ruleSeconds: number };
  return [
    { bench: `crmq check --select drift (${d.rules} rules, ${imports} imports; whole process)`, rows: imports, seconds: run.ms / 1000, baseline: '', ratio: null, rows_per_s: imports / (run.ms / 1000), peak_rss_mb: run.rssMb },
    { bench: `  the ${d.rules} drift rules' own SQL (${d.findings} findings)`, rows: imports, seconds: d.ruleSeconds, baseline: '', ratio: null, rows_per_s: imports / d.ruleSeconds, peak_rss_mb: run.rssMb },
  ];
}
