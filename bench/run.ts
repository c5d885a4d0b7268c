// `npm run bench`: import against DuckDB's bare read_csv (alternating, same file, same run), the check with phones
// cold and cached, the report catalogue, and how each grows from 1M to 10M rows with its peak RSS. Prints the tables
// and writes them to bench/results.md. Heavy: run it as `flock /tmp/crmq-heavy.lock npm run bench`.
//   npm run bench                      1M and 10M (about 13 GB of generated data under bench/data, kept for the next run)
//   npm run bench -- --quick           10,000 and 100,000, one run each (a smoke test of the harness)
//   npm run bench -- --sizes 1000000   one size only (no growth column)
//   npm run bench -- --sizes 1000000,2000000 --import-sizes 1000000   the import comparison at other sizes than the scale run
//   npm run bench -- --only import     import | scale
//   npm run bench -- --drift           only the import profile's cost and the drift rules (bench/drift-results.md)
//   npm run bench -- --resume          go on from the first scale step not yet measured (bench/data/scale-<n>.steps.json)
// Each step's CPU seconds (all threads) stand beside its wall seconds: on a machine others share, the CPU figures
// and the alternating same-run ratios are the ones to compare.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultMemoryLimit } from '../src/db/settings.js';
import { renderTable } from '../src/ui/table.js';
import { driftBench } from './drift.bench.js';
import { importBench, profileBench, type BenchRow } from './import.bench.js';
import { scaleBench, type ScaleRun } from './scale.bench.js';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const arg = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const quick = argv.includes('--quick');
const sizes = arg('--sizes')?.split(',').map(Number) ?? (quick ? [10_000, 100_000] : [1_000_000, 10_000_000]);
const importSizes = arg('--import-sizes')?.split(',').map(Number) ?? sizes;
const only = arg('--only');
const load0 = loadavg()[0];
const dataDir = join(here, 'data');
mkdirSync(dataDir, { recursive: true });
const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
const fmt = (n: number) => n.toLocaleString('en-US');
const secs = (ms: number) => (ms / 1000).toFixed(2);
const times = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const sections: string[] = [];

if (argv.includes('--drift')) {
  // The import profile's cost (with and without it, alternating) and every drift rule over imports of history.
  const n = quick ? 100_000 : 1_000_000;
  const runs = quick ? 1 : 3;
  const rows: BenchRow[] = [...(await profileBench(dataDir, n, runs)), ...driftBench(dataDir, quick ? 200 : 1000)];
  const table = renderTable(rows.map((r) => ({
    bench: r.bench, rows: r.rows.toLocaleString('en-US'), seconds: r.seconds.toFixed(2), 'ratio to baseline': r.ratio === null ? '(baseline)' : `${r.ratio.toFixed(2)}× ${r.baseline}`,
    'rows/s': Math.round(r.rows_per_s).toLocaleString('en-US'), 'peak RSS MB': Math.round(r.peak_rss_mb),
  })), undefined, { maxWidth: 100 });
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; median of ${runs} alternating run(s)`;
  console.log(`${table}\n${machine}`);
  writeFileSync(join(here, 'drift-results.md'), `# Import profile and drift rules\n\n${machine}\n\n\`\`\`\n${table}\n\`\`\`\n`);
  process.exit(0);
}

if (!only || only === 'import') {
  const rows = [];
  for (const n of importSizes) {
    const runs = quick ? 1 : n >= 10_000_000 ? 2 : 3;
    log(`import ${fmt(n)}: bare read_csv and crmq import, ${runs} alternating runs`);
    const { bare, crmq } = await importBench(dataDir, n, runs);
    rows.push(
      { bench: 'bare DuckDB read_csv → table', rows: fmt(n), seconds: secs(bare.ms), 'CPU s': secs(bare.cpuMs), ratio: '(baseline)', 'CPU ratio': '', 'rows/s': fmt(Math.round(n / (bare.ms / 1000))), 'peak RSS MB': Math.round(bare.rssMb) },
      {
        bench: 'crmq import (HubSpot contacts CSV)', rows: fmt(n), seconds: secs(crmq.ms), 'CPU s': secs(crmq.cpuMs), ratio: `${times(crmq.ms, bare.ms)} (target ≤ 1.5×)`,
        'CPU ratio': times(crmq.cpuMs, bare.cpuMs), 'rows/s': fmt(Math.round(n / (crmq.ms / 1000))), 'peak RSS MB': Math.round(crmq.rssMb),
      },
    );
  }
  sections.push(`Import, median of alternating runs:\n\n${renderTable(rows)}`);
}

if (!only || only === 'scale') {
  const runs: ScaleRun[] = [];
  for (const n of sizes) runs.push(await scaleBench(dataDir, n, log, { resume: argv.includes('--resume') }));
  const [first, last] = [runs[0], runs[runs.length - 1]];
  const growth = first.steps.map((s, i) => {
    const row: Record<string, string | number> = { step: s.step };
    for (const r of runs) {
      row[`rows @${fmt(r.n)}`] = fmt(r.steps[i].rows);
      row[`s @${fmt(r.n)}`] = secs(r.steps[i].m.ms);
      row[`CPU s @${fmt(r.n)}`] = secs(r.steps[i].m.cpuMs);
      row[`peak RSS MB @${fmt(r.n)}`] = Math.round(r.steps[i].m.rssMb);
      row[`load @${fmt(r.n)}`] = r.steps[i].load?.toFixed(1) ?? '';
    }
    if (runs.length > 1) {
      row[`wall ×, ${last.n / first.n}× data`] = (last.steps[i].m.ms / s.m.ms).toFixed(2);
      row[`CPU ×, ${last.n / first.n}× data`] = (last.steps[i].m.cpuMs / s.m.cpuMs).toFixed(2);
    }
    return row;
  });
  const ratio = runs.map((r) => {
    const [floor, cold, warm] = ['count(*)', 'crmq check, phones not', 'crmq check, phones cached'].map((p) => r.steps.find((s) => s.step.startsWith(p))!.m);
    return {
      'contacts + deals': fmt(r.n * 2), 'count per rule s': secs(floor.ms), 'check cold s': secs(cold.ms), 'check warm s': secs(warm.ms),
      'cold ÷ warm': `${times(cold.ms, warm.ms)} (target ≤ 1.3×)`, 'CPU cold ÷ warm': times(cold.cpuMs, warm.cpuMs),
    };
  });
  const perReport = Object.keys(last.perReport)
    .sort((a, b) => last.perReport[b] - last.perReport[a])
    .map((id) => ({ report: id, ...Object.fromEntries(runs.map((r) => [`s @${fmt(r.n)} deals`, r.perReport[id].toFixed(2)])) }));
  sections.push(`Scale: n contacts, n deals, their stage history, 5n activities; each step in its own process:\n\n${renderTable(growth, undefined, { maxWidth: 60 })}`);
  sections.push(`Check, 36 rules (fuzzy duplicates have bench:dedup), phones cold and cached:\n\n${renderTable(ratio)}`);
  sections.push(`Per report:\n\n${renderTable(perReport)}`);
}

const load = `load average ${load0.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`;
const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; DuckDB memory_limit ${process.env.CRMQ_MEMORY_LIMIT ?? defaultMemoryLimit()} (crmq's default); ${load}`;
const text = `${machine}\n\n${sections.map((s) => s.replace(/\n\n([^]*)$/, '\n\n```\n$1\n```')).join('\n\n')}\n`;
console.log(sections.join('\n\n'));
console.log(machine);
writeFileSync(join(here, quick ? 'results-quick.md' : 'results.md'), `# Benchmark results\n\n${text}`);
