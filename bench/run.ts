// `npm run bench`: every benchmark, printed as one table and written to bench/results.md.
//   npm run bench                 full size (1,000,000 rows)
//   npm run bench -- --quick      100,000 rows, one run each (a smoke test of the harness)
//   npm run bench -- --drift      only the import profile's cost and the drift rules (bench/drift-results.md)
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTable } from '../src/ui/table.js';
import { checkBench } from './check.bench.js';
import { driftBench } from './drift.bench.js';
import { importBench, profileBench, type BenchRow } from './import.bench.js';
import { reportsBench } from './reports.bench.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const driftOnly = process.argv.includes('--drift');
const dataDir = join(here, 'data');
mkdirSync(dataDir, { recursive: true });
const sizes = quick ? [100_000] : [100_000, 1_000_000];
const runs = quick ? 1 : 3;

const n = sizes[sizes.length - 1];
const reports = driftOnly ? { rows: [], perReport: {} } : reportsBench(dataDir, n);
const rows: BenchRow[] = driftOnly
  ? [...(await profileBench(dataDir, n, runs)), ...driftBench(dataDir, quick ? 200 : 1000)]
  : [
      ...(await importBench(dataDir, sizes, runs)), ...(await profileBench(dataDir, n, runs)), ...driftBench(dataDir, quick ? 200 : 1000),
      ...(await checkBench(dataDir, n)), ...reports.rows,
    ];
const fmt = rows.map((r) => ({
  bench: r.bench,
  rows: r.rows.toLocaleString('en-US'),
  seconds: r.seconds.toFixed(2),
  'ratio to baseline': r.ratio === null ? '(baseline)' : `${r.ratio.toFixed(2)}× ${r.baseline}`,
  'rows/s': Math.round(r.rows_per_s).toLocaleString('en-US'),
  'peak RSS MB': Math.round(r.peak_rss_mb),
}));
const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; median of ${runs} alternating run(s)`;
const table = renderTable(fmt, undefined, { maxWidth: 100 });
const perReport = renderTable(Object.entries(reports.perReport).sort((a, b) => b[1] - a[1]).map(([report, s]) => ({ report, seconds: s.toFixed(2) })));
console.log(table);
console.log(machine);
if (driftOnly) {
  writeFileSync(join(here, 'drift-results.md'), `# Import profile and drift rules\n\n${machine}\n\n\`\`\`\n${table}\n\`\`\`\n`);
  process.exit(0);
}
console.log(`\nper report (${n.toLocaleString('en-US')} deals):\n${perReport}`);
writeFileSync(join(here, 'results.md'), `# Benchmark results\n\n${machine}\n\n\`\`\`\n${table}\n\`\`\`\n\nPer report:\n\n\`\`\`\n${perReport}\n\`\`\`\n`);
